@preconcurrency import CLibedit
import Glibc
import KVRepl

/// Lines from libedit on a terminal: editing, Up/Down and Ctrl-R over the history, Tab completion, a coloured
/// prompt. libedit's readline-compatible API keeps its state in C globals, so there is one reader per process.
/// (The only file that imports CLibedit: `@preconcurrency` because Swift 6 rejects libedit's mutable globals.)
final class EditlineReader: LineReader {
    private let color: Bool

    /// - Parameters:
    ///   - history: entries from earlier sessions, oldest first, for Up and Ctrl-R.
    ///   - complete: candidates for the word before the cursor, given the line up to the cursor.
    init(history: [String], limit: Int, color: Bool, complete: @escaping (String) -> [String]) {
        self.color = color
        setlocale(LC_CTYPE, "")  // else µ and ° are dropped as they are typed
        rl_readline_name = UnsafePointer(strdup("kvcalc"))  // for `$if kvcalc` lines in ~/.editrc; leaked once
        rl_basic_word_break_characters = UnsafePointer(strdup(Completer.wordBreaks))
        rl_attempted_completion_function = completeHook
        Completion.provider = complete
        using_history()
        stifle_history(Int32(clamping: limit))
        for entry in history { _ = add_history(entry) }
    }

    func read(prompt: String) -> ReadResult {
        Interrupts.startReading()
        // \u{1}…\u{2} tell libedit the escape codes take no columns, so the cursor lands right.
        let shown = color ? "\u{1}\u{1B}[36m\u{2}\(prompt)\u{1}\u{1B}[0m\u{2}" : prompt
        let raw = readline(shown)
        if Interrupts.stopReading() {
            free(raw)
            print("^C")  // libedit does not echo it; the next prompt then starts on its own line
            return .interrupted
        }
        guard let raw else {
            print()  // leave the terminal on a fresh line after ^D
            return .end
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    func remember(_ entry: String) {
        if let last = history_get(history_base + history_length - 1), let line = last.pointee.line,
           String(cString: line) == entry { return }
        _ = add_history(entry)
    }
}

/// The completion callback's state: C callbacks cannot capture context, so it lives in globals.
private enum Completion {
    nonisolated(unsafe) static var provider: (String) -> [String] = { _ in [] }
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var next = 0
}

/// libedit asks for matches of the word between `start` and `end` (in characters); the text before the cursor
/// decides what kind of word it is (a field after `.`, a unit after `->`).
private func completeHook(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1  // never fall back to file names
    let line = rl_line_buffer.map { String(cString: $0) } ?? ""
    let upToCursor = String(String.UnicodeScalarView(line.unicodeScalars.prefix(Int(end))))
    Completion.matches = Completion.provider(upToCursor)
    Completion.next = 0
    return rl_completion_matches(text, completionGenerator)
}

private func completionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    guard Completion.next < Completion.matches.count else { return nil }
    defer { Completion.next += 1 }
    return strdup(Completion.matches[Completion.next])  // libedit frees it
}
