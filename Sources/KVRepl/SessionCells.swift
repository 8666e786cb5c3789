import KVLang
import KVRuntime

/// A successful entry, as `:save` needs it.
public struct Entry: Equatable, Sendable {
    public let text: String
    /// Whether it printed a value, which then became `ans`.
    public let hasValue: Bool
}

/// The entries as notebook cells that run in a fresh session. The REPL binds `ans` after each value; a notebook
/// does not, so an entry whose value a later entry reads as `ans` is saved as `let ans = …` followed by `ans`.
enum SessionCells {
    static func cells(_ entries: [Entry]) -> [String] {
        var bindsAns = Set<Int>()
        var lastValue: Int?
        for (i, entry) in entries.enumerated() {
            if let j = lastValue, CodeText(entry.text).mentions("ans") { bindsAns.insert(j) }
            if entry.hasValue { lastValue = i }
        }
        return entries.enumerated().map { i, entry in
            bindsAns.contains(i) ? bindingAns(entry.text) ?? entry.text : entry.text
        }
    }

    /// The entry with its last expression statement turned into `let ans = …`, then `ans` to show it.
    private static func bindingAns(_ text: String) -> String? {
        let program: Program
        do throws(Diagnostic) { program = try Parser.parse(SourceFile(name: "<entry>", text: text)) } catch {
            return nil
        }
        guard case .expression(let e)? = program.statements.last(where: {
            if case .expression = $0 { return true } else { return false }
        }) else { return nil }
        let bytes = Array(text.utf8)
        let before = String(decoding: bytes[..<e.span.start], as: UTF8.self)
        let after = String(decoding: bytes[e.span.end...], as: UTF8.self)
        return before + "let ans = " + e.span.text + after + "\nans"
    }
}
