import KVLang
/// Native implementations of the table and chart builtins `stdlib/tables.kv` declares: `sweep`, `table`, `plot`.
enum TableBuiltins {
    static let specs: [BuiltinSpec] = [
        BuiltinSpec.reading("sweep", [ParameterSpec("f", .function)], takesRest: true) { c throws(Diagnostic) in
            .table(try sweep(&c))
        },
        BuiltinSpec.reading("table", [ParameterSpec("rows", .list)]) { c throws(Diagnostic) in .table(try table(&c)) },
        BuiltinSpec.reading("plot", [ParameterSpec("table", .table), ParameterSpec("x", .string),
                             ParameterSpec("y", .custom("a column name or a list of them")),
                             ParameterSpec("kind", .oneOf(["auto", "line", "bar"])), ParameterSpec("title", .string)]) {
            c throws(Diagnostic) in .chart(try ChartBuilder(context: c).build())
        },
    ]

    /// f over the cartesian product of the named lists, the first list varying slowest (the order people read).
    private static func sweep(_ c: inout CallContext) throws(Diagnostic) -> Table {
        let f = try c.function(0)
        var axes: [(name: String, values: [Value])] = []
        var fixed: [NamedArgument] = []
        for a in c.rest {
            guard case .list(let values) = a.value else { fixed.append(a); continue }
            guard !values.isEmpty else {
                throw Diagnostic(.argument, "sweep's `\(a.name)` is an empty list: nothing to sweep", at: a.span)
            }
            axes.append((a.name, values))
        }
        guard !axes.isEmpty else {
            throw c.error("sweep needs at least one named list to sweep over",
                          hint: "for example sweep(f, batch: [1, 8, 32])")
        }
        // The product of the lengths, checked at each step: 65,536⁴ overflows 64 bits.
        var count = 1
        for axis in axes {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= Interpreter.maxListLength else {
                let lengths = axes.map { "\($0.values.count)" }.joined(separator: " × ")
                throw c.error("a sweep of \(lengths) rows is longer than the limit of \(Interpreter.maxListLength)",
                              kind: .limit)
            }
            count = product
        }
        let sweptNames = axes.map(\.name)
        let spans = c.rest.filter { sweptNames.contains($0.name) }.map(\.span)
        var resultFields: [String]?
        var rows: [[Value]] = []
        var odometer = [Int](repeating: 0, count: axes.count)
        for _ in 0..<count {
            var arguments = fixed
            for (k, axis) in axes.enumerated() {
                arguments.append(NamedArgument(name: axis.name, value: axis.values[odometer[k]], span: spans[k]))
            }
            let result = try c.interpreter.call(f, named: arguments, callSpan: c.spans[0])
            var row = axes.indices.map { axes[$0].values[odometer[$0]] }
            // A record's fields become columns; a field named like a swept argument is that argument's column.
            let fields: [(String, Value)]
            if case .record(let r) = result {
                fields = r.filter { !sweptNames.contains($0.key) }.map { ($0.key, $0.value) }
            } else {
                fields = [("value", result)]
            }
            let names = fields.map(\.0)
            if let resultFields, resultFields != names {
                throw c.error("\(f.name) returned fields (\(names.joined(separator: ", "))) in row \(rows.count + 1), "
                              + "but (\(resultFields.joined(separator: ", "))) before", at: 0, kind: .type,
                              hint: "every call of a swept function must return the same kind of value")
            }
            resultFields = names
            row += fields.map(\.1)
            rows.append(row)
            for k in axes.indices.reversed() {
                odometer[k] += 1
                if odometer[k] < axes[k].values.count { break }
                odometer[k] = 0
            }
        }
        return Table(columns: sweptNames + (resultFields ?? []), rows: rows)
    }

    private static func table(_ c: inout CallContext) throws(Diagnostic) -> Table {
        let items = try c.list(0)
        var columns: [String]?
        var rows: [[Value]] = []
        for (k, item) in items.enumerated() {
            guard case .record(let r) = item else {
                throw c.error("table's rows must be records; item \(k + 1) is \(item.typeName)", at: 0, kind: .type)
            }
            let names = Array(r.keys)
            if let columns, columns != names {
                throw c.error("row \(k + 1) has fields (\(names.joined(separator: ", "))), but the first row has "
                              + "(\(columns.joined(separator: ", ")))", at: 0, kind: .type)
            }
            columns = names
            rows.append(Array(r.values))
        }
        return Table(columns: columns ?? [], rows: rows)
    }
}
