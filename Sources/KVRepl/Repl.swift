import Foundation
import KVLang
import KVRuntime

/// The read-eval-print loop, without a terminal: lines come from a `LineReader`, results and errors go to a
/// `ReplOutput`. Each entry is one transaction (a failed entry changes nothing); `ans` is the last result; lines
/// are joined into one entry while it is unfinished (`Continuation`); `:commands` are in ReplCommands.swift.
public final class Repl {
    public struct Configuration {
        /// Printed before the first prompt (none for piped input).
        public var banner: String?
        public var style: Style
        /// Where entries are appended as they are entered; nil keeps no history (piped input, tests).
        public var history: History?
        public var prompt = "kv> "
        public var continuationPrompt = "... "

        public init(banner: String? = nil, style: Style = Style(color: false), history: History? = nil) {
            self.banner = banner
            self.style = style
            self.history = history
        }
    }

    public private(set) var session: Session
    let reader: LineReader
    let output: ReplOutput
    let configuration: Configuration
    /// The entries that succeeded, in order: what `:save` writes.
    public internal(set) var entries: [Entry] = []
    private var entryNumber = 0
    /// Told of each session the REPL evaluates in (the first, and each after `:reset`), so a signal handler can
    /// reach the interpreter to interrupt it.
    public var sessionDidChange: ((Session) -> Void)?

    public init(session: Session, reader: LineReader, output: ReplOutput, configuration: Configuration = .init()) {
        self.session = session
        self.reader = reader
        self.output = output
        self.configuration = configuration
    }

    public var completer: Completer { Completer(session: session) }
    var style: Style { configuration.style }

    /// Reads and runs entries until `:quit` or the end of input.
    public func run() {
        if let banner = configuration.banner { output.out(banner) }
        sessionDidChange?(session)
        var pending: [String] = []
        while true {
            switch reader.read(prompt: pending.isEmpty ? configuration.prompt : configuration.continuationPrompt) {
            case .end:
                return
            case .interrupted:
                pending = []
            case .line(let line):
                let blank = line.allSatisfy(\.isWhitespace)
                if pending.isEmpty && blank { continue }
                // A blank line ends an unfinished entry anyway, so a stray operator cannot trap the user.
                if !blank { pending.append(line) }
                // Trailing spaces (completion adds one) would only make history entries differ.
                let entry = pending.joined(separator: "\n").trimmingTrailingSpaces
                if !blank, !isCommand(entry), Continuation.needsMore(entry) { continue }
                pending = []
                reader.remember(entry)
                configuration.history?.append(entry)
                if !handle(entry) { return }
            }
        }
    }

    /// Runs one complete entry: a command or a program. Returns false when the entry asks to leave.
    @discardableResult
    public func handle(_ entry: String) -> Bool {
        if isCommand(entry) { return command(entry.trimmingCharacters(in: .whitespacesAndNewlines)) }
        evaluate(entry)
        return true
    }

    private func isCommand(_ entry: String) -> Bool { entry.drop { $0 == " " }.hasPrefix(":") }

    private func evaluate(_ entry: String) {
        entryNumber += 1
        do {
            let values = try session.runAtomically(SourceFile(name: "<repl:\(entryNumber)>", text: entry))
            values.forEach(show)
            if let last = values.last { session.interpreter.bind("ans", last) }
            entries.append(Entry(text: entry, hasValue: !values.isEmpty))
        } catch {
            report(error)
        }
    }

    /// A result in bold, and after a quantity of a compound dimension that dimension, dimmed: the unit
    /// `KiB/token` already says Information/Token, but `qps` does not say RequestRate.
    func show(_ value: Value) {
        var text = style.bold(session.formatter.format(value))
        if case .quantity(let q) = value, q.dimension.terms.count > 1 || q.dimension.terms.first?.exponent != .one,
           !q.dimension.isDimensionless {
            text += "  " + style.dim("(\(session.interpreter.units.name(of: q.dimension)))")
        }
        output.out(text)
    }

    func report(_ error: Diagnostic) {
        output.err(DiagnosticRenderer(color: style.color).render(error))
    }

    /// Starts over with a fresh session (the stdlib reloaded), as `:reset` does.
    func replaceSession(_ fresh: Session) {
        session = fresh
        entries = []
        sessionDidChange?(fresh)
    }
}
