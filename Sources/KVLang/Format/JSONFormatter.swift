/// Values as JSON, as DESIGN §5 fixes it: a dimensionless number is a JSON number; a quantity is
/// `{"value": V, "unit": "U"}` with V in base units and U their product (`"B/token"`); records are objects and
/// lists arrays; a table is an array of row objects.
public struct JSONFormatter {
    public let units: UnitTable

    public init(units: UnitTable) { self.units = units }

    public enum Failure: Error { case notEncodable(String) }

    public func encode(_ v: Value) throws(Failure) -> String {
        switch v {
        case .quantity(let q):
            let number = NumberFormat.json(q.value)
            if q.dimension.isDimensionless { return number }
            return "{\"value\":\(number),\"unit\":\(string(units.baseUnitString(of: q.dimension)))}"
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return string(s)
        case .list(let items):
            var parts: [String] = []
            for item in items { parts.append(try encode(item)) }
            return "[" + parts.joined(separator: ",") + "]"
        case .record(let r):
            var parts: [String] = []
            for (k, value) in r { parts.append(string(k) + ":" + (try encode(value))) }
            return "{" + parts.joined(separator: ",") + "}"
        case .function(let f):
            throw .notEncodable("the function \(f.name) has no JSON form")
        case .table(let t):
            // An array of row objects, the shape most JSON tools expect of a table.
            return try encode(.list(t.rows.indices.map { .record(t.record($0)) }))
        case .chart(let c):
            let fields: Record = [
                "chart": .string(c.kind.rawValue), "title": .string(c.title), "x": .string(c.x.title),
                "y": .list(c.series.map { .string($0.name) }), "rows": .table(c.table),
            ]
            return try encode(.record(fields))
        }
    }

    private func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
