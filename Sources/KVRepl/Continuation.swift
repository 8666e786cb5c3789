import Foundation

/// Whether an entry typed so far is unfinished and the REPL should read another line: a bracket is still open, or
/// the last line ends in an operator, a keyword that needs an operand, or `\`. The rule the language applies to
/// scripts, read off the characters so that it works on entries that do not parse yet.
public enum Continuation {
    static let trailingOperators = ["+", "-", "*", "/", "^", "=", "<", ">", ",", "..", "\\"]
    static let trailingKeywords: Set<String> = ["and", "or", "not", "to", "with", "if", "then", "else", "where"]

    /// Reads a whole entry at once; the REPL feeds a `Scanner` line by line instead.
    public static func needsMore(_ entry: String) -> Bool {
        var scanner = Scanner()
        for line in entry.split(separator: "\n", omittingEmptySubsequences: false) { scanner.add(line) }
        return scanner.needsMore
    }

    /// The bracket and string state of an entry, carried from line to line, so each line read costs its own
    /// length (5,000 piped continuation lines once took seconds, each rescanning the whole entry). Strings and
    /// comments hide brackets: `"("` and `# (` open nothing.
    public struct Scanner {
        /// Open brackets minus closed ones.
        private(set) var depth = 0
        private var inString = false, escaped = false
        /// The last line with string contents and comments taken out (each string becomes `""`).
        private var lastCode = ""
        private var lastLineIsDoc = false

        public init() {}

        public mutating func add(_ line: some StringProtocol) {
            lastLineIsDoc = line.drop(while: { $0 == " " }).hasPrefix("##")
            lastCode = ""
            if inString { lastCode.append("\"") }
            for c in line {
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" {
                        inString = false
                        lastCode.append(c)
                    }
                    continue
                }
                switch c {
                case "#": return  // a comment runs to the end of the line
                case "\"": inString = true
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
                lastCode.append(c)
            }
        }

        public var needsMore: Bool {
            // A `##` doc comment documents the declaration on the next line: keep them together.
            if lastLineIsDoc { return true }
            // An unclosed string or a stray closing bracket is an error to show now, not a reason to wait.
            if inString || depth < 0 { return false }
            if depth > 0 { return true }
            let trimmed = lastCode.trimmingCharacters(in: .whitespaces)
            if trailingOperators.contains(where: { trimmed.hasSuffix($0) }) { return true }
            let lastWord = trimmed.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return trailingKeywords.contains(String(lastWord.reversed()))
        }
    }
}
