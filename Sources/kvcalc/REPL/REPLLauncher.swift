import Foundation
import KVLang
import KVRuntime
import KVRepl

/// Opens the REPL on this process's terminal: libedit, history, Ctrl-C handling and a banner when stdin is a
/// terminal; otherwise plain lines from stdin with no prompt and no history.
enum REPLLauncher {
    static let historyLimit = 1000

    static func run(session: Session) {
        var configuration = Repl.Configuration(style: Style(color: Terminal.wantsColor(1)))
        guard Terminal.isTTY(0) else {
            Repl(session: session, reader: PlainReader(), output: .standard, configuration: configuration).run()
            return
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
    }

    static func banner(color: Bool) -> String {
        let name = color ? "\u{1B}[1mkvcalc \(KVCalc.version)\u{1B}[0m" : "kvcalc \(KVCalc.version)"
        return "\(name) — LLM-inference memory and KV-cache arithmetic. Type :help for help, Ctrl-D to leave."
    }
}
