/// Rows of values under named columns: what `sweep` yields and `plot` draws. Every row has one value per column.
public struct Table: Sendable {
    public let columns: [String]
    public let rows: [[Value]]

    public init(columns: [String], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }

    /// One column's values, top to bottom.
    public func column(_ name: String) -> [Value]? {
        columns.firstIndex(of: name).map { i in rows.map { $0[i] } }
    }

    /// A row as a record, fields in column order.
    public func record(_ row: Int) -> Record {
        var r = Record()
        for (name, value) in zip(columns, rows[row]) { r[name] = value }
        return r
    }
}
