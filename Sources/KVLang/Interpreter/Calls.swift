/// Calling functions: binding positional and named arguments to parameters, defaults, frames and the limits.
///
/// A call pushes a frame onto `stack`: the parameters, then the closure's captured values. Names in the body were
/// resolved to those slots, so a lookup is `stack[frameBase + slot]`.
extension Interpreter {
    /// `f(…).name` for a native with a shortcut: a named call may be answered with the field alone (`projected`
    /// set), so the record it belongs to is never built. Any other call goes the usual way (`evalCall`).
    func evalCall(_ f: Function, arguments: [CallArgument], callSpan: Span, field: String,
                  projected: inout Bool) throws(Diagnostic) -> Value {
        if !arguments.allSatisfy({ $0.label == nil }) {
            let base = stack.count
            defer { if stack.count > base { stack.removeLast(stack.count - base) } }
            if let v = try evalNamedCall(f, arguments: arguments, base: base, callSpan: callSpan, field: field,
                                         projected: &projected) {
                return v
            }
        }
        return try evalCall(f, arguments: arguments, callSpan: callSpan)
    }

    /// A call from source: arguments are evaluated straight onto the stack when they are all positional.
    func evalCall(_ f: Function, arguments: [CallArgument], callSpan: Span) throws(Diagnostic) -> Value {
        let base = stack.count
        defer { if stack.count > base { stack.removeLast(stack.count - base) } }
        if let which = f.extremum, arguments.count == 2, arguments[0].label == nil, arguments[1].label == nil {
            let a = try eval(arguments[0].value), b = try eval(arguments[1].value)
            if case .quantity(let x) = a, case .quantity(let y) = b, x.dimension == y.dimension {
                try countCall(f, callSpan: callSpan)
                // As the builtin: the second wins only when strictly smaller (larger).
                return (which == .min ? y.value < x.value : y.value > x.value) ? b : a
            }
            stack.append(a)
            stack.append(b)
            return try enter(f, base: base, given: .first(2), arguments: arguments, callSpan: callSpan)
        }
        if arguments.allSatisfy({ $0.label == nil }), arguments.count <= f.parameters.count {
            for a in arguments { stack.append(try eval(a.value)) }
            return try enter(f, base: base, given: .first(arguments.count), arguments: arguments, callSpan: callSpan)
        }
        var projected = false
        if let v = try evalNamedCall(f, arguments: arguments, base: base, callSpan: callSpan, field: nil,
                                     projected: &projected) {
            return v
        }
        var values: [Value] = []
        for a in arguments { values.append(try eval(a.value)) }
        var bound = [Bool](repeating: false, count: f.parameters.count)
        var slots = [Value](repeating: .bool(false), count: f.parameters.count)
        var spans = [Span](repeating: callSpan, count: f.parameters.count)
        var rest: [NamedArgument] = []
        var restNames = Set<String>()
        for (k, arg) in arguments.enumerated() {
            let slot: Int
            if let label = arg.label {
                guard let i = f.parameterNames.firstIndex(of: label) else {
                    if f.takesNamedRest {
                        guard restNames.insert(label).inserted else {
                            throw Diagnostic(.argument, "argument `\(label)` is given twice",
                                             at: arg.labelSpan ?? arg.value.span)
                        }
                        rest.append(NamedArgument(name: label, value: values[k], span: arg.labelSpan ?? arg.value.span))
                        continue
                    }
                    throw Diagnostic(.argument, "\(f.name) has no parameter `\(label)`", at: arg.labelSpan ?? callSpan,
                                     hint: Suggestions.hint(for: label, in: f.parameterNames)
                                         ?? "its signature: \(f.signature)")
                }
                slot = i
            } else {
                guard k < f.parameters.count else {
                    throw Diagnostic(.argument, "\(f.name) takes \(f.parameters.count) argument"
                                     + (f.parameters.count == 1 ? "" : "s") + ", but got \(arguments.count)",
                                     at: arg.value.span, hint: "its signature: \(f.signature)")
                }
                slot = k
            }
            guard !bound[slot] else {
                throw Diagnostic(.argument, "argument `\(f.parameters[slot].name)` is given twice",
                                 at: arg.labelSpan ?? arg.value.span)
            }
            bound[slot] = true
            slots[slot] = values[k]
            spans[slot] = arg.value.span
        }
        stack.append(contentsOf: slots)
        return try enter(f, base: base, given: .flags(bound), spans: spans, arguments: nil, callSpan: callSpan,
                         rest: rest)
    }

