/// Values as plain text: the terminal, scripts, golden tests. Records longer than a line print one field a line,
/// aligned.
///
/// Printing is linear in the size of the value: each node is written once, and the test of whether a list or
/// record fits on one line gives up as soon as it has written more than a line. Levels nested deeper than
/// `maxDepth` print as `[…]` / `{…}` (nobody reads them, and they would not read back).
public struct ValueFormatter {
    public let units: UnitTable
    public var lineWidth = 80
    public static let maxDepth = 100

    public init(units: UnitTable) { self.units = units }

    public func format(_ v: Value) -> String {
        var out = ""
        write(v, indent: 0, depth: 0, topLevel: true, into: &out)
        return out
    }

    public func quantity(_ q: Quantity) -> String {
        let s = units.shown(q)
        let number = NumberFormat.format(s.value)
        return s.unit.isEmpty ? number : "\(number) \(s.unit)"
    }

    private func write(_ v: Value, indent: Int, depth: Int, topLevel: Bool, into out: inout String) {
        switch v {
        case .string(let s) where topLevel:
            out += s
        case .table(let t):
            out += table(t, indent: indent)
        case .chart(let c):
            out += chart(c)
        case .list(let items):
            if items.isEmpty || depth >= ValueFormatter.maxDepth { return leaf(v, depth: depth, into: &out) }
            if let inline = oneLine(v, depth: depth, budget: lineWidth - indent) { out += inline; return }
            let pad = String(repeating: " ", count: indent + 2)
            out += "[\n"
            for (k, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, depth: depth + 1, topLevel: false, into: &out)
                out += k + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .record(let r):
            if r.isEmpty || depth >= ValueFormatter.maxDepth { return leaf(v, depth: depth, into: &out) }
            if let inline = oneLine(v, depth: depth, budget: lineWidth - indent) { out += inline; return }
            let width = r.keys.map(\.count).max() ?? 0
            let pad = String(repeating: " ", count: indent + 2)
            out += "{\n"
            for (key, value) in r {
                out += pad + key + ":" + String(repeating: " ", count: width - key.count + 1)
                write(value, indent: indent + 2, depth: depth + 1, topLevel: false, into: &out)
                out += "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            leaf(v, depth: depth, into: &out)
        }
    }

    /// A value that never spans lines (or is cut off by the depth limit).
    private func leaf(_ v: Value, depth: Int, into out: inout String) {
        switch v {
        case .quantity(let q): out += quantity(q)
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): out += quoted(s)
        case .function(let f): out += "<fn \(f.signature)>"
        case .list(let items): out += items.isEmpty ? "[]" : "[…]"
        case .record(let r): out += r.isEmpty ? "{}" : "{…}"
        case .table(let t): out += table(t, indent: 0)
        case .chart(let c): out += chart(c)
        }
    }

    /// The value on one line if that takes at most `budget` characters; nil if longer, or if it holds a table
    /// or chart (those span lines).
    private func oneLine(_ v: Value, depth: Int, budget: Int) -> String? {
        var out = ""
        // UTF-8 bytes bound characters from above (at most 4 a character), so this cut-off is cheap and safe;
        // the exact count is taken once at the end.
        let byteBudget = budget > Int.max / 4 ? Int.max : budget * 4
        guard appendOneLine(v, depth: depth, byteBudget: byteBudget, into: &out), out.count <= budget else { return nil }
        return out
    }

    private func appendOneLine(_ v: Value, depth: Int, byteBudget: Int, into out: inout String) -> Bool {
        switch v {
        case .table, .chart:
            return false
        case .list(let items) where !items.isEmpty && depth < ValueFormatter.maxDepth:
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += ", " }
                guard appendOneLine(item, depth: depth + 1, byteBudget: byteBudget, into: &out) else { return false }
            }
            out += "]"
        case .record(let r) where !r.isEmpty && depth < ValueFormatter.maxDepth:
            out += "{"
            var first = true
            for (key, value) in r {
                out += first ? key + ": " : ", " + key + ": "
                first = false
                guard appendOneLine(value, depth: depth + 1, byteBudget: byteBudget, into: &out) else { return false }
            }
            out += "}"
        default:
            leaf(v, depth: depth, into: &out)
        }
        return out.utf8.count <= byteBudget
    }

    /// A value inside a table cell or a one-line listing: strings bare, everything on one line.
    public func cell(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        if let line = oneLine(v, depth: 0, budget: Int.max) { return line }
        var out = ""
        write(v, indent: 0, depth: 0, topLevel: false, into: &out)
        return out
    }

    func quoted(_ s: String) -> String {
        var out = "\""
        // By scalar: "\r\n" is one Character and would escape neither half.
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
