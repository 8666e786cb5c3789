import KVLang
import KVRuntime

/// Small Markdown building blocks: fenced code, tables, escaping. GitHub-flavoured, and within what Ink renders.
enum MarkdownText {
    /// A fenced block, with a fence longer than any backtick run inside the code.
    static func fenced(_ code: String, info: String) -> String {
        var longest = 0, run = 0
        for c in code {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(info)\n\(code)\n\(fence)\n"
    }

    /// A pipe table; `rightAligned` columns (numbers) get `---:`.
    static func table(header: [String], rows: [[String]], rightAligned: [Bool]) -> String {
        func row(_ cells: [String]) -> String { "| " + cells.map(cell).joined(separator: " | ") + " |\n" }
        let rule = "|" + rightAligned.map { $0 ? "---:|" : "---|" }.joined() + "\n"
        return row(header) + rule + rows.map(row).joined()
    }

    /// Text inside a table cell: one line, pipes escaped.
    private static func cell(_ s: String) -> String {
        escapeInline(s).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// A value's text in running prose: characters Markdown would read as markup are escaped.
    static func escapeInline(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\`*_[]<>".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A table value as a Markdown table, numbers right-aligned.
    static func table(_ t: Table, formatter: ValueFormatter) -> String {
        table(header: t.columns, rows: t.rows.map { $0.map(formatter.cell) },
              rightAligned: t.columns.indices.map { c in Table.isNumeric(t.rows.map { $0[c] }) })
    }

    /// A record as a two-column table, one field a row.
    static func record(_ r: Record, formatter: ValueFormatter) -> String {
        table(header: ["field", "value"], rows: r.map { [$0.key, formatter.cell($0.value)] },
              rightAligned: [false, false])
    }
}
