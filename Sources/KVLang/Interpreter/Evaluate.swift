/// Expression evaluation.
extension Interpreter {
    func eval(_ e: Expr) throws(Diagnostic) -> Value {
        evalDepth += 1
        defer { evalDepth -= 1 }
        if evalDepth > Interpreter.maxEvalDepth {
            throw Diagnostic(.limit, "expression nested too deeply to evaluate", at: e.span,
                             hint: "split it with `let` bindings")
        }
        switch e.tag {
        case .number:
            return .quantity(Quantity(e.number))
        case .name where e.slot >= 0:
            return stack[frameBase + Int(e.slot)]
        case .arithmetic, .juxtaposition:
            // A node with a parameter or a call below it is never constant: one compare, then plain evaluation.
            let known = e.foldKey
            if known == Expr.neverConstant { return try operate(e) }
            let key = foldKey
            if known == key, let q = e.folded { return .quantity(q) }
            let v = try operate(e)
            if known != key { fold(e, v, key: key) }
            return v
        case .name:
            let key = foldKey
            if let v = foldedName(e, key: key) { return v }
            if case .name(let name) = e.kind {
                let v = try lookup(e, name)
                foldName(e, v, key: key)
                return v
            }
        default:
            break
        }
        switch e.kind {
        case .number(let v):
            return .quantity(Quantity(v))
        case .string(let s):
            return .string(s)
        case .bool(let b):
            return .bool(b)
        case .name(let name):
            if e.slot >= 0 { return stack[frameBase + Int(e.slot)] }
            return try lookup(e, name)
        case .unary(let op, let operand):
            return try unary(op, try eval(operand), at: e.span)
        case .binary(.and, let l, let r, let op):
            guard try condition(l, op: op, "and") else { return .bool(false) }
            return .bool(try condition(r, op: op, "and"))
        case .binary(.or, let l, let r, let op):
            if try condition(l, op: op, "or") { return .bool(true) }
            return .bool(try condition(r, op: op, "or"))
        case .binary(let op, let l, let r, let opSpan):
            let a = try eval(l), b = try eval(r)
            return try binary(op, a, b, op: opSpan, left: l.span, right: r.span)
        case .juxtaposition(let l, let r):
            let a = try eval(l), b = try evalUnit(r)
            return try binary(.mul, a, b, op: r.span, left: l.span, right: r.span)
        case .call(let calleeExpr, let arguments):
            let callee = try eval(calleeExpr)
            guard case .function(let f) = callee else {
                throw Diagnostic(.type, "\(callee.typeName) cannot be called", at: calleeExpr.span,
                                 hint: calleeExpr.span.text.isEmpty ? nil
                                     : "to multiply, write `\(calleeExpr.span.text) * (…)`")
            }
            return try evalCall(f, arguments: arguments, callSpan: e.span)
        case .field(let base, let name, let nameSpan):
            return try evalField(base, name, at: nameSpan)
        case .index(let base, let indexExpr):
            return try index(try eval(base), try eval(indexExpr), at: indexExpr.span)
        case .with(let base, let fields):
            guard case .record(var record) = try eval(base) else {
                throw Diagnostic(.type, "`with` updates a record, not \(try eval(base).typeName)", at: base.span)
            }
            for f in fields {
                guard record[f.name] != nil else {
                    throw Diagnostic(.name, "the record has no field `\(f.name)` to update", at: f.nameSpan,
                                     hint: Suggestions.hint(for: f.name, in: record.keys)
                                         ?? "its fields: \(record.keys.joined(separator: ", "))")
                }
                record[f.name] = try eval(f.value)
            }
            return .record(record)
        case .record(let fields):
            if fields.count > Interpreter.maxRecordFields {
                throw Diagnostic(.limit, "a record of \(fields.count) fields is over the limit of "
                                 + "\(Interpreter.maxRecordFields)", at: e.span)
            }
            var record = Record()
            for f in fields { record[f.name] = try eval(f.value) }
            return .record(record)
        case .list(let items):
            try checkListLength(items.count, at: e.span)
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try eval(item)) }
            return .list(values)
        case .range(let lo, let hi, let op):
            return try range(try eval(lo), try eval(hi), op: op, lo: lo.span, hi: hi.span)
        case .ifThen(let c, let yes, let no):
            return try condition(c, op: c.span, "if") ? try eval(yes) : try eval(no)
        case .convert(let valueExpr, let targetExpr, let op):
            let value = try eval(valueExpr)
            let target = try evalUnit(targetExpr)
            return try convert(value, to: target, op: op, value: valueExpr.span, target: targetExpr.span)
        case .lambda(let decl):
            return .function(try makeFunction(decl))
        }
    }

    /// An arithmetic or juxtaposition node, evaluated.
    @inline(__always)
    private func operate(_ e: Expr) throws(Diagnostic) -> Value {
        // The operands are borrowed (+0): `kind` keeps them alive.
        let l = e.lhs.unsafelyUnwrapped, r = e.rhs.unsafelyUnwrapped
        let a = try borrowed(l) { x throws(Diagnostic) in try eval(x) }
        let unit = e.tag == .juxtaposition
        let b = try borrowed(r) { x throws(Diagnostic) in unit ? try evalUnit(x) : try eval(x) }
        if case .quantity(let x) = a, case .quantity(let y) = b {
            return try arithmetic(unit ? .mul : e.binaryOp, x, y, op: e.opSpan,
                                  left: l._withUnsafeGuaranteedRef { $0.span }, right: r._withUnsafeGuaranteedRef { $0.span })
        }
        return try binary(unit ? .mul : e.binaryOp, a, b, op: e.opSpan,
                          left: l._withUnsafeGuaranteedRef { $0.span }, right: r._withUnsafeGuaranteedRef { $0.span })
    }

    @inline(__always)
    private func borrowed(_ node: Unmanaged<Expr>, _ body: (Expr) throws(Diagnostic) -> Value) throws(Diagnostic) -> Value {
        do {
            return try node._withUnsafeGuaranteedRef { x in try body(x) }
        } catch let d as Diagnostic {
            throw d
        } catch {
            throw Diagnostic(.limit, "internal: \(error)", at: .none)
        }
    }

    /// Where a unit is expected (after a number, after `->`), a unit's name means the unit even when a function
    /// shares it: `5 min` is minutes, `min(a, b)` the function.
    func evalUnit(_ e: Expr) throws(Diagnostic) -> Value {
        switch e.kind {
        case .name(let name):
            // One rule for globals and parameters: after a number, a unit's name is the unit (`fn f(s) = 3 s` is
            // three seconds, as `let s = 2; 3 s` is).
            if let q = unitValue(e, name) { return .quantity(q) }
            return try eval(e)
        case .binary(let op, let l, let r, let opSpan) where op == .mul || op == .div || op == .pow:
            let a = try evalUnit(l)
            let b = op == .pow ? try eval(r) : try evalUnit(r)
            return try binary(op, a, b, op: opSpan, left: l.span, right: r.span)
        case .juxtaposition(let l, let r):
            return try binary(.mul, try evalUnit(l), try evalUnit(r), op: r.span, left: l.span,
                              right: r.span)
        default:
            return try eval(e)
        }
    }

    /// The unit a name denotes, cached on the node.
    func unitValue(_ e: Expr, _ name: String) -> Quantity? {
        if e.cachedGeneration == units.generation { return e.cachedUnit }
        let q = units.unit(named: name).map { units.units[$0].value }
        e.cachedUnit = q
        e.cachedGeneration = units.generation
        return q
    }

    func lookup(_ e: Expr, _ name: String) throws(Diagnostic) -> Value {
        if let v = globals[name] { return v }
        if let q = unitValue(e, name) { return .quantity(q) }
        let span = e.span
        throw Diagnostic(.name, "unknown name `\(name)`", at: span,
                         hint: Suggestions.hint(for: name, in: knownNames()))
    }

    private func condition(_ e: Expr, op: Span, _ keyword: String) throws(Diagnostic) -> Bool {
        let v = try eval(e)
        guard case .bool(let b) = v else {
            throw Diagnostic(.type, "`\(keyword)` needs true or false, not \(v.typeName)", at: e.span,
                             hint: "compare it, e.g. `x > 0`")
        }
        return b
    }

    /// `base.name`. Apart from `eval`, whose every case pays for the registers the largest one needs.
    @inline(never)
    private func evalField(_ base: Expr, _ name: String, at nameSpan: Span) throws(Diagnostic) -> Value {
        if case .call(let calleeExpr, let arguments) = base.kind, calleeExpr.tag == .name,
           case .function(let f) = try eval(calleeExpr), f.shortcut != nil {
            // `memory(…).total`: the native's shortcut may answer the field alone. (Only for a callee named
            // directly: looking a name up twice, here and below, changes nothing. The call node is not
            // evaluated through `eval`, so its depth is counted here.)
            evalDepth += 1
            defer { evalDepth -= 1 }
            var projected = false
            let v = try evalCall(f, arguments: arguments, callSpan: base.span, field: name, projected: &projected)
            return projected ? v : try field(v, name, at: nameSpan, base: base.span)
        }
        return try field(try eval(base), name, at: nameSpan, base: base.span)
    }

    func field(_ base: Value, _ name: String, at span: Span, base baseSpan: Span) throws(Diagnostic) -> Value {
        if case .table(let t) = base {
            // A table's column, as a list: `sweep(…).kv_cache`.
            guard let column = t.column(name) else {
                throw Diagnostic(.name, "no column `\(name)` in this table", at: span,
                                 hint: Suggestions.hint(for: name, in: t.columns)
                                     ?? "its columns: \(t.columns.joined(separator: ", "))")
            }
            return .list(column)
        }
        guard case .record(let record) = base else {
            throw Diagnostic(.type, "\(base.typeName) has no fields", at: baseSpan)
        }
        guard let v = Interpreter.fieldValue(record, name) else {
            throw Diagnostic(.name, "no field `\(name)` in this record", at: span,
                             hint: Suggestions.hint(for: name, in: record.keys)
                                 ?? "its fields: \(record.keys.joined(separator: ", "))")
        }
        return v
    }

    /// `record[name]`, comparing each key's two words with the name's first: a String of up to 15 UTF-8 bytes is
    /// stored in them, so equal bits mean equal strings, and a short record's key is found without String's general
    /// comparison of every key passed over (`.total` of memory()'s record passed three). What bits do not find is
    /// looked up as before.
    @inline(__always)
    static func fieldValue(_ record: Record, _ name: String) -> Value? {
        if MemoryLayout<String>.size == 16 {
            let bits = unsafeBitCast(name, to: (UInt64, UInt64).self)
            let found = record.keys.elements.withUnsafeBufferPointer { keys -> Int? in
                for i in keys.indices where unsafeBitCast(keys[i], to: (UInt64, UInt64).self) == bits { return i }
                return nil
            }
            if let i = found { return record.values[i] }
        }
        return record[name]
    }

    private func index(_ base: Value, _ index: Value, at span: Span) throws(Diagnostic) -> Value {
        switch (base, index) {
        case (.list(let items), .quantity(let q)) where q.dimension.isDimensionless:
            guard q.value == q.value.rounded(), abs(q.value) < 1e15 else {
                throw Diagnostic(.argument, "a list index must be a whole number", at: span)
            }
            var i = Int(q.value)
            if i < 0 { i += items.count }  // -1 is the last item
            guard items.indices.contains(i) else {
                throw Diagnostic(.argument, "index \(Int(q.value)) is outside the list (length \(items.count))", at: span)
            }
            return items[i]
        case (.record, .string(let name)), (.table, .string(let name)):
            return try field(base, name, at: span, base: span)
        case (.table(let t), .quantity(let q)) where q.dimension.isDimensionless:
            // A row, as a record: `t[0]`, `t[-1]`.
            let rows = Value.list(t.rows.indices.map { .record(t.record($0)) })
            return try self.index(rows, index, at: span)
        default:
            throw Diagnostic(.type, "cannot index \(base.typeName) with \(index.typeName)", at: span)
        }
    }

    private func range(_ lo: Value, _ hi: Value, op: Span, lo loSpan: Span, hi hiSpan: Span) throws(Diagnostic) -> Value {
        guard case .quantity(let a) = lo, a.dimension.isDimensionless, a.value == a.value.rounded() else {
            throw Diagnostic(.type, "a range starts at a whole number", at: loSpan)
        }
        guard case .quantity(let b) = hi, b.dimension.isDimensionless, b.value == b.value.rounded() else {
            throw Diagnostic(.type, "a range ends at a whole number", at: hiSpan)
        }
        let count = b.value - a.value + 1
        guard count <= Double(Interpreter.maxListLength) else {
            throw Diagnostic(.limit, "range of \(NumberFormat.format(count, separators: false)) items is longer than "
                             + "the limit of \(Interpreter.maxListLength)", at: op)
        }
        guard count >= 1 else { return .list([]) }
        let start = a.value
        return .list((0..<Int(count)).map { .quantity(Quantity(start + Double($0))) })
    }
}