    /// Named arguments (and positional ones) that each bind a parameter of their own, as builtin calls write them
    /// (`memory(m, H100, batch: b, seq: 2048)`): evaluated in order straight into their slots of the frame, with no
    /// arrays but a native's spans. Nil, having evaluated nothing, when a label is unknown or goes to `...`, a
    /// parameter is given twice, or there are too many arguments or parameters: the general path then reports or
    /// binds them as it always did.
    private func evalNamedCall(_ f: Function, arguments: [CallArgument], base: Int, callSpan: Span, field: String?,
                               projected: inout Bool) throws(Diagnostic) -> Value? {
        let count = f.parameters.count
        guard count <= 64, arguments.count <= count else { return nil }
        let facts = f.nativeFacts
        var given: UInt64 = 0
        // Each argument's slot, 6 bits apiece for the first ten: found once here, not again by each pass below,
        // or remembered from this call site's last call (Function.boundArguments).
        var packed: UInt64 = 0
        let key = arguments.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        if key != 0, key == f.boundKey {
            given = f.boundGiven
            packed = f.boundSlots
        } else {
            for k in arguments.indices {
                guard let slot = boundSlot(f, facts, arguments[k], position: k) else { return nil }
                let bit: UInt64 = 1 << UInt64(slot)
                guard given & bit == 0 else { return nil }
                given |= bit
                if k < 10 { packed |= UInt64(slot) << UInt64(6 * k) }
            }
            if key != 0, arguments.count <= 10 {
                f.boundArguments = arguments
                f.boundKey = key
                f.boundGiven = given
                f.boundSlots = packed
            }
        }
        let slots = packed
        @inline(__always) func slotOf(_ k: Int) -> Int {
            k < 10 ? Int(truncatingIfNeeded: (slots >> UInt64(6 * k)) & 63)
                : boundSlot(f, facts, arguments[k], position: k) ?? k
        }
        if case .native(let native) = f.body, let facts, facts.defaultArguments.count == count,
           f.locals.isEmpty, f.captured.isEmpty,
           (given | facts.literalDefaultMask) & allParameters(count) == allParameters(count) {
            // A native whose parameters not given all have literal defaults: nothing is evaluated in its frame, so
            // its argument list is built from the defaults directly, without going through the stack.
            var values = f.spareArguments ?? facts.defaultArguments
            f.spareArguments = nil
            // Whatever happens, the list goes back with the defaults in the slots this call wrote.
            defer {
                for k in arguments.indices {
                    let slot = slotOf(k)
                    values[slot] = facts.defaultArguments[slot]
                }
                f.spareArguments = values
            }
            for k in arguments.indices { values[slotOf(k)] = try eval(arguments[k].value) }
            var counted = false
            if let checks = facts.shortcutChecks, let shortcut = f.shortcut {
                // The native's fast path reads the list in place; nil sends the call the ordinary way below.
                try countCall(f, callSpan: callSpan)
                counted = true
                let answer = values.withUnsafeBufferPointer { list in
                    shortcut.answer(ShortcutCall(interpreter: self, function: f, arguments: list,
                                                 check: given | checks, field: field))
                }
                if let answer {
                    projected = field != nil
                    return answer
                }
            }
            var spans = f.spareSpans ?? []
            f.spareSpans = nil
            defer { f.spareSpans = spans }
            if spans.count == count {
                for i in spans.indices { spans[i] = callSpan }
            } else {
                spans = [Span](repeating: callSpan, count: count)
            }
            for k in arguments.indices { spans[slotOf(k)] = arguments[k].value.span }
            return try callNative(f, native, arguments: values, spans: spans, callSpan: callSpan, counted: counted)
        }
        // A native's literal defaults go straight into their slots (the given ones are overwritten below).
        let literals = facts?.literalDefaults ?? []
        if literals.count == count {
            for v in literals { stack.append(v ?? .bool(false)) }
        } else {
            stack.append(contentsOf: repeatElement(Value.bool(false), count: count))
        }
        var spans: [Span]? = f.userBody == nil ? [Span](repeating: callSpan, count: count) : nil
        for k in arguments.indices {
            let slot = slotOf(k)
            stack[base + slot] = try eval(arguments[k].value)
            spans?[slot] = arguments[k].value.span
        }
        return try enter(f, base: base, given: literals.count == count ? .maskAndLiterals(given) : .mask(given),
                         spans: spans, arguments: nil, callSpan: callSpan)
    }

    /// A bit for each of `count` (≤ 64) parameters.
    @inline(__always)
    private func allParameters(_ count: Int) -> UInt64 { count == 64 ? ~0 : (1 << UInt64(count)) - 1 }

