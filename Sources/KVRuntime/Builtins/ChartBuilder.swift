import KVLang
/// `plot(table, x:, y:, kind:, title:)`: checks the columns and puts every number in the unit its axis shows.
struct ChartBuilder {
    let context: CallContext
    var units: UnitTable { context.interpreter.units }

    func build() throws(Diagnostic) -> Chart {
        guard case .table(let table) = context.arguments[0] else {
            throw context.error("plot draws a table (from sweep or table), not \(context.arguments[0].typeName)",
                                at: 0, kind: .type)
        }
        let xName = try context.string(1)
        let yNames: [String]
        switch context.arguments[2] {
        case .string(let s): yNames = [s]
        case .list(let l):
            var names: [String] = []
            for v in l {
                guard case .string(let s) = v else { throw context.error("`y` lists column names", at: 2, kind: .type) }
                names.append(s)
            }
            guard !names.isEmpty else { throw context.error("`y` names no column", at: 2) }
            yNames = names
        default:
            throw context.error("`y` is a column name or a list of them, not \(context.arguments[2].typeName)", at: 2,
                                kind: .type)
        }
        let xColumn = try column(table, xName, at: 1)
        let numericX = Table.isNumeric(xColumn)
        let kind: Chart.Kind
        switch try context.string(3) {
        case "auto": kind = numericX ? .line : .bar
        case "line":
            guard numericX else { throw context.error("a line chart needs numbers on x; use kind: \"bar\"", at: 3) }
            kind = .line
        case "bar": kind = .bar
        case let other:
            throw context.error("unknown chart kind \"\(other)\"", at: 3, hint: "use \"line\", \"bar\" or \"auto\"")
        }
        var xValues: [Double]?
        var xUnit = ""
        var xLabels = xColumn.map(ValueFormatter(units: units).cell)
        if numericX {
            let (values, unit) = try scaled(xColumn, name: xName, at: 1)
            xValues = values
            xUnit = unit
            xLabels = values.map { NumberFormat.format($0) }
        }
        var yColumns: [Value] = []
        var perSeries: [[Value]] = []
        for name in yNames {
            let col = try column(table, name, at: 2)
            perSeries.append(col)
            yColumns += col
        }
        let (allY, yUnit) = try scaled(yColumns, name: yNames.joined(separator: ", "), at: 2)
        let n = table.rows.count
        let series = yNames.enumerated().map { k, name in
            Chart.Series(name: name, values: Array(allY[(k * n)..<((k + 1) * n)]))
        }
        let yTitle = yNames.joined(separator: ", ")
        let title = try context.string(4)
        return Chart(kind: kind, title: title.isEmpty ? "\(yTitle) by \(xName)" : title,
                     x: Chart.Axis(title: xName, unit: xUnit), y: Chart.Axis(title: yTitle, unit: yUnit),
                     xValues: xValues, xLabels: xLabels, series: series, table: table)
    }

    private func column(_ t: Table, _ name: String, at i: Int) throws(Diagnostic) -> [Value] {
        guard let c = t.column(name) else {
            throw context.error("the table has no column `\(name)`", at: i, kind: .name,
                                hint: Suggestions.hint(for: name, in: t.columns)
                                    ?? "its columns: \(t.columns.joined(separator: ", "))")
        }
        return c
    }

    /// Quantities of one dimension as numbers in one unit: the unit the largest of them prints in, so an axis of
    /// 1 GiB … 64 GiB reads in GiB.
    private func scaled(_ values: [Value], name: String, at i: Int) throws(Diagnostic) -> ([Double], String) {
        var quantities: [Quantity] = []
        for v in values {
            guard case .quantity(let q) = v else {
                throw context.error("`\(name)` holds \(v.typeName); a chart plots numbers and quantities", at: i,
                                    kind: .type)
            }
            if let first = quantities.first, first.dimension != q.dimension {
                throw context.error("`\(name)` mixes \(units.name(of: first.dimension)) and "
                                    + "\(units.name(of: q.dimension)); an axis has one dimension", at: i,
                                    kind: .dimension)
            }
            quantities.append(q)
        }
        guard let largest = quantities.max(by: { Swift.abs($0.value) < Swift.abs($1.value) }) else { return ([], "") }
        let shown = units.shown(largest)
        let factor = shown.value != 0 && largest.value != 0 ? largest.value / shown.value : 1
        return (quantities.map { $0.value / factor }, shown.unit)
    }
}
