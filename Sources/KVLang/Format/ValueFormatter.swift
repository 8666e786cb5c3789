/// Values as plain text: the terminal, scripts, golden tests. Records longer than a line print one field a line,
/// aligned.
public struct ValueFormatter {
    public let units: UnitTable
    public var lineWidth = 80

    public init(units: UnitTable) { self.units = units }

    public func format(_ v: Value) -> String { format(v, indent: 0, topLevel: true) }

    public func quantity(_ q: Quantity) -> String {
        let s = units.shown(q)
        let number = NumberFormat.format(s.value)
        return s.unit.isEmpty ? number : "\(number) \(s.unit)"
    }

    private func format(_ v: Value, indent: Int, topLevel: Bool) -> String {
        switch v {
        case .quantity(let q): return quantity(q)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return topLevel ? s : quoted(s)
        case .function(let f): return "<fn \(f.signature)>"
        case .table(let t): return table(t, indent: indent)
        case .chart(let c): return chart(c)
        case .list(let items):
            let inline = "[" + items.map { format($0, indent: indent, topLevel: false) }.joined(separator: ", ") + "]"
            if inline.count + indent <= lineWidth || items.isEmpty { return inline }
            let pad = String(repeating: " ", count: indent + 2)
            return "[\n" + items.map { pad + format($0, indent: indent + 2, topLevel: false) }.joined(separator: ",\n")
                + "\n" + String(repeating: " ", count: indent) + "]"
        case .record(let r):
            if r.isEmpty { return "{}" }
            let inline = "{" + r.map { "\($0.key): \(format($0.value, indent: indent, topLevel: false))" }
                .joined(separator: ", ") + "}"
            if inline.count + indent <= lineWidth && !inline.contains("\n") { return inline }
            let width = r.keys.map(\.count).max() ?? 0
            let pad = String(repeating: " ", count: indent + 2)
            let lines = r.map { key, value in
                pad + key + ":" + String(repeating: " ", count: width - key.count + 1)
                    + format(value, indent: indent + 2, topLevel: false)
            }
            return "{\n" + lines.joined(separator: "\n") + "\n" + String(repeating: " ", count: indent) + "}"
        }
    }

    /// A value inside a table cell or a one-line listing: strings bare, everything on one line.
    public func cell(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        var oneLine = self
        oneLine.lineWidth = Int.max
        return oneLine.format(v, indent: 0, topLevel: false)
    }

    func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
