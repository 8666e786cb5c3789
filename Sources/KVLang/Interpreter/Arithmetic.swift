import Foundation

/// Operators on values: dimension checks, the display units results keep, and numeric edge cases as errors.
extension Interpreter {
    func unary(_ op: UnaryOp, _ v: Value, at span: Span) throws(Diagnostic) -> Value {
        switch (op, v) {
        case (.negate, .quantity(var q)):
            q.value = -q.value
            return .quantity(q)
        case (.plus, .quantity):
            return v
        case (.not, .bool(let b)):
            return .bool(!b)
        default:
            throw Diagnostic(.type, "`\(op.rawValue)` does not apply to \(v.typeName)", at: span)
        }
    }

    public func binary(_ op: BinaryOp, _ a: Value, _ b: Value, op opSpan: Span, left: Span, right: Span)
        throws(Diagnostic) -> Value {
        if case .quantity(let x) = a, case .quantity(let y) = b {
            return try arithmetic(op, x, y, op: opSpan, left: left, right: right)
        }
        switch (a, b) {
        case (.string(let x), .string(let y)) where op == .add:
            let length = x.utf8.count + y.utf8.count
            guard length <= Interpreter.maxStringLength else {
                throw Diagnostic(.limit, "the joined string would be \(length) bytes, over the limit of "
                                 + "\(Interpreter.maxStringLength)", at: opSpan)
            }
            return .string(x + y)
        case (.list(let x), .list(let y)) where op == .add:
            try checkListLength(x.count + y.count, at: opSpan, what: "the joined list")
            return .list(x + y)
        default:
            if op == .eq || op == .ne {
                let same = try equal(a, b, op: opSpan)
                return .bool(op == .eq ? same : !same)
            }
            throw Diagnostic(.type, "`\(op.rawValue)` does not apply to \(a.typeName) and \(b.typeName)", at: opSpan,
                             notes: [("this is \(a.typeName)", left), ("this is \(b.typeName)", right)])
        }
    }

    /// A list longer than `maxListLength` is an error where it would be made (ranges, `+`, builtins).
    public func checkListLength(_ count: Int, at span: Span, what: String = "the list") throws(Diagnostic) {
        guard count <= Interpreter.maxListLength else {
            throw Diagnostic(.limit, "\(what) would have \(count) items, over the limit of \(Interpreter.maxListLength)",
                             at: span)
        }
    }

    /// A builtin's result may hold no infinity or NaN (`exp(1000)`, `sum` of huge values): the error is at the call,
    /// so nothing downstream (printing, JSON) ever sees one.
    func checkFinite(_ v: Value, at span: Span, name: String) throws(Diagnostic) {
        switch v {
        case .quantity(let q):
            if !q.value.isFinite {
                throw Diagnostic(.numeric, q.value.isNaN ? "the result of \(name) is not a number"
                                 : "the result of \(name) overflows (larger than 1.8e308)", at: span)
            }
        case .list(let items):
            for item in items { try checkFinite(item, at: span, name: name) }
        case .record(let r):
            for item in r.values { try checkFinite(item, at: span, name: name) }
        case .table(let t):
            for row in t.rows { for item in row { try checkFinite(item, at: span, name: name) } }
        case .bool, .string, .function, .chart:
            break
        }
    }

    func arithmetic(_ op: BinaryOp, _ x: Quantity, _ y: Quantity, op span: Span, left: Span, right: Span)
        throws(Diagnostic) -> Value {
        // Plain numbers take the short path: no dimensions, no display units.
        if x.display == nil, y.display == nil, x.dimension.isDimensionless, y.dimension.isDimensionless {
            switch op {
            case .add: return .quantity(Quantity(try finite(x.value + y.value, op, span)))
            case .sub: return .quantity(Quantity(try finite(x.value - y.value, op, span)))
            case .mul: return .quantity(Quantity(try finite(x.value * y.value, op, span)))
            case .div:
                if y.value == 0 { throw divisionByZero(span, right) }
                return .quantity(Quantity(try finite(x.value / y.value, op, span)))
            case .lt: return .bool(x.value < y.value)
            case .le: return .bool(x.value <= y.value)
            case .gt: return .bool(x.value > y.value)
            case .ge: return .bool(x.value >= y.value)
            case .eq: return .bool(x.value == y.value)
            case .ne: return .bool(x.value != y.value)
            default: break
            }
        }
        switch op {
        case .add, .sub:
            try sameDimension(x, y, op: span, left: left, right: right, verb: op == .add ? "add" : "subtract")
            let v = op == .add ? x.value + y.value : x.value - y.value
            return .quantity(Quantity(try finite(v, op, span), x.dimension, display: x.display ?? y.display))
        case .mul, .div:
            if op == .div, y.value == 0 { throw divisionByZero(span, right) }
            let divide = op == .div
            guard let d = units.product(x.dimension, y.dimension, divide: divide) else { throw exponentOverflow(span) }
            let v = divide ? x.value / y.value : x.value * y.value
            return .quantity(Quantity(try finite(v, op, span), d, display: units.combined(x.display, y.display,
                                                                                           divide: divide)))
        case .pow:
            return .quantity(try power(x, y, op: span, right: right))
        case .lt, .le, .gt, .ge, .eq, .ne:
            try sameDimension(x, y, op: span, left: left, right: right, verb: "compare")
            switch op {
            case .lt: return .bool(x.value < y.value)
            case .le: return .bool(x.value <= y.value)
            case .gt: return .bool(x.value > y.value)
            case .ge: return .bool(x.value >= y.value)
            case .eq: return .bool(x.value == y.value)
            default: return .bool(x.value != y.value)
            }
        case .and, .or:
            throw Diagnostic(.type, "`\(op.rawValue)` needs true or false, not numbers", at: span)
        }
    }

