/// Typed, range-checked access to the keys of a config.json object. Every error names the key (dotted for nested
/// objects, e.g. `quantization_config.bits`) and where its value is in the file (`config.json:12:25`); the
/// EngineError's argument is the key. Keys nobody asks for are ignored: configs carry many.
struct HFFields {
    /// The largest count a config may give (widths, heads, experts, vocabulary): far above any real model
    /// (the largest vocabularies are ~256k, widths ~50k), low enough that products of a few stay in 64 bits.
    static let maxCount = 10_000_000

    let values: [String: JSONNode]
    let keys: [String]
    /// The file, for messages.
    let source: String
    /// "" at the top level, "quantization_config." inside that object.
    let prefix: String
    /// Where the object starts (for a missing key).
    let line: Int
    let column: Int

    init(_ node: JSONNode, source: String, prefix: String = "") throws {
        guard case .object(let keys, let values) = node.value else {
            throw EngineError("\(source):\(node.line):\(node.column): "
                              + (prefix.isEmpty ? "a config.json must hold a JSON object" : "\(prefix.dropLast()) must be an object")
                              + ", not \(node.kind)", argument: prefix.isEmpty ? "path" : String(prefix.dropLast()))
        }
        self.values = values
        self.keys = keys
        self.source = source
        self.prefix = prefix
        self.line = node.line
        self.column = node.column
    }

    /// Present and not null.
    func has(_ key: String) -> Bool {
        guard let v = values[key] else { return false }
        if case .null = v.value { return false }
        return true
    }

    func error(_ key: String, _ message: String) -> EngineError {
        let at = values[key].map { "\($0.line):\($0.column)" } ?? "\(line):\(column)"
        return EngineError("\(source):\(at): \(prefix)\(key) \(message)", argument: prefix + key)
    }

    private func required(_ key: String) throws -> JSONNode {
        guard has(key), let v = values[key] else {
            let within = prefix.isEmpty ? "the config" : String(prefix.dropLast())
            throw EngineError("\(source): \(within) lacks the required key \"\(key)\"", argument: prefix + key)
        }
        return v
    }

    func string(_ key: String) throws -> String {
        let node = try required(key)
        guard case .string(let s) = node.value else { throw error(key, "must be a string, not \(node.kind)") }
        return s
    }

    func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    /// A required whole number in `min...max`.
    func count(_ key: String, min: Int = 1, max: Int = HFFields.maxCount) throws -> Int {
        let node = try required(key)
        guard case .number(let d, let exact) = node.value else {
            throw error(key, "must be \(Self.describe(min: min)), not \(node.kind)")
        }
        // 4096.0 is a whole number; 2.5, 1e30 and NaN are not counts.
        guard let n = exact ?? (d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil) else {
            throw error(key, "must be \(Self.describe(min: min)), got \(d)")
        }
        guard n >= min else { throw error(key, "must be \(Self.describe(min: min)), got \(n)") }
        guard n <= max else { throw error(key, "is \(n); more than \(max) is not a real model") }
        return n
    }

    /// The same, nil when absent or null.
    func optionalCount(_ key: String, min: Int = 1, max: Int = HFFields.maxCount) throws -> Int? {
        has(key) ? try count(key, min: min, max: max) : nil
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard has(key), let node = values[key] else { return fallback }
        guard case .bool(let b) = node.value else { throw error(key, "must be true or false, not \(node.kind)") }
        return b
    }

    /// A finite number; nil when absent or null.
    func optionalNumber(_ key: String) throws -> Double? {
        guard has(key), let node = values[key] else { return nil }
        guard case .number(let d, _) = node.value, d.isFinite else {
            throw error(key, "must be a finite number, not \(node.kind == "a number" ? "NaN or infinity" : node.kind)")
        }
        return d
    }

    private func list(_ key: String) throws -> [JSONNode]? {
        guard has(key), let node = values[key] else { return nil }
        guard case .array(let items) = node.value else { throw error(key, "must be a list, not \(node.kind)") }
        return items
    }

    /// Layer indices, each in 0..<layers, no repeats.
    func layerList(_ key: String, layers: Int) throws -> [Int]? {
        guard let items = try list(key) else { return nil }
        var seen = Set<Int>()
        for (n, item) in items.enumerated() {
            guard case .number(let d, let exact) = item.value, let i = exact ?? (d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil) else {
                throw at(item, "\(prefix)\(key)[\(n)] must be a layer index, not \(item.kind)", key)
            }
            guard (0..<layers).contains(i) else {
                throw at(item, "\(prefix)\(key)[\(n)] is \(i); layers are numbered 0 to \(layers - 1)", key)
            }
            guard seen.insert(i).inserted else { throw at(item, "\(prefix)\(key) lists layer \(i) twice", key) }
        }
        return Array(seen).sorted()
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let items = try list(key) else { return nil }
        return try items.enumerated().map { n, item in
            guard case .string(let s) = item.value else {
                throw at(item, "\(prefix)\(key)[\(n)] must be a string, not \(item.kind)", key)
            }
            return s
        }
    }

    /// Whole numbers (block sizes and the like), each at least `min`.
    func countList(_ key: String, min: Int = 1) throws -> [Int]? {
        guard let items = try list(key) else { return nil }
        return try items.enumerated().map { n, item in
            guard case .number(let d, let exact) = item.value, let v = exact ?? (d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil),
                  v >= min, v <= HFFields.maxCount else {
                throw at(item, "\(prefix)\(key)[\(n)] must be \(Self.describe(min: min))", key)
            }
            return v
        }
    }

    /// A nested object, nil when absent or null.
    func object(_ key: String) throws -> HFFields? {
        guard has(key), let node = values[key] else { return nil }
        return try HFFields(node, source: source, prefix: prefix + key + ".")
    }

    /// An error at a list item's position.
    func at(_ node: JSONNode, _ message: String, _ key: String) -> EngineError {
        EngineError("\(source):\(node.line):\(node.column): \(message)", argument: prefix + key)
    }

    private static func describe(min: Int) -> String {
        switch min {
        case 1: return "a positive integer"
        case 0: return "a whole number ≥ 0"
        default: return "a whole number ≥ \(min)"
        }
    }
}