    /// Runs a native on an argument list built without a frame: what `enter` does for a native.
    private func callNative(_ f: Function, _ native: NativeFunction, arguments: [Value], spans: [Span],
                            callSpan: Span, counted: Bool) throws(Diagnostic) -> Value {
        if !counted { try countCall(f, callSpan: callSpan) }
        callDepth += 1
        let savedBase = frameBase
        defer {
            callDepth -= 1
            frameBase = savedBase
        }
        frameBase = stack.count
        var context = CallContext(interpreter: self, name: f.name, parameterNames: f.parameterNames,
                                  arguments: arguments, spans: spans, callSpan: callSpan, rest: [])
        let result = try native(&context)
        if !f.forwardsValues, !allFinite(result) { try checkFinite(result, at: callSpan, name: f.quotedName) }
        return result
    }

    /// Whether every number in a value is finite, as `checkFinite` walks it, without building anything: the usual
    /// answer, found cheaply; `checkFinite` then runs only to report the number that is not.
    private func allFinite(_ v: Value) -> Bool {
        switch v {
        case .quantity(let q): return q.value.isFinite
        case .list(let items): return items.withUnsafeBufferPointer(allFinite)
        case .record(let r): return r.values.withUnsafeBufferPointer(allFinite)
        case .table(let t): return t.rows.allSatisfy { $0.withUnsafeBufferPointer(allFinite) }
        case .bool, .string, .function, .chart: return true
        }
    }

    /// The elements in place, numbers without a call each.
    private func allFinite(_ values: UnsafeBufferPointer<Value>) -> Bool {
        for i in values.indices {
            if case .quantity(let q) = values[i] {
                if !q.value.isFinite { return false }
            } else if !allFinite(values[i]) {
                return false
            }
        }
        return true
    }

    /// The parameter an argument binds: its label's, or its position's.
    @inline(__always)
    private func boundSlot(_ f: Function, _ facts: Function.NativeFacts?, _ a: CallArgument,
                           position: Int) -> Int? {
        guard let label = a.label else { return position }
        return f.parameterIndex(label, facts: facts)
    }

    /// Calls a function value with named arguments (from builtins such as `sweep`); an unknown name is an error
    /// unless the function takes any named arguments.
    public func call(_ f: Function, named: [NamedArgument], callSpan: Span) throws(Diagnostic) -> Value {
        let base = stack.count
        defer { if stack.count > base { stack.removeLast(stack.count - base) } }
        var bound = [Bool](repeating: false, count: f.parameters.count)
        var slots = [Value](repeating: .bool(false), count: f.parameters.count)
        var spans = [Span](repeating: callSpan, count: f.parameters.count)
        var rest: [NamedArgument] = []
        for arg in named {
            guard let i = f.parameterNames.firstIndex(of: arg.name) else {
                guard f.takesNamedRest else {
                    throw Diagnostic(.argument, "\(f.name) has no parameter `\(arg.name)`", at: arg.span,
                                     hint: Suggestions.hint(for: arg.name, in: f.parameterNames)
                                         ?? "its signature: \(f.signature)")
                }
                rest.append(arg)
                continue
            }
            bound[i] = true
            slots[i] = arg.value
            spans[i] = arg.span
        }
        stack.append(contentsOf: slots)
        return try enter(f, base: base, given: .flags(bound), spans: spans, arguments: nil, callSpan: callSpan,
                         rest: rest)
    }

    /// Calls a function value with positional arguments (from builtins such as `map`).
    public func call(_ f: Function, positional: [Value], callSpan: Span) throws(Diagnostic) -> Value {
        guard positional.count <= f.parameters.count else {
            throw Diagnostic(.argument, "\(f.name) takes \(f.parameters.count) arguments, but got \(positional.count)",
                             at: callSpan, hint: "its signature: \(f.signature)")
        }
        let base = stack.count
        defer { if stack.count > base { stack.removeLast(stack.count - base) } }
        stack.append(contentsOf: positional)
        return try enter(f, base: base, given: .first(positional.count), arguments: nil, callSpan: callSpan)
    }

    /// Calls a function value with one argument, without building an array.
    public func call(_ f: Function, _ argument: Value, callSpan: Span) throws(Diagnostic) -> Value {
        guard !f.parameters.isEmpty else {
            throw Diagnostic(.argument, "\(f.name) takes no arguments, but got 1", at: callSpan,
                             hint: "its signature: \(f.signature)")
        }
        let base = stack.count
        defer { if stack.count > base { stack.removeLast(stack.count - base) } }
        stack.append(argument)
        return try enter(f, base: base, given: .first(1), arguments: nil, callSpan: callSpan)
    }

