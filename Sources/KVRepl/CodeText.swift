import Foundation

/// An entry's code with string contents and comments taken out, so bracket counting and name spotting are not
/// fooled by `"("` or `# ans`. Each string becomes `""`; a comment becomes nothing up to its newline.
struct CodeText {
    var code = ""
    /// Open brackets minus closed ones.
    var depth = 0
    /// The text ends inside a string.
    var unclosedString = false

    init(_ text: String) {
        var inString = false, escaped = false, inComment = false
        for c in text {
            if inComment {
                if c == "\n" { inComment = false; code.append(c) }
            } else if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" {
                    inString = false
                    code.append(c)
                }
            } else {
                switch c {
                case "#": inComment = true; continue
                case "\"": inString = true
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
                code.append(c)
            }
        }
        unclosedString = inString
    }

    /// Whether the code uses `name` as a whole word, not as a field (`x.name`).
    func mentions(_ name: String) -> Bool {
        let isWord: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        var rest = Substring(code)
        while let range = rest.range(of: name) {
            let before = rest[..<range.lowerBound].last
            let after = rest[range.upperBound...].first
            if !(before.map { isWord($0) || $0 == "." } ?? false), !(after.map(isWord) ?? false) { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }
}
