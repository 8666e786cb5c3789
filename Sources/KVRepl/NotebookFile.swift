import Foundation

/// The REPL's side of `.kvnb` notebooks (DESIGN §4): writing a session as one ```kv cell per entry, and reading
/// what a loaded cell is (KVNotebook parses the file). `kvcalc run` does the full rendering.
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

    struct Cell: Equatable {
        let text: String
        /// Lines of the notebook before the cell's first line, so errors point into the notebook.
        let lineOffset: Int
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
