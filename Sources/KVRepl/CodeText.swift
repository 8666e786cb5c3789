import Foundation

/// An entry's code with string contents and comments taken out, so name spotting is not fooled by `"ans"` or
/// `# ans`. Each string becomes `""`; a comment becomes nothing up to its newline. (Bracket counting for
/// continuation lines is `Continuation.Scanner`, line by line.)
struct CodeText {
    var code = ""

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
                if c == "#" { inComment = true; continue }
                if c == "\"" { inString = true }
                code.append(c)
            }
        }
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
