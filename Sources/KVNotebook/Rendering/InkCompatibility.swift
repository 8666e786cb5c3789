/// Ink ends a paragraph at any line that starts with `` ` ``, `-` or `#`, where CommonMark (and GitHub) continue
/// it unless the line opens a fence, a list item or a heading. Joining such lines to the line before (a soft line
/// break is a space either way) makes the HTML page read like the Markdown.
enum InkCompatibility {
    static func joinParagraphLines(_ markdown: String) -> String {
        var out: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let open = fence {
                out.append(line)
                if line.hasPrefix(open), line.allSatisfy({ $0 == open.first }) { fence = nil }
                continue
            }
            if let marker = ["```", "~~~"].first(where: { line.hasPrefix($0) }) {
                fence = String(line.prefix { $0 == marker.first })
                out.append(line)
                continue
            }
            if let previous = out.last, continuesParagraph(line, after: previous) {
                out[out.count - 1] = previous + " " + line
            } else {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    /// Whether CommonMark reads `line` as more of the paragraph `previous` is in, where Ink would not.
    private static func continuesParagraph(_ line: String, after previous: String) -> Bool {
        guard let first = previous.first, !"|#<>-*+`~".contains(first), !first.isNumber else { return false }
        if line.hasPrefix("`") { return !line.hasPrefix("```") }
        if line.hasPrefix("-") { return !(line == "-" || line.hasPrefix("- ") || line.hasPrefix("--")) }
        if line.hasPrefix("#") {
            let hashes = line.prefix { $0 == "#" }.count
            return hashes > 6 || !(line.count == hashes || line.dropFirst(hashes).hasPrefix(" "))
        }
        return false
    }
}
