import Foundation

/// One entry of a quantization config's list of modules kept unquantized (`modules_to_not_convert`, `ignore`,
/// `ignored_layers`, `llm_int8_skip_modules`), matched against a module's dotted Hugging Face name such as
/// `model.layers.3.self_attn.q_proj`.
///
/// A plain entry matches whole name components: `gate` matches `…mlp.gate` but not `…mlp.gate_proj`, and
/// `model.layers.1` matches layer 1 but not layer 10. A compressed-tensors `re:` entry may use `.*` at either end,
/// `^` and `$`; a `.` inside stands for the dot that separates components. Richer regular expressions are refused
/// (user-supplied patterns run against every module name, and backtracking could take unbounded time).
struct ModulePattern: Equatable {
    enum Kind { case components, exact, prefix, suffix, contains }

    let text: String
    let kind: Kind
    /// The decoder layer the entry names (`layers.3.`), if any.
    let layer: Int?

    init(_ entry: String) throws {
        var t = Substring(entry)
        var kind = Kind.components
        if t.hasPrefix("re:") {
            t = t.dropFirst(3)
            var anchoredStart = true, anchoredEnd = false
            if t.hasPrefix("^") { t = t.dropFirst() }
            if t.hasPrefix(".*") { t = t.dropFirst(2); anchoredStart = false }
            if t.hasSuffix("$") { t = t.dropLast(); anchoredEnd = true }
            if !anchoredEnd, t.hasSuffix(".*") { t = t.dropLast(2) }
            let literal = String(t).replacingOccurrences(of: "\\.", with: ".")
            if let bad = literal.first(where: { "[](){}*+?|^$\\".contains($0) }) {
                throw EngineError("\"\(entry)\" uses '\(bad)': only .*, ^, $ and module names are understood in re: patterns")
            }
            t = Substring(literal)
            switch (anchoredStart, anchoredEnd) {
            case (true, true): kind = .exact
            case (true, false): kind = .prefix
            case (false, true): kind = .suffix
            case (false, false): kind = .contains
            }
        }
        guard !t.isEmpty else { throw EngineError("is an empty module name") }
        text = String(t)
        self.kind = kind
        layer = Self.layerIndex(in: text)
    }

    func matches(_ name: String) -> Bool {
        switch kind {
        case .components: return ("." + name + ".").contains("." + text + ".")
        case .exact: return name == text
        case .prefix: return name.hasPrefix(text)
        case .suffix: return name.hasSuffix(text)
        case .contains: return name.contains(text)
        }
    }

    /// The number after `layers.` when the entry names one layer.
    private static func layerIndex(in text: String) -> Int? {
        guard let r = text.range(of: "layers.") else { return nil }
        let digits = text[r.upperBound...].prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count < 10 else { return nil }
        return Int(digits)
    }
}
