import ArgumentParser

/// `kvcalc repl`: the REPL, also when stdin is not a terminal (then it reads entries and `:commands` from stdin,
/// with no prompt and no history, and exits 1 when an entry failed).
struct ReplSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Open the REPL (what `kvcalc` with no argument does on a terminal)."
    )

    func run() throws {
        guard REPLLauncher.run(session: try ProgramRunner.makeSession()) else { throw ProgramFailed() }
    }
}
