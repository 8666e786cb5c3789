/// The commonest command lines, recognised without ArgumentParser: `kvcalc`, `kvcalc FILE.kv`,
/// `kvcalc eval EXPR` and `kvcalc eval --json EXPR`.
///
/// ArgumentParser's parse is a third of `kvcalc eval 1` (~11 M of ~31 M instructions, nearly all of it Swift's
/// first-time protocol-conformance lookups, which scan every conformance record of this static binary), and these
/// are what scripts, benchmarks and the REPL's start run. Only argument lists whose meaning cannot differ are taken
/// here: no option but one `--json` right after `eval`, and no word starting with `-`. Everything else — help,
/// `--version`, other options, `--`, several words — goes through ArgumentParser as before.
/// `PlainCommandLineTests` checks that both readings agree on every shape this accepts.
enum PlainCommandLine: Equatable {
    /// `kvcalc [FILE]`: the default subcommand.
    case script(file: String?)
    case eval(expression: String, json: Bool)

    /// Names ArgumentParser reads as a subcommand, not as the default subcommand's FILE.
    static let subcommands: Set<String> = ["script", "eval", "run", "repl", "help"]

    /// What the arguments (without the program's name) ask for, or nil when ArgumentParser must read them.
    static func recognise(_ arguments: [String]) -> PlainCommandLine? {
        func plainWord(_ s: String) -> Bool { s.utf8.first.map { $0 != UInt8(ascii: "-") } ?? false }
        guard let first = arguments.first else { return .script(file: nil) }
        if arguments.count == 1, plainWord(first), !subcommands.contains(first) { return .script(file: first) }
        guard first == "eval" else { return nil }
        var rest = arguments.dropFirst()
        let json = rest.first == "--json"
        if json { rest = rest.dropFirst() }
        guard rest.count == 1, let expression = rest.first, plainWord(expression) else { return nil }
        return .eval(expression: expression, json: json)
    }

    /// Runs it as the subcommand's `run` would.
    func run() throws {
        switch self {
        case .script(let file): try ScriptCommand.execute(file: file)
        case .eval(let expression, let json): try EvalCommand.evaluate(expression, json: json)
        }
    }
}
