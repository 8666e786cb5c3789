import Foundation

/// Whether an entry typed so far is unfinished and the REPL should read another line: a bracket is still open, or
/// the last line ends in an operator, a keyword that needs an operand, or `\`. The rule the language applies to
/// scripts, read off the characters so that it works on entries that do not parse yet.
public enum Continuation {
    static let trailingOperators = ["+", "-", "*", "/", "^", "=", "<", ">", ",", "..", "\\"]
    static let trailingKeywords: Set<String> = ["and", "or", "not", "to", "with", "if", "then", "else"]

    public static func needsMore(_ entry: String) -> Bool {
        // A `##` doc comment documents the declaration on the next line: keep them together.
        let lastLine = entry.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        if lastLine.drop(while: { $0 == " " }).hasPrefix("##") { return true }
        let text = CodeText(entry)
        // An unclosed string or a stray closing bracket is an error to show now, not a reason to wait.
        if text.unclosedString || text.depth < 0 { return false }
        if text.depth > 0 { return true }
        let last = text.code.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        let trimmed = last.trimmingCharacters(in: .whitespaces)
        if trailingOperators.contains(where: { trimmed.hasSuffix($0) }) { return true }
        let lastWord = trimmed.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return trailingKeywords.contains(String(lastWord.reversed()))
    }
}
