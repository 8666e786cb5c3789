/// A call's `where` clauses. The frame is the parameters, then one slot per clause, then the captured values
/// (the layout the resolver assumed); the clauses are evaluated in order once the defaults are in place, so each
/// reads the parameters and the clauses before it by slot, with no lookup by name.
extension Interpreter {
    /// Pushes the clauses' slots (set by `bindLocals`), before the captured values.
    func reserveLocals(_ f: Function) {
        stack.append(contentsOf: repeatElement(Value.bool(false), count: f.locals.count))
    }

    func bindLocals(_ f: Function, base: Int) throws(Diagnostic) {
        let first = base + f.parameters.count
        for (k, value) in f.locals.enumerated() { stack[first + k] = try eval(value) }
    }

    /// "unknown name `byts`" from a function whose local `bytes` is close: suggest the local, which the global
    /// names the hint was drawn from do not include.
    func suggestingLocal(_ d: Diagnostic, in f: Function) -> Diagnostic {
        guard d.kind == .name, d.message.hasPrefix("unknown name"), let decl = f.decl,
              d.span.fileID == decl.span.fileID, let local = decl.nearMisses[d.span.start] else { return d }
        var amended = d
        amended.hint = "did you mean `\(local)`?"
        return amended
    }
}
