import Foundation

/// Rows of cells as aligned text: every column but the last padded to its widest cell, two spaces apart.
enum TextColumns {
    static func render(_ rows: [[String]], indent: String = "  ") -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            let cells = row.enumerated().map { i, cell in
                i < row.count - 1 ? cell + String(repeating: " ", count: widths[i] - cell.count) : cell
            }
            return indent + cells.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// The first sentence (docs wrap over several `##` lines), for one-line summaries.
    var firstLine: String {
        let joined = split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        guard let end = joined.range(of: ". ") else { return joined }
        return String(joined[..<end.lowerBound]) + (joined[end].hasPrefix(".") ? "." : "")
    }
}
