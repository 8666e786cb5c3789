import OrderedCollections

/// A runtime value of the language.
public enum Value: Sendable {
    case quantity(Quantity)
    case bool(Bool)
    case string(String)
    case list([Value])
    case record(Record)
    case function(Function)
    /// Rows under named columns (Values/Table.swift).
    case table(Table)
    /// A line or bar chart of a table (Values/Chart.swift).
    case chart(Chart)

    public static func number(_ v: Double) -> Value { .quantity(Quantity(v)) }

    /// The kind of value, for error messages.
    public var typeName: String {
        switch self {
        case .quantity(let q): return q.dimension.isDimensionless ? "a number" : "a quantity"
        case .bool: return "a boolean"
        case .string: return "a string"
        case .list: return "a list"
        case .record: return "a record"
        case .function: return "a function"
        case .table: return "a table"
        case .chart: return "a chart"
        }
    }
}

/// Named fields in the order they were written; `with` replaces or adds fields.
public typealias Record = OrderedDictionary<String, Value>
