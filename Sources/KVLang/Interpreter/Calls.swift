/// Calling functions: binding positional and named arguments to parameters, defaults, and the call-depth limit.
extension Interpreter {
    func call(_ f: Function, arguments: [CallArgument], values: [Value], callSpan: Span) throws(Diagnostic) -> Value {
        var bound = [Value?](repeating: nil, count: f.parameters.count)
        var spans = [Span](repeating: callSpan, count: f.parameters.count)
        for (k, arg) in arguments.enumerated() {
            let slot: Int
            if let label = arg.label {
                guard let i = f.parameters.firstIndex(where: { $0.name == label }) else {
                    throw Diagnostic(.argument, "\(f.name) has no parameter `\(label)`", at: arg.labelSpan ?? callSpan,
                                     hint: Suggestions.hint(for: label, in: f.parameters.map(\.name))
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
            guard bound[slot] == nil else {
                throw Diagnostic(.argument, "argument `\(f.parameters[slot].name)` is given twice",
                                 at: arg.labelSpan ?? arg.value.span)
            }
            bound[slot] = values[k]
            spans[slot] = arg.value.span
        }
        return try invoke(f, bound: bound, spans: spans, callSpan: callSpan)
    }

    /// Calls a function value with positional arguments (from builtins such as `map`).
    public func call(_ f: Function, positional: [Value], callSpan: Span) throws(Diagnostic) -> Value {
        guard positional.count <= f.parameters.count else {
            throw Diagnostic(.argument, "\(f.name) takes \(f.parameters.count) arguments, but got \(positional.count)",
                             at: callSpan, hint: "its signature: \(f.signature)")
        }
        var bound = [Value?](repeating: nil, count: f.parameters.count)
        for (i, v) in positional.enumerated() { bound[i] = v }
        return try invoke(f, bound: bound, spans: [Span](repeating: callSpan, count: f.parameters.count),
                          callSpan: callSpan)
    }

    private func invoke(_ f: Function, bound: [Value?], spans: [Span], callSpan: Span) throws(Diagnostic) -> Value {
        if interruptRequested {
            interruptRequested = false
            throw Diagnostic(.limit, "interrupted", at: callSpan)
        }
        if let budget = callBudget {
            guard budget > 0 else { throw Diagnostic(.limit, "call budget exhausted", at: callSpan) }
            callBudget = budget - 1
        }
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth <= Interpreter.maxCallDepth else {
            throw Diagnostic(.limit, "calls nested deeper than \(Interpreter.maxCallDepth) (runaway recursion?)",
                             at: callSpan, hint: "check that the recursion in `\(f.name)` reaches its base case")
        }
        var args: [Value] = []
        args.reserveCapacity(bound.count)
        for (i, p) in f.parameters.enumerated() {
            if let v = bound[i] {
                args.append(v)
            } else if let d = p.defaultValue {
                args.append(try eval(d, f.defaultScope))
            } else {
                throw Diagnostic(.argument, "missing argument `\(p.name)` of \(f.name)", at: callSpan,
                                 hint: "its signature: \(f.signature)")
            }
        }
        switch f.body {
        case .user(let body, let closure):
            let scope = Scope(names: f.parameters.map(\.name), values: args, parent: closure)
            return try eval(body, scope)
        case .native(let native):
            var context = CallContext(interpreter: self, name: f.name, parameterNames: f.parameters.map(\.name),
                                      arguments: args, spans: spans, callSpan: callSpan)
            return try native(&context)
        }
    }
}
