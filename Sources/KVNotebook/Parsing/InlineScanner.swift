/// Finds `` `{kv} expr` `` code spans in a line of prose (CommonMark code spans: a run of backticks closed by a run
/// of the same length). Other code spans and the text around them pass through unchanged.
struct InlineScanner {
    let path: String

    static let marker = "{kv}"

    /// The line split into text and inline expressions; `line` is its 1-based number in the notebook.
    func scan(_ text: String, line: Int) throws(NotebookError) -> [ProseSegment] {
        let chars = Array(text)
        var segments: [ProseSegment] = []
        var plain = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count {
                plain.append(chars[i])
                plain.append(chars[i + 1])
                i += 2
                continue
            }
            guard chars[i] == "`" else { plain.append(chars[i]); i += 1; continue }
            let run = runLength(chars, i)
            guard let close = closingRun(chars, from: i + run, length: run) else {
                // No closing run: the backticks are literal text.
                plain += String(chars[i..<(i + run)])
                i += run
                continue
            }
            var content = String(chars[(i + run)..<close])
            var contentStart = i + run
            if content.hasPrefix(" "), content.hasSuffix(" "), content.count >= 2 {
                content = String(content.dropFirst().dropLast())
                contentStart += 1
            }
            if content.hasPrefix(Self.marker) {
                let afterMarker = content.dropFirst(Self.marker.count)
                let expression = afterMarker.drop { $0 == " " }
                let code = String(expression.reversed().drop { $0 == " " }.reversed())
                guard !code.isEmpty else {
                    throw NotebookError(path: path, line: line, message: "an inline `{kv}` has no expression")
                }
                if !plain.isEmpty { segments.append(.text(plain)); plain = "" }
                let column = contentStart + Self.marker.count + (afterMarker.count - expression.count) + 1
                segments.append(.inline(InlineExpression(code: code, line: line, column: column)))
            } else {
                plain += String(chars[i..<(close + run)])
            }
            i = close + run
        }
        if !plain.isEmpty { segments.append(.text(plain)) }
        return segments
    }

    private func runLength(_ chars: [Character], _ i: Int) -> Int {
        var j = i
        while j < chars.count, chars[j] == "`" { j += 1 }
        return j - i
    }

    /// The start of the next backtick run of exactly `length`, or nil.
    private func closingRun(_ chars: [Character], from start: Int, length: Int) -> Int? {
        var j = start
        while j < chars.count {
            guard chars[j] == "`" else { j += 1; continue }
            let run = runLength(chars, j)
            if run == length { return j }
            j += run
        }
        return nil
    }
}