    /// Which parameters a call gave: the first n (pushed in order), or any, with every slot of the frame pushed
    /// (a flag per parameter, or a bit when there are at most 64).
    enum Given {
        case first(Int)
        case flags([Bool])
        case mask(UInt64)
        /// As `mask`, with the literal defaults already in their slots.
        case maskAndLiterals(UInt64)

        @inline(__always)
        func contains(_ i: Int) -> Bool {
            switch self {
            case .first(let n): return i < n
            case .flags(let f): return f[i]
            case .mask(let m), .maskAndLiterals(let m): return m & (1 << UInt64(i)) != 0
            }
        }
    }

    /// Evaluates the defaults of the parameters not given, in the new frame (so a default may use earlier ones).
    /// A native's literal defaults are stored values (Function.literalDefaults): nothing to evaluate.
    private func fillDefaults(_ f: Function, base: Int, given: Given, callSpan: Span) throws(Diagnostic) {
        let literals = f.literalDefaults
        var placed = false
        if case .maskAndLiterals(let m) = given {
            // Every parameter given or holding its literal default: nothing left to fill.
            let all = allParameters(f.parameters.count)
            if (m | f.literalDefaultMask) & all == all { return }
            placed = true
        }
        for i in 0..<f.parameters.count where !given.contains(i) {
            if i < literals.count, let v = literals[i] {
                if !placed { stack[base + i] = v }
                continue
            }
            guard let d = f.parameters[i].defaultValue else {
                throw Diagnostic(.argument, "missing argument `\(f.parameters[i].name)` of \(f.name)", at: callSpan,
                                 hint: "its signature: \(f.signature)")
            }
            stack[base + i] = try eval(d)
        }
    }

    /// Completes the frame that starts at `base` (the parameters `given` pushed, or every slot pushed and `given`
    /// marking which were given, with `spans` where each came from), evaluates defaults in it, and runs the body.
    private func enter(_ f: Function, base: Int, given: Given, spans givenSpans: [Span]? = nil,
                       arguments: [CallArgument]?, callSpan: Span,
                       rest: [NamedArgument] = []) throws(Diagnostic) -> Value {
        try countCall(f, callSpan: callSpan)
        callDepth += 1
        let savedBase = frameBase
        defer {
            callDepth -= 1
            frameBase = savedBase
        }
        let count = f.parameters.count
        // Every parameter given in order needs no defaults; otherwise the missing slots are filled.
        var complete = false
        if case .first(let provided) = given {
            if provided < count { stack.append(contentsOf: repeatElement(Value.bool(false), count: count - provided)) }
            complete = provided >= count
        }
        if !f.locals.isEmpty { reserveLocals(f) }
        if !f.captured.isEmpty { stack.append(contentsOf: f.captured) }
        frameBase = base
        if !complete { try fillDefaults(f, base: base, given: given, callSpan: callSpan) }
        // The common case, a user function: its body is borrowed, not retained.
        if let body = f.userBody {
            do {
                if !f.locals.isEmpty { try bindLocals(f, base: base) }
                return try body._withUnsafeGuaranteedRef { try eval($0) }
            } catch let d as Diagnostic {
                throw suggestingLocal(d, in: f)
            } catch {
                throw Diagnostic(.limit, "internal: \(error)", at: callSpan)
            }
        }
        switch f.body {
        case .user(let body):
            return try eval(body)
        case .native(let native):
            var spans = givenSpans ?? [Span](repeating: callSpan, count: count)
            if let arguments { for (i, a) in arguments.enumerated() where i < count { spans[i] = a.value.span } }
            var context = CallContext(interpreter: self, name: f.name, parameterNames: f.parameterNames,
                                      arguments: stack.slice(base..<(base + count)), spans: spans, callSpan: callSpan,
                                      rest: rest)
            let result = try native(&context)
            if !f.forwardsValues, !allFinite(result) { try checkFinite(result, at: callSpan, name: f.quotedName) }
            return result
        }
    }

    /// What every call checks before it runs: a Ctrl-C, the call budget, the depth limit.
    @inline(__always)
    private func countCall(_ f: Function, callSpan: Span) throws(Diagnostic) {
        if Interrupt.take() {
            throw Diagnostic(.limit, "interrupted", at: callSpan)
        }
        if let budget = callBudget {
            guard budget > 0 else { throw Diagnostic(.limit, "call budget exhausted", at: callSpan) }
            callBudget = budget - 1
        }
        guard callDepth < Interpreter.maxCallDepth else {
            throw Diagnostic(.limit, "calls nested deeper than \(Interpreter.maxCallDepth) (runaway recursion?)",
                             at: callSpan, hint: "check that the recursion in `\(f.name)` reaches its base case")
        }
    }
}
