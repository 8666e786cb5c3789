/// What a host program (the REPL, a notebook runner) needs beyond running source.
extension Interpreter {
    /// Binds a global from the host rather than from source, e.g. a value it computed earlier.
    /// Not checked against units or builtins: the host chooses names that cannot clash.
    public func bind(_ name: String, _ value: Value) {
        setGlobal(name, value)
    }

    /// "did you mean `GiB`?" for a name the session does not know, or nil when nothing is close.
    public func suggestion(for name: String) -> String? {
        Suggestions.hint(for: name, in: knownNames())
    }
}
