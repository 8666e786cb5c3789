import KVLang
import KVStdlib

/// An interpreter with the builtins registered and the standard library loaded: what the command line, the REPL,
/// notebooks and tests all start from.
public final class Session {
    public let interpreter: Interpreter

    public convenience init(loadStdlib: Bool = true) throws(Diagnostic) {
        try self.init(stdlib: loadStdlib ? KVStdlib.files : nil)
    }

    /// A session over the given stdlib sources (nil: none, and nothing to check); tests pass altered ones.
    init(stdlib files: [(name: String, text: String)]?) throws(Diagnostic) {
        interpreter = Interpreter()
        let builtins = Builtins.all
        Builtins.register(builtins, in: interpreter)
        guard let files else { return }
        // All files on one big-stack thread: a thread per file cost a thread start and fresh stack pages each.
        // Statements run without `Interpreter.run`'s per-statement snapshot: a stdlib that fails fails the session,
        // so there is nothing to roll back, and each snapshot made the next `unit` declaration copy the whole unit
        // table (a quadratic third of loading the stdlib).
        let interpreter = self.interpreter
        try BigStack.run { () throws(Diagnostic) in
            for (name, text) in files {
                for statement in try Parser.parse(SourceFile(name: name, text: text)).statements {
                    _ = try interpreter.execute(statement)
                }
            }
        }
        // The Swift side and the stdlib must agree: builtin signatures, and the unit names Swift prints in.
        let problems = Builtins.mismatches(builtins, in: interpreter) + KnownNames.missing(in: interpreter.units)
        if !problems.isEmpty {
            throw Diagnostic(.name, "internal: the builtins and the stdlib disagree: " + problems.joined(separator: "; "),
                             at: .none)
        }
    }

    /// Parses and runs a source, returning each top-level expression's value. On error, the statements before the
    /// failing one keep their effect; the failing one has none.
    @discardableResult
    public func run(_ file: SourceFile) throws(Diagnostic) -> [Value] {
        nonisolated(unsafe) var values: [Value] = []
        try run(file) { values.append($0) }
        return values
    }

    /// Runs a source, handing each top-level expression's value to `output` as soon as it is computed.
    public func run(_ file: SourceFile, output: @escaping (Value) -> Void) throws(Diagnostic) {
        let interpreter = self.interpreter
        try BigStack.run { () throws(Diagnostic) in
            let program = try Parser.parse(file)
            try interpreter.run(program) { value, _ in output(value) }
        }
    }

    /// Runs a whole source as one transaction: on error nothing it did remains (the REPL's rule for an entry).
    @discardableResult
    public func runAtomically(_ file: SourceFile) throws(Diagnostic) -> [Value] {
        let before = interpreter.snapshot()
        do {
            return try run(file)
        } catch {
            interpreter.restore(before)
            throw error
        }
    }

    /// Runs one statement of a parsed program (a notebook runs its parameters one at a time); on error it has no
    /// effect.
    @discardableResult
    public func execute(_ statement: Stmt) throws(Diagnostic) -> Value? {
        let interpreter = self.interpreter
        let before = interpreter.snapshot()
        do {
            return try BigStack.run { () throws(Diagnostic) in try interpreter.execute(statement) }
        } catch {
            interpreter.recover(before)
            throw error
        }
    }

    /// Binds a global name to a value computed elsewhere (a notebook parameter set on the command line); the name
    /// obeys the rules of `let`.
    public func define(_ name: String, _ value: Value, at span: Span) throws(Diagnostic) {
        try interpreter.checkBindable(name, at: span)
        interpreter.bind(name, value)
    }

    public var formatter: ValueFormatter { ValueFormatter(units: interpreter.units) }
    public var json: JSONFormatter { JSONFormatter(units: interpreter.units) }
}
