import Foundation

/// The REPL's side of `.kvnb` notebooks (DESIGN §4): writing a session as one ```kv cell per entry, and reading
/// the kv cells of a notebook back. `kvcalc run` does the full rendering; this needs only the fences.
enum NotebookFile {
    /// CommonMark with a short heading and one fenced cell per entry, in order.
    static func render(cells: [String]) -> String {
        var text = "# kvcalc session\n\nSaved from the kvcalc REPL: each cell is one entry, in the order it was "
            + "entered. `kvcalc run` renders it with its results.\n"
        for entry in cells {
            // A fence longer than any backtick run inside the cell, so the cell cannot close it early.
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: entry) + 1))
            text += "\n\(fence)kv\n\(entry)\n\(fence)\n"
        }
        return text
    }

    /// Writes `text` whole or not at all: a temporary file beside the target, renamed over it.
    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    struct Cell: Equatable {
        let text: String
        /// Lines of the notebook before the cell's first line, so errors point into the notebook.
        let lineOffset: Int
    }

    enum Malformed: Error, Equatable {
        case unclosedFence(line: Int)
    }

    /// The code of the kv cells that run: not `skip` ones, nor `expect-error` ones, which fail by design.
    static func cells(in notebook: String) throws(Malformed) -> [Cell] {
        let lines = notebook.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        var cells: [Cell] = []
        var i = 0
        while i < lines.count {
            let line = lines[i].drop { $0 == " " }
            let fenceChar = line.first
            guard fenceChar == "`" || fenceChar == "~" else { i += 1; continue }
            let fence = line.prefix { $0 == fenceChar }
            guard fence.count >= 3 else { i += 1; continue }
            let info = line.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
            let words = info.split(separator: " ").map(String.init)
            let start = i
            i += 1
            var body: [Substring] = []
            while i < lines.count, !isClosing(lines[i], fence: fence) {
                body.append(lines[i])
                i += 1
            }
            guard i < lines.count else { throw .unclosedFence(line: start + 1) }
            i += 1
            guard words.first == "kv",
                  !words.contains(where: { $0 == "skip" || $0.hasPrefix("expect-error") }) else { continue }
            cells.append(Cell(text: body.joined(separator: "\n"), lineOffset: start + 1))
        }
        return cells
    }

    private static func isClosing(_ line: Substring, fence: Substring) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= fence.count && trimmed.allSatisfy { $0 == fence.first }
    }

    private static func longestBacktickRun(in text: String) -> Int {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
