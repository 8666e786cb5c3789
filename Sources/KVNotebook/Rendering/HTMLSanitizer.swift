/// Makes Ink's HTML safe to open from an untrusted notebook: Ink passes raw HTML in Markdown through, so a
/// notebook's prose could carry `<script>`, `<img onerror=…>` or `[x](javascript:…)`. Only the tags and attributes
/// Ink itself writes survive; any other tag is shown as text (its `<` escaped), and `href`/`src` with a
/// `javascript:`, `vbscript:` or `data:` scheme become `#`. `kvcalc run --html --unsafe-html` skips this.
enum HTMLSanitizer {
    /// Tags Ink writes, each with the attributes it may carry.
    static let allowed: [String: Set<String>] = {
        var tags: [String: Set<String>] = ["a": ["href", "title"], "img": ["src", "alt", "title"], "code": ["class"],
                                           "ol": ["start"], "th": ["align", "style"], "td": ["align", "style"]]
        for tag in ["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "em", "strong", "ul", "li", "blockquote",
                    "table", "thead", "tbody", "tr", "hr", "br", "del", "s"] { tags[tag] = [] }
        return tags
    }()

    static let unsafeSchemes = ["javascript:", "vbscript:", "data:"]

    /// Comments stay when nothing in them could end them early (`--!>`) or open a tag: the page's own (the
    /// "rendered by" line, the chart placeholders) are of that kind.
    static func sanitize(_ html: String) -> String {
        let chars = Array(html)
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var i = 0
        while i < chars.count {
            guard chars[i] == "<" else { out.append(chars[i]); i += 1; continue }
            if let end = comment(chars, i), !chars[(i + 4)..<(end - 3)].contains(where: { "<>!".contains($0) }) {
                out += String(chars[i..<end])
                i = end
            } else if let (end, tag) = tag(chars, i) {
                out += tag
                i = end
            } else {
                out += "&lt;"
                i += 1
            }
        }
        return out
    }

    private static func comment(_ c: [Character], _ i: Int) -> Int? {
        guard i + 4 <= c.count, String(c[i..<(i + 4)]) == "<!--" else { return nil }
        var j = i + 4
        while j + 3 <= c.count {
            if c[j] == "-", c[j + 1] == "-", c[j + 2] == ">" { return j + 3 }
            j += 1
        }
        return nil
    }

    /// An allowed tag starting at `i`: where it ends and its text (unsafe link values replaced), or nil.
    private static func tag(_ c: [Character], _ start: Int) -> (Int, String)? {
        var i = start + 1
        let closing = i < c.count && c[i] == "/"
        if closing { i += 1 }
        var name = ""
        while i < c.count, c[i].isASCII, c[i].isLetter || c[i].isNumber { name.append(c[i]); i += 1 }
        guard let permitted = allowed[name.lowercased()], name.first?.isLetter == true else { return nil }
        var text = "<" + (closing ? "/" : "") + name
        while true {
            while i < c.count, c[i] == " " || c[i] == "\n" || c[i] == "\t" { i += 1 }
            guard i < c.count else { return nil }
            if c[i] == ">" { return (i + 1, text + ">") }
            if c[i] == "/", i + 1 < c.count, c[i + 1] == ">" { return (i + 2, text + "/>") }
            guard !closing else { return nil }
            var attribute = ""
            while i < c.count, c[i].isASCII, c[i].isLetter || c[i] == "-" { attribute.append(c[i]); i += 1 }
            guard !attribute.isEmpty, permitted.contains(attribute.lowercased()), i < c.count, c[i] == "=",
                  i + 1 < c.count, c[i + 1] == "\"" else { return nil }
            i += 2
            var value = ""
            while i < c.count, c[i] != "\"" { value.append(c[i]); i += 1 }
            guard i < c.count else { return nil }
            i += 1
            let lowered = attribute.lowercased()
            if lowered == "href" || lowered == "src", isUnsafe(value) { value = "#" }
            if lowered == "style", !isAlignment(value) { return nil }
            text += " \(attribute)=\"\(value)\""
        }
    }

    /// The only style Ink writes (table columns): `text-align: right;`.
    private static func isAlignment(_ style: String) -> Bool {
        guard style.hasPrefix("text-align:") else { return false }
        let value = style.dropFirst("text-align:".count).filter { $0 != " " && $0 != ";" }
        return ["left", "right", "center"].contains(value)
    }

    /// Browsers ignore whitespace and control characters inside a scheme and decode entities first: `java&#115;cript:`.
    static func isUnsafe(_ url: String) -> Bool {
        var decoded = ""
        var rest = Substring(url)
        while let c = rest.first {
            if c == "&", let semicolon = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semicolon) <= 10 {
                let entity = rest[rest.index(after: rest.startIndex)..<semicolon]
                if let scalar = entityScalar(entity) { decoded.unicodeScalars.append(scalar) }
                rest = rest[rest.index(after: semicolon)...]
                continue
            }
            decoded.append(c)
            rest = rest.dropFirst()
        }
        let compact = decoded.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }.map(Character.init)
        let scheme = String(compact).lowercased()
        return unsafeSchemes.contains { scheme.hasPrefix($0) }
    }

    private static func entityScalar(_ entity: Substring) -> Unicode.Scalar? {
        switch entity.lowercased() {
        case "colon": return ":"
        case "tab": return "\t"
        case "newline": return "\n"
        case "amp": return "&"
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let number = digits.lowercased().hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return number.flatMap(Unicode.Scalar.init)
        }
    }
}
