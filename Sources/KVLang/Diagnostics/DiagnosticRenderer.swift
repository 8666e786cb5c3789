/// Renders diagnostics as text: `file:line:col: error: message`, the source line with `^` under the culprit and
/// `-` under related places, then notes and the hint. Plain for files and tests; ANSI colour only when asked
/// (a terminal without NO_COLOR).
public struct DiagnosticRenderer: Sendable {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    static let maxShownLine = 160

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ d: Diagnostic) -> String {
        let head = paint("error", "1;31") + paint(": \(d.message)", "1")
        guard let file = d.span.file else {
            return head + (d.hint.map { "\n  = hint: \($0)" } ?? "")
        }
        let (line, column) = file.location(of: d.span.start)
        var out = paint("\(file.name):\(line):\(column)", "1") + ": " + head + "\n"
        let sameLine = d.notes.filter { $0.1.file === file && file.location(of: $0.1.start).line == line }
        out += snippet(file: file, line: line, marks: [(d.span, "^")] + sameLine.map { ($0.1, "-") })
        for (text, span) in d.notes {
            if let f = span.file, !(f === file && f.location(of: span.start).line == line) {
                out += snippet(file: f, line: f.location(of: span.start).line, marks: [(span, "-")])
            }
            out += "  = note: \(text)\n"
        }
        if let hint = d.hint { out += "  = hint: \(hint)\n" }
        return String(out.dropLast())
    }

    /// One source line with markers under each span that starts on it.
    private func snippet(file: SourceFile, line: Int, marks: [(Span, Character)]) -> String {
        var text = file.lineText(line).replacingTabs()
        // A very long line is shown as a window around the first mark, so an error never quotes megabytes.
        var shift = 0
        if text.count > DiagnosticRenderer.maxShownLine {
            let first = marks.first.map { file.location(of: $0.0.start).column - 1 } ?? 0
            let from = max(0, min(first - 40, text.count - DiagnosticRenderer.maxShownLine))
            let window = text.dropFirst(from).prefix(DiagnosticRenderer.maxShownLine)
            text = (from > 0 ? "…" : "") + window + (from + window.count < text.count ? "…" : "")
            shift = from > 0 ? from - 1 : 0
        }
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        var under = [Character](repeating: " ", count: text.count + 1)
        for (span, marker) in marks.reversed() {
            let start = max(0, file.location(of: span.start).column - 1 - shift)
            let end = file.location(of: span.end)
            let width = end.line == line ? min(max(1, end.column - 1 - shift - start), max(1, text.count - start))
                : max(1, text.count - start)
            for k in start..<(start + width) {
                if k >= under.count { under.append(contentsOf: [Character](repeating: " ", count: k - under.count + 1)) }
                if under[k] == " " || marker == "^" { under[k] = marker }
            }
        }
        var marker = String(under)
        while marker.hasSuffix(" ") { marker.removeLast() }
        return "\(pad) |\n\(gutter) | \(text)\n\(pad) | \(paint(marker, "1;31"))\n"
    }
}

extension String {
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
