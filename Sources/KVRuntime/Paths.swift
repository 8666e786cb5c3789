import KVLang

/// Relative paths in a program (`hf_config("config.json")`, `replay("trace.jsonl", …)`) resolve against the
/// folder of the script or notebook that holds them, so it reads the same files wherever kvcalc runs from. `eval`
/// and the REPL leave the base unset: the working directory.
extension Session {
    public var baseDirectory: String? {
        get { interpreter.baseDirectory }
        set { interpreter.baseDirectory = newValue }
    }

    /// The folder part of a file's path as given (`notebooks` for `notebooks/a.kvnb`), nil when it has none, so
    /// resolved paths stay as short as the user wrote them (and renderings do not depend on the working directory).
    public static func folder(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension Interpreter {
    /// `path` against the base directory; absolute paths and paths with no base stay as they are.
    public func resolvePath(_ path: String) -> String {
        guard !path.hasPrefix("/"), !path.hasPrefix("~"), let base = baseDirectory, !base.isEmpty, base != "."
        else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}

extension CallContext {
    /// A builtin's path argument, resolved against the program's folder; errors then name the file actually tried.
    public func resolvePath(_ path: String) -> String { interpreter.resolvePath(path) }
}
