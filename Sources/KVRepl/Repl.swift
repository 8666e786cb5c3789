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
    /// Whether an entry or a command failed; a piped session with one exits 1, as a script would.
    public private(set) var failed = false
    /// Notebooks `:load`ed into this session, which `:save` will not overwrite.
    var loadedNotebooks: [String] = []
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

    /// Caps an entry's total size (its continuation lines together), so no input grows it without bound.
    public static let maxEntryBytes = 1 << 20

    /// Reads and runs entries until `:quit` or the end of input.
    public func run() {
        if let banner = configuration.banner { output.out(banner) }
        sessionDidChange?(session)
        var pending: [String] = []
        var scanner = Continuation.Scanner()
        var pendingBytes = 0
        func clear() {
            pending = []
            scanner = Continuation.Scanner()
            pendingBytes = 0
        }
        while true {
            switch reader.read(prompt: pending.isEmpty ? configuration.prompt : configuration.continuationPrompt) {
            case .end:
                // An entry left open at the end of the input runs as it is, so its error (an unclosed bracket, a
                // dangling operator) is reported rather than the entry silently dropped.
                if !pending.isEmpty { finish(pending) }
                return
            case .failed(let message):
                fail(message)
                return
            case .interrupted:
                clear()
            case .line(let line):
                let blank = line.allSatisfy(\.isWhitespace)
                if pending.isEmpty && blank { continue }
                // A blank line ends an unfinished entry anyway, so a stray operator cannot trap the user.
                if !blank {
                    pendingBytes += line.utf8.count + 1
                    guard pendingBytes <= Self.maxEntryBytes else {
                        fail("this entry is longer than \(Self.maxEntryBytes >> 20) MiB (\(pending.count + 1) lines); "
                             + "it was dropped: is a bracket left open?")
                        clear()
                        continue
                    }
                    pending.append(line)
                    scanner.add(line)
                }
                if !blank, !isCommand(pending[0]), scanner.needsMore { continue }
                let lines = pending
                clear()
                if !finish(lines) { return }
            }
        }
    }

    /// Runs the lines read as one entry; false when it asks to leave.
    @discardableResult
    private func finish(_ lines: [String]) -> Bool {
        // Trailing spaces (completion adds one) would only make history entries differ.
        let entry = lines.joined(separator: "\n").trimmingTrailingSpaces
        reader.remember(entry)
        configuration.history?.append(entry)
        return handle(entry)
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
        failed = true
        output.err(DiagnosticRenderer(color: style.color).render(error))
    }

    func fail(_ message: String) {
        failed = true
        output.err((style.color ? "\u{1B}[1;31merror\u{1B}[0m" : "error") + ": " + message)
    }

    /// Starts over with a fresh session (the stdlib reloaded), as `:reset` does.
    func replaceSession(_ fresh: Session) {
        fresh.baseDirectory = session.baseDirectory
        session = fresh
        entries = []
        sessionDidChange?(fresh)
    }
}