    private func power(_ x: Quantity, _ y: Quantity, op span: Span, right: Span) throws(Diagnostic) -> Quantity {
        guard y.dimension.isDimensionless else {
            throw Diagnostic(.dimension, "an exponent must be a plain number, not \(units.name(of: y.dimension))",
                             at: right)
        }
        let v = pow(x.value, y.value)
        if x.dimension.isDimensionless && x.display == nil {
            return Quantity(try finite(v, .pow, span))
        }
        guard let e = Rational(approximating: y.value) else {
            throw Diagnostic(.dimension, "cannot raise \(units.name(of: x.dimension)) to the power \(y.value)",
                             at: right, hint: "a quantity's exponent must be a simple fraction, like 2 or 1/2")
        }
        guard let d = x.dimension.power(e) else { throw exponentOverflow(span) }
        return Quantity(try finite(v, .pow, span), d, display: units.power(x.display, e))
    }

    public func sameDimension(_ x: Quantity, _ y: Quantity, op: Span, left: Span, right: Span, verb: String)
        throws(Diagnostic) {
        guard x.dimension != y.dimension else { return }
        let l = units.name(of: x.dimension), r = units.name(of: y.dimension)
        throw Diagnostic(.dimension, "cannot \(verb) \(l) and \(r)", at: op,
                         hint: dimensionHint(x.dimension, y.dimension),
                         notes: [("`\(left.text)` is \(l)", left), ("`\(right.text)` is \(r)", right)])
    }

    /// How to bridge two dimensions: the factor one side lacks.
    func dimensionHint(_ a: Dimension, _ b: Dimension) -> String? {
        guard let ratio = a.multiplied(by: b, exponent: .minusOne), ratio.terms.count == 1 else { return nil }
        let name = units.bases[ratio.terms[0].base].name
        if ratio.terms[0].exponent == .minusOne { return "multiply the left side by a \(name) factor" }
        if ratio.terms[0].exponent == .one { return "divide the left side by a \(name) factor" }
        return nil
    }

    @inline(__always)
    private func finite(_ v: Double, _ op: BinaryOp, _ span: Span) throws(Diagnostic) -> Double {
        if v.isFinite { return v }
        return try notFinite(v, op, span)
    }

    private func notFinite(_ v: Double, _ op: BinaryOp, _ span: Span) throws(Diagnostic) -> Double {
        if v.isNaN { throw Diagnostic(.numeric, "the result of `\(op.rawValue)` is not a number", at: span) }
        throw Diagnostic(.numeric, "the result of `\(op.rawValue)` overflows (larger than 1.8e308)", at: span)
    }

    private func divisionByZero(_ span: Span, _ right: Span) -> Diagnostic {
        Diagnostic(.numeric, "division by zero", at: span, notes: [("this is zero", right)])
    }

    private func exponentOverflow(_ span: Span) -> Diagnostic {
        Diagnostic(.numeric, "a dimension's exponent overflows", at: span)
    }

    /// Structural equality; quantities of different dimensions are an error, other kinds are simply unequal.
    public func equal(_ a: Value, _ b: Value, op: Span) throws(Diagnostic) -> Bool {
        switch (a, b) {
        case (.quantity(let x), .quantity(let y)):
            try sameDimension(x, y, op: op, left: op, right: op, verb: "compare")
            return x.value == y.value
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where try !equal(p, q, op: op) { return false }
            return true
        case (.record(let x), .record(let y)):
            guard x.keys == y.keys else { return false }
            for (k, v) in x { guard let w = y[k], try equal(v, w, op: op) else { return false } }
            return true
        case (.function(let f), .function(let g)): return f === g
        case (.table(let x), .table(let y)):
            guard x.columns == y.columns, x.rows.count == y.rows.count else { return false }
            for (p, q) in zip(x.rows, y.rows) where try !equal(.list(p), .list(q), op: op) { return false }
            return true
        default: return false
        }
    }

    func convert(_ value: Value, to target: Value, op: Span, value valueSpan: Span, target targetSpan: Span)
        throws(Diagnostic) -> Value {
        guard case .quantity(let t) = target, let display = t.display else {
            throw Diagnostic(.type, "convert to a unit, like `GiB` or `KiB/token`", at: targetSpan)
        }
        let factor = units.factor(of: display)
        guard abs(t.value - factor) <= 1e-12 * abs(factor) else {
            throw Diagnostic(.type, "the conversion target must be a unit without a number", at: targetSpan,
                             hint: "write `-> \(display.terms.count == 1 ? units.units[display.terms[0].unit].name : "GiB")`")
        }
        switch value {
        case .quantity(var q):
            guard q.dimension == t.dimension else {
                let l = units.name(of: q.dimension), r = units.name(of: t.dimension)
                throw Diagnostic(.dimension, "cannot convert \(l) to \(r)", at: op,
                                 hint: dimensionHint(q.dimension, t.dimension),
                                 notes: [("`\(valueSpan.text)` is \(l)", valueSpan), ("`\(targetSpan.text)` is \(r)", targetSpan)])
            }
            q.display = DisplayUnit(terms: display.terms, pinned: true)
            return .quantity(q)
        case .list(let items):
            var out: [Value] = []
            for item in items { out.append(try convert(item, to: target, op: op, value: valueSpan, target: targetSpan)) }
            return .list(out)
        default:
            throw Diagnostic(.type, "cannot convert \(value.typeName) to a unit", at: valueSpan)
        }
    }
}
