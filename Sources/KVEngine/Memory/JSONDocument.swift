/// A small JSON reader that keeps where every value starts, so an error about a config key can say
/// `config.json:12:25`. Foundation's JSONSerialization gives no positions, folds booleans into numbers and takes
/// the last of two duplicate keys silently.
///
/// Accepts RFC 8259 JSON plus the `NaN`, `Infinity` and `-Infinity` that Python's json module writes (configs are
/// written by Python; a field that must be a count rejects them where it is read). Nesting deeper than
/// `maxDepth` and duplicate keys are errors.
struct JSONNode {
    enum Value {
        case null
        case bool(Bool)
        /// The number as a Double, and as an Int when written without fraction or exponent and in range.
        case number(Double, Int?)
        case string(String)
        case array([JSONNode])
        /// Keys in file order, and their values.
        case object(keys: [String], values: [String: JSONNode])
    }

    var value: Value
    /// 1-based line and column (in characters) where the value starts.
    var line: Int
    var column: Int

    /// What kind of JSON value it is, for "must be …, got a string" messages.
    var kind: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    subscript(key: String) -> JSONNode? {
        if case .object(_, let values) = value { return values[key] }
        return nil
    }
}

/// A syntax error at a position in the text.
struct JSONSyntaxError: Error {
    var message: String
    var line: Int
    var column: Int
}

struct JSONParser {
    /// Real configs nest three or four levels (quantization_config.config_groups.group_0.weights).
    static let maxDepth = 64
    /// Real configs hold hundreds of values (a layer_types list at the 100,000-layer bound: 100,000); this bounds
    /// the memory and time a 16 MiB file of tiny values could take (~100 bytes per value).
    static let maxValues = 500_000

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var column = 1
    private var values = 0

    /// Parses one JSON value filling the whole text (whitespace around it allowed). The bytes must be valid UTF-8.
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var p = JSONParser(bytes: bytes)
        p.skipWhitespace()
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        if p.i < bytes.count { throw p.error("unexpected text after the JSON value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, line: line, column: column)
    }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    /// Moves past one byte, counting lines and (UTF-8 lead bytes only) columns.
    private mutating func advance() {
        let b = bytes[i]
        i += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { advance() }
    }

    private mutating func expect(_ literal: String) throws(JSONSyntaxError) {
        for b in literal.utf8 {
            guard current == b else { throw error("invalid literal (expected \(literal))") }
            advance()
        }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let (l, c) = (line, column)
        func node(_ v: JSONNode.Value) -> JSONNode { JSONNode(value: v, line: l, column: c) }
        values += 1
        guard values <= Self.maxValues else {
            throw error("more than \(Self.maxValues) JSON values; a config.json holds a few hundred")
        }
        guard let b = current else { throw error("unexpected end of the file") }
        switch b {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
            return node(try object(depth: depth + 1))
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
            return node(try array(depth: depth + 1))
        case UInt8(ascii: "\""):
            return node(.string(try string()))
        case UInt8(ascii: "t"):
            try expect("true")
            return node(.bool(true))
        case UInt8(ascii: "f"):
            try expect("false")
            return node(.bool(false))
        case UInt8(ascii: "n"):
            try expect("null")
            return node(.null)
        case UInt8(ascii: "N"):
            try expect("NaN")
            return node(.number(.nan, nil))
        case UInt8(ascii: "I"):
            try expect("Infinity")
            return node(.number(.infinity, nil))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return node(try number())
        default:
            throw error("unexpected character \(Self.describe(b)) where a JSON value should start")
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
        advance()  // {
        var keys: [String] = []
        var values: [String: JSONNode] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            return .object(keys: keys, values: values)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
            let (kl, kc) = (line, column)
            let key = try string()
            if values[key] != nil {
                throw JSONSyntaxError(message: "duplicate key \"\(key)\"", line: kl, column: kc)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
            advance()
            skipWhitespace()
            keys.append(key)
            values[key] = try value(depth: depth)
            skipWhitespace()
            if current == UInt8(ascii: ",") { advance(); continue }
            if current == UInt8(ascii: "}") { advance(); return .object(keys: keys, values: values) }
            throw error(current == nil ? "unexpected end of the file inside an object" : "expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
        advance()  // [
        var items: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            if current == UInt8(ascii: ",") { advance(); continue }
            if current == UInt8(ascii: "]") { advance(); return .array(items) }
            throw error(current == nil ? "unexpected end of the file inside a list" : "expected ',' or ']'")
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        advance()  // opening quote
        var out: [UInt8] = []
        while true {
            guard let b = current else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                advance()
                guard let e = current else { throw error("unterminated string") }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    advance()
                    let scalar = try unicodeEscape()
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    continue
                default:
                    throw error("invalid escape \\\(Self.describe(e)) in a string")
                }
                advance()
            case 0..<0x20:
                throw error("control character \(Self.describe(b)) inside a string (write it as an escape)")
            default:
                out.append(b)
                advance()
            }
        }
    }

    /// After `\u`: four hex digits, and a low surrogate's `\uXXXX` after a high one.
    private mutating func unicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard current == UInt8(ascii: "\\") else { throw error("unpaired surrogate in a \\u escape") }
            advance()
            guard current == UInt8(ascii: "u") else { throw error("unpaired surrogate in a \\u escape") }
            advance()
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low),
                  let s = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                throw error("unpaired surrogate in a \\u escape")
            }
            return s
        }
        guard let s = Unicode.Scalar(high) else { throw error("unpaired surrogate in a \\u escape") }
        return s
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current, let d = Self.hexDigit(b) else { throw error("\\u must be followed by 4 hex digits") }
            v = v * 16 + d
            advance()
        }
        return v
    }

    private static func hexDigit(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONNode.Value {
        let start = i
        let (startLine, startColumn) = (line, column)
        var integral = true
        if current == UInt8(ascii: "-") {
            advance()
            if current == UInt8(ascii: "I") {
                try expect("Infinity")
                return .number(-.infinity, nil)
            }
        }
        func digits() -> Int {
            var n = 0
            while let b = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) { advance(); n += 1 }
            return n
        }
        let leadingZero = current == UInt8(ascii: "0")
        let intDigits = digits()
        guard intDigits > 0 else { throw error("a number needs digits") }
        if leadingZero && intDigits > 1 {
            throw JSONSyntaxError(message: "a number may not start with 0", line: startLine, column: startColumn)
        }
        if current == UInt8(ascii: ".") {
            integral = false
            advance()
            guard digits() > 0 else { throw error("a number needs digits after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        // Over-long digit strings parse to ±inf or 0; the field readers reject what is out of range.
        return .number(Double(text) ?? .nan, integral ? Int(text) : nil)
    }

    /// A byte for an error message: printable ASCII as itself in quotes, the rest as hex.
    static func describe(_ b: UInt8) -> String {
        (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "0x" + String(b, radix: 16, uppercase: true)
    }
}
