/// `dimension` and `unit` declarations: the stdlib builds the unit table with these.
extension Interpreter {
    func declareDimension(_ name: String, at span: Span, definition: Expr?) throws(Diagnostic) {
        // The definition's own errors (an unknown dimension in it) come first, as themselves.
        let derived = try definition.map { e throws(Diagnostic) in try dimensionExpression(e) }
        do {
            let table = unitsForDeclaring()
            if let derived {
                try table.declareDerived(name, derived)
            } else {
                _ = try table.declareBase(name)
            }
        } catch {
            throw Diagnostic(.name, "dimension `\(name)` is already declared", at: span)
        }
    }

    /// `Information / Time`, `Length^2`: names of dimensions combined with `*`, `/` and integer powers.
    private func dimensionExpression(_ e: Expr) throws(Diagnostic) -> Dimension {
        switch e.kind {
        case .name(let n):
            guard let d = units.dimension(named: n) else {
                throw Diagnostic(.name, "unknown dimension `\(n)`", at: e.span,
                                 hint: Suggestions.hint(for: n, in: units.dimensionNames))
            }
            return d
        case .number(1):
            return .none
        case .binary(let op, let l, let r, let opSpan) where op == .mul || op == .div:
            let a = try dimensionExpression(l), b = try dimensionExpression(r)
            guard let d = a.multiplied(by: b, exponent: op == .mul ? .one : .minusOne) else {
                throw Diagnostic(.numeric, "a dimension's exponent overflows", at: opSpan)
            }
            return d
        case .binary(.pow, let l, let r, _):
            let a = try dimensionExpression(l)
            var exponent = r
            var negative = false
            if case .unary(.negate, let inner) = r.kind { exponent = inner; negative = true }
            guard case .number(let n) = exponent.kind, let q = Rational(approximating: negative ? -n : n),
                  let d = a.power(q) else {
                throw Diagnostic(.syntax, "a dimension's exponent must be a number", at: r.span)
            }
            return d
        default:
            throw Diagnostic(.syntax, "expected a product of dimension names, like `Information / Time`", at: e.span)
        }
    }

    func declareUnit(_ decl: UnitDecl) throws(Diagnostic) {
        let factor: Double
        let dimension: Dimension
        let definition: String
        switch decl.definition {
        case .base(let name, let span):
            guard let d = units.dimension(named: name) else {
                throw Diagnostic(.name, "unknown dimension `\(name)`", at: span,
                                 hint: Suggestions.hint(for: name, in: units.dimensionNames))
            }
            factor = 1
            dimension = d
            definition = "base unit of \(name)"
        case .derived(let e):
            guard case .quantity(let q) = try eval(e) else {
                throw Diagnostic(.type, "a unit is defined by a quantity", at: e.span)
            }
            guard q.value > 0 else { throw Diagnostic(.numeric, "a unit must be positive", at: e.span) }
            factor = q.value
            dimension = q.dimension
            definition = e.span.text
        }
        for (name, span) in decl.names {
            if globals[name] != nil || units.unit(named: name) != nil {
                throw Diagnostic(.name, "`\(name)` is already defined", at: span)
            }
        }
        do {
            try unitsForDeclaring().declareUnit(names: decl.names.map(\.0), factor: factor, dimension: dimension,
                                  families: decl.prefixes.map(\.0), doc: decl.doc, definition: definition)
        } catch {
            switch error {
            case .duplicate(let n):
                throw Diagnostic(.name, "the prefixed unit `\(n)` clashes with an existing name", at: decl.span)
            case .unknownFamily(let f):
                let span = decl.prefixes.first { $0.0 == f }?.1 ?? decl.span
                throw Diagnostic(.name, "unknown prefix family `\(f)`", at: span,
                                 hint: "use metric, binary or submultiples")
            }
        }
    }
}
