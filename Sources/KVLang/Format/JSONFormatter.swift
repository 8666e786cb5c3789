/// Values as JSON, as DESIGN §5 fixes it: a dimensionless number is a JSON number; a quantity is
/// `{"value": V, "unit": "U"}` with V in base units and U their product (`"B/token"`); records are objects and
/// lists arrays; a table is an array of row objects. The output is always valid JSON: a value JSON cannot hold
/// (a function, a non-finite number, nesting deeper than `maxDepth`) is a failure, never bare `inf`.
public struct JSONFormatter {
    public let units: UnitTable
    public static let maxDepth = 1000

    public init(units: UnitTable) { self.units = units }

    public enum Failure: Error { case notEncodable(String) }

    public func encode(_ v: Value) throws(Failure) -> String {
        var out = ""
        try write(v, depth: 0, into: &out)
        return out
    }

    private func write(_ v: Value, depth: Int, into out: inout String) throws(Failure) {
        guard depth < JSONFormatter.maxDepth else {
            throw .notEncodable("the value is nested deeper than \(JSONFormatter.maxDepth) levels")
        }
        switch v {
        case .quantity(let q):
            guard q.value.isFinite else { throw .notEncodable("\(q.value) is not a finite number") }
            let number = NumberFormat.json(q.value)
            if q.dimension.isDimensionless { out += number; return }
            out += "{\"value\":\(number),\"unit\":\(string(units.baseUnitString(of: q.dimension)))}"
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): out += string(s)
        case .list(let items):
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += "," }
                try write(item, depth: depth + 1, into: &out)
            }
            out += "]"
        case .record(let r):
            out += "{"
            var first = true
            for (k, value) in r {
                out += (first ? "" : ",") + string(k) + ":"
                first = false
                try write(value, depth: depth + 1, into: &out)
            }
            out += "}"
        case .function(let f):
            throw .notEncodable("the function \(f.name) has no JSON form")
        case .table(let t):
            // An array of row objects, the shape most JSON tools expect of a table.
            out += "["
            for row in t.rows.indices {
                if row > 0 { out += "," }
                try write(.record(t.record(row)), depth: depth + 1, into: &out)
            }
            out += "]"
        case .chart(let c):
            let fields: Record = [
                "chart": .string(c.kind.rawValue), "title": .string(c.title), "x": .string(c.x.title),
                "y": .list(c.series.map { .string($0.name) }), "rows": .table(c.table),
            ]
            try write(.record(fields), depth: depth, into: &out)
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
