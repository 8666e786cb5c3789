import ArgumentParser
import Foundation
import KVLang
import KVRuntime

/// The `kvcalc` command: wires the command line to the language. Exit codes: 0 success, 1 an error in the user's
/// program (message on stderr), 2 bad usage.
@main
struct KVCalc: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "kvcalc",
        abstract: "A calculator language for LLM-inference memory and KV-cache arithmetic.",
        version: version,
        subcommands: [ScriptCommand.self, EvalCommand.self, RunCommand.self, ReplSubcommand.self],
        defaultSubcommand: ScriptCommand.self
    )

    /// Parses the command line and runs it, mapping outcomes to the exit codes above.
    static func main() {
        do {
            if let plain = PlainCommandLine.recognise(Array(CommandLine.arguments.dropFirst())) {
                try plain.run()
                return
            }
            var command = try parseAsRoot()
            try command.run()
        } catch is ProgramFailed {
            Foundation.exit(1)
        } catch let error as UsageFailed {
            Terminal.writeError("error: \(error.message)")
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Terminal.writeError(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

/// Bad usage found while running (an `-o` that must not be written, a file that cannot be read): the message
/// alone, exit 2. ArgumentParser's ValidationError would print the root command's usage under it, which names
/// no subcommand's options.
struct UsageFailed: Error {
    let message: String
}
