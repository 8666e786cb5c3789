/// Tables as aligned text: a header, a rule, then one line a row; numbers right-aligned so digits line up.
extension ValueFormatter {
    func table(_ t: Table, indent: Int) -> String {
        let cells = t.rows.map { $0.map(cell) }
        let numeric = t.columns.indices.map { c in Table.isNumeric(t.rows.map { $0[c] }) }
        let widths = t.columns.indices.map { c in
            max(t.columns[c].count, cells.map { $0[c].count }.max() ?? 0)
        }
        let pad = String(repeating: " ", count: indent)
        func line(_ items: [String]) -> String {
            var parts: [String] = []
            for (c, item) in items.enumerated() {
                let space = String(repeating: " ", count: widths[c] - item.count)
                parts.append(numeric[c] ? space + item : item + space)
            }
            var text = pad + parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines = [line(t.columns), pad + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += cells.map(line)
        if t.rows.isEmpty { lines.append(pad + "(no rows)") }
        return lines.joined(separator: "\n")
    }
}

extension Table {
    /// A column of quantities reads best right-aligned.
    public static func isNumeric(_ values: [Value]) -> Bool {
        !values.isEmpty && values.allSatisfy { if case .quantity = $0 { return true } else { return false } }
    }
}
