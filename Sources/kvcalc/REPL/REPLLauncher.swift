import Foundation
import KVLang
import KVRuntime
import KVRepl

/// Opens the REPL on this process's terminal: libedit, history, Ctrl-C handling and a banner when stdin is a
/// terminal; otherwise plain lines from stdin with no prompt and no history.
enum REPLLauncher {
    static let historyLimit = 1000

    /// False when stdin is not a terminal and an entry failed: piped input is a program, and its failure is the
    /// exit status (an interactive session's errors are not).
    @discardableResult
    static func run(session: Session) -> Bool {
        var configuration = Repl.Configuration(style: Style(color: Terminal.wantsColor(1)))
        guard Terminal.isTTY(0) else {
            let repl = Repl(session: session, reader: PlainReader(), output: .standard, configuration: configuration)
            repl.run()
            return !repl.failed
        }
        let history = History.defaultURL(environment: ProcessInfo.processInfo.environment)
            .map { History(url: $0, limit: historyLimit) }
        configuration.history = history
        configuration.banner = banner(color: configuration.style.color)
        // Completion asks the REPL for its current session; the REPL needs the reader first.
        var repl: Repl?
        let reader = EditlineReader(history: history?.entries ?? [], limit: historyLimit,
                                    color: configuration.style.color) { line in
            repl?.completer.complete(line: line).candidates ?? []
        }
        let created = Repl(session: session, reader: reader, output: .standard, configuration: configuration)
        repl = created
        Interrupts.install()
        created.run()
        return true
    }

    static func banner(color: Bool) -> String {
        let name = color ? "\u{1B}[1mkvcalc \(KVCalc.version)\u{1B}[0m" : "kvcalc \(KVCalc.version)"
        return "\(name) — LLM-inference memory and KV-cache arithmetic. Type :help for help, Ctrl-D to leave."
    }
}
