/// Calling functions: binding positional and named arguments to parameters, defaults, frames and the limits.
///
/// A call pushes a frame onto `stack`: the parameters, then the closure's captured values. Names in the body were
/// resolved to those slots, so a lookup is `stack[frameBase + slot]`.
extension Interpreter {
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
            return try enter(f, base: base, provided: 2, bound: nil, arguments: arguments, callSpan: callSpan)
        }
        if arguments.allSatisfy({ $0.label == nil }), arguments.count <= f.parameters.count {
            for a in arguments { stack.append(try eval(a.value)) }
            return try enter(f, base: base, provided: arguments.count, bound: nil, arguments: arguments,
                             callSpan: callSpan)
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
        return try enter(f, base: base, provided: 0, bound: (bound, spans), arguments: nil, callSpan: callSpan,
                         rest: rest)
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
        return try enter(f, base: base, provided: 0, bound: (bound, spans), arguments: nil, callSpan: callSpan,
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
        return try enter(f, base: base, provided: positional.count, bound: nil, arguments: nil, callSpan: callSpan)
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
        return try enter(f, base: base, provided: 1, bound: nil, arguments: nil, callSpan: callSpan)
    }

    /// Evaluates the defaults of the parameters not given, in the new frame (so a default may use earlier ones).
    private func fillDefaults(_ f: Function, base: Int, provided: Int, bound: [Bool]?, callSpan: Span)
        throws(Diagnostic) {
        for i in 0..<f.parameters.count where bound.map({ !$0[i] }) ?? (i >= provided) {
            guard let d = f.parameters[i].defaultValue else {
                throw Diagnostic(.argument, "missing argument `\(f.parameters[i].name)` of \(f.name)", at: callSpan,
                                 hint: "its signature: \(f.signature)")
            }
            stack[base + i] = try eval(d)
        }
    }

    /// Completes the frame that starts at `base` (parameters `0..<provided` already pushed, or all of them with
    /// `bound` marking which were given), evaluates defaults in it, and runs the body.
    private func enter(_ f: Function, base: Int, provided: Int, bound: ([Bool], [Span])?, arguments: [CallArgument]?,
                       callSpan: Span, rest: [NamedArgument] = []) throws(Diagnostic) -> Value {
        try countCall(f, callSpan: callSpan)
        callDepth += 1
        let savedBase = frameBase
        defer {
            callDepth -= 1
            frameBase = savedBase
        }
        let count = f.parameters.count
        if bound == nil, provided < count {
            stack.append(contentsOf: repeatElement(Value.bool(false), count: count - provided))
        }
        if !f.locals.isEmpty { reserveLocals(f) }
        if !f.captured.isEmpty { stack.append(contentsOf: f.captured) }
        frameBase = base
        if bound != nil || provided < count { try fillDefaults(f, base: base, provided: provided, bound: bound?.0,
                                                               callSpan: callSpan) }
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
            var spans = bound?.1 ?? [Span](repeating: callSpan, count: count)
            if let arguments { for (i, a) in arguments.enumerated() where i < count { spans[i] = a.value.span } }
            var context = CallContext(interpreter: self, name: f.name, parameterNames: f.parameterNames,
                                      arguments: stack.slice(base..<(base + count)), spans: spans, callSpan: callSpan,
                                      rest: rest)
            let result = try native(&context)
            if !f.forwardsValues { try checkFinite(result, at: callSpan, name: "`\(f.name)`") }
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
