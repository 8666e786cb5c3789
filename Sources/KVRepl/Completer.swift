import KVLang
import KVRuntime

/// Tab completion: what may replace the word before the cursor, given the text before that word.
/// Variables, functions (builtins included) and units; a record's fields after `name.`; only units after `->` or
/// `to`; `:commands` at the start of a line, and their arguments. Prefixed units (`GiB`) are offered only once the
/// typed word starts with their prefix, so an empty word or `k` does not list every prefix of every unit.
public struct Completer {
    /// Characters that end a word; the line editor must split words the same way. `:` is not one, so `:help`
    /// completes; `.` is, so `model.la` completes the field `la…`.
    public static let wordBreaks = " \t\n+-*/^()[]{}=,;<>.\"!@"

    let session: Session

    public init(session: Session) { self.session = session }

    /// Splits a line (up to the cursor) into the text before the word and the word, then completes the word.
    public func complete(line: String) -> (word: String, candidates: [String]) {
        let word = String(line.reversed().prefix { !Completer.wordBreaks.contains($0) }.reversed())
        let before = String(line.dropLast(word.count))
        return (word, candidates(word: word, before: before))
    }

    public func candidates(word: String, before: String) -> [String] {
        let pool: [String]
        let lead = before.drop { $0 == " " }
        if lead.hasPrefix(":") {
            pool = commandArguments(String(lead))
        } else if lead.isEmpty, word.hasPrefix(":") {
            pool = ReplCommand.names.map { ":" + $0 }
        } else if before.hasSuffix(".") {
            pool = fields(ofPath: String(before.dropLast()))
        } else if Completer.inConversionTarget(before) {
            pool = units(for: word)
        } else {
            pool = names() + units(for: word)
        }
        return Array(Set(pool.filter { $0.hasPrefix(word) })).sorted()
    }

    /// Names of global values: variables, presets, functions and builtins.
    func names() -> [String] { Array(session.interpreter.globals.keys) }

    /// Unprefixed units, and prefixed ones whose prefix the word already spells out. When that leaves nothing,
    /// every prefixed unit the word begins (`gib` → `gibibyte`…).
    func units(for word: String) -> [String] {
        let catalog = UnitCatalog(table: session.interpreter.units)
        let prefixed = catalog.prefixedNames
        let spelled = prefixed.filter { word.hasPrefix($0.prefix) }.map(\.name)
        let found = (catalog.unprefixedNames + spelled).filter { $0.hasPrefix(word) }
        if !found.isEmpty || word.isEmpty { return found }
        return prefixed.map(\.name).filter { $0.hasPrefix(word) }
    }

    /// The fields of the record a dotted path (`llama.attention`) names, where it names one.
    func fields(ofPath before: String) -> [String] {
        let path = before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed()
        let parts = String(path).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, var value = session.interpreter.globals[first] else { return [] }
        for part in parts.dropFirst() {
            guard case .record(let r) = value, let next = r[part] else { return [] }
            value = next
        }
        guard case .record(let record) = value else { return [] }
        return Array(record.keys)
    }

    /// Arguments of a command: names for `:help` and `:info`, categories for `:list`.
    func commandArguments(_ line: String) -> [String] {
        let parts = line.dropFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard let first = parts.first, parts.count == 1, line.hasSuffix(" "),
              let command = ReplCommand.Name.resolve(String(first)) else { return [] }
        switch command {
        case .help, .info: return names() + UnitCatalog(table: session.interpreter.units).unprefixedNames
            + ReplCommand.names.map { ":" + $0 } + SyntaxHelp.topics.keys
        case .list: return ListCategory.allCases.map(\.rawValue)
        default: return []
        }
    }

    /// Whether the word is part of a conversion target: after `->` or `to`, with only unit-like text between.
    static func inConversionTarget(_ before: String) -> Bool {
        let unitText: (Character) -> Bool = { $0.isLetter || $0.isNumber || " /*^()%_·µ°".contains($0) }
        var rest = Substring(before)
        while let c = rest.last, unitText(c) {
            if rest.hasSuffix(" to ") || rest == "to " { return true }
            rest = rest.dropLast()
        }
        return rest.hasSuffix("->")
    }
}
