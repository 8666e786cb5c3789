import KVLang
import KVRuntime

/// The text of `:help`, `:info` and `:list`, read off the session itself. Documentation comes from the `##`
/// comments of declarations (the stdlib's and the user's): there is one source.
struct Describer {
    let session: Session

    private var interpreter: Interpreter { session.interpreter }
    private var catalog: UnitCatalog { UnitCatalog(table: interpreter.units) }

    /// Values on one line, for lists.
    private var inline: ValueFormatter {
        var f = session.formatter
        f.lineWidth = .max
        return f
    }

    /// What a name can denote; `min` is both a function and a unit.
    enum Named {
        case command(ReplCommand.Name)
        case function(Function)
        case value(String, Value)
        case unit(UnitTable.Unit)
        case dimension(String, Dimension)
        case keyword(String, String)
    }

    func lookup(_ name: String) -> [Named] {
        if name.hasPrefix(":") {
            return ReplCommand.Name.resolve(String(name.dropFirst())).map { [.command($0)] } ?? []
        }
        var found: [Named] = []
        switch interpreter.globals[name] {
        case .function(let f)?: found.append(.function(f))
        case let value?: found.append(.value(name, value))
        case nil: break
        }
        if let u = interpreter.units.unit(named: name) { found.append(.unit(interpreter.units.units[u])) }
        if let d = interpreter.units.dimension(named: name) { found.append(.dimension(name, d)) }
        if let text = SyntaxHelp.topics[name == "to" ? "->" : name] { found.append(.keyword(name, text)) }
        return found
    }

    /// Why nothing was found, with a suggestion where one is close.
    func unknown(_ name: String) -> String {
        let hint = interpreter.suggestion(for: name).map { "; \($0)" } ?? ""
        return "no function, unit, value or dimension is named `\(name)`\(hint) (:list shows what there is)"
    }

    // MARK: :help

    static let overview = """
        Type an expression to evaluate it, `let name = …` to name a value, `fn name(x) = …` to define a function.
        `ans` is the last result. An entry goes on while a bracket is open or a line ends in an operator.
        Syntax: :help fn, where, let, if, with, ->.

        Commands:
        \(TextColumns.render(ReplCommand.Name.allCases.map { [$0.usage.syntax, $0.usage.does] }))

        Keys: Tab completes names, units and fields · Up/Down recall entries · Ctrl-R searches them ·
              Ctrl-C clears the line or stops an evaluation · Ctrl-D leaves.
        """

    func help(_ named: Named) -> String {
        switch named {
        case .command(let c):
            return c.usage.syntax + "\n" + c.usage.does
        case .function(let f):
            return f.signature + "\n" + (f.doc ?? "(no documentation)")
        case .value(let name, let value):
            return "\(name) = \(inline.format(value))" + (interpreter.docs[name].map { "\n" + $0 } ?? "")
        case .unit(let unit):
            let dimension = interpreter.units.name(of: unit.dimension)
            let what = unit.definition.hasPrefix("base unit") ? "the base unit of \(dimension)"
                : "a unit of \(dimension) = \(unit.definition)"
            return "\(unit.name): \(what)" + (unit.doc.map { "\n" + $0 } ?? "")
        case .dimension(let name, let dimension):
            return "\(name): a dimension, \(interpreter.units.formula(of: dimension))"
        case .keyword(_, let text):
            return text
        }
    }

    // MARK: :info

    func info(_ named: Named) -> String {
        switch named {
        case .command(let c):
            return c.usage.syntax + "\n" + c.usage.does
        case .function(let f):
            let origin: String
            switch f.body {
            case .native: origin = "builtin"
            case .user: origin = "defined in " + (f.decl?.nameSpan.file?.name ?? "the session")
            }
            return "fn \(f.signature)\n" + TextColumns.render([["kind", origin], ["doc", f.doc ?? "—"]])
        case .value(let name, .record(let record)):
            let rows = record.map { key, value in [key, inline.format(value), dimension(of: value)] }
            return "\(name): record with \(record.count) field\(record.count == 1 ? "" : "s")\n"
                + TextColumns.render(rows)
        case .value(let name, let value):
            var rows = [["value", inline.format(value)], ["dimension", dimension(of: value)]]
            if let doc = interpreter.docs[name] { rows.append(["doc", doc]) }
            return "\(name)\n" + TextColumns.render(rows.filter { !$0[1].isEmpty })
        case .unit(let unit):
            var rows = [["dimension", interpreter.units.name(of: unit.dimension)], ["definition", definition(unit)]]
            if let family = catalog.families.first(where: { $0.names.contains(unit.name) }), family.names.count > 1 {
                rows.append(["names", family.names.joined(separator: ", ")])
            }
            if let root = unit.prefixOf {
                rows.append(["prefix of", interpreter.units.units[root].name])
            } else if !unit.families.isEmpty {
                rows.append(["prefixes", unit.families.joined(separator: ", ")])
            }
            if let doc = unit.doc { rows.append(["doc", doc]) }
            return "unit \(unit.name)\n" + TextColumns.render(rows)
        case .dimension(let name, let dimension):
            return "dimension \(name)\n" + TextColumns.render([["formula", interpreter.units.formula(of: dimension)]])
        case .keyword(_, let text):
            return text
        }
    }

    private func definition(_ unit: UnitTable.Unit) -> String {
        unit.definition.hasPrefix("base unit") ? unit.definition : "= " + unit.definition
    }

    /// A quantity's dimension, or nothing for plain numbers and other values.
    private func dimension(of value: Value) -> String {
        guard case .quantity(let q) = value, !q.dimension.isDimensionless else { return "" }
        return interpreter.units.name(of: q.dimension)
    }

    // MARK: :list

    func list(_ category: ListCategory) -> String {
        let rows: [[String]]
        switch category {
        case .units:
            rows = catalog.families.map { family in
                [family.names.joined(separator: ", "), interpreter.units.name(of: family.unit.dimension),
                 family.unit.doc?.firstLine ?? ""]
            }
        case .functions:
            // Names only: the engines' signatures run to a dozen parameters; `:help name` shows them.
            rows = functions.map { [$0.name, $0.doc?.firstLine ?? ""] }
        case .models, .gpus, .variables:
            rows = values(category).map { name, value in
                [name, category == .variables ? inline.format(value) : summary(name, value)]
            }
        }
        let title = category == .gpus ? "GPUs" : category.rawValue.prefix(1).uppercased() + category.rawValue.dropFirst()
        let body = rows.isEmpty ? "  (none)" : TextColumns.render(rows)
        let footer = category == .units ? "\n  Prefixed forms (GiB, ms, kFLOP…) are left out; :info GiB shows one." : ""
        return "\(title):\n\(body)\(footer)"
    }

    private var functions: [Function] {
        interpreter.globals.values.compactMap { if case .function(let f) = $0 { return f } else { return nil } }
            .sorted { $0.name < $1.name }
    }

    /// Globals of a category, by name: models are records with a `layers` field, GPUs records with `memory` or
    /// `capacity`, variables every value that is not a function.
    private func values(_ category: ListCategory) -> [(String, Value)] {
        interpreter.globals.filter { _, value in
            switch (category, value) {
            case (.models, .record(let r)): return r["layers"] != nil
            case (.gpus, .record(let r)): return r["memory"] != nil || r["capacity"] != nil
            case (.variables, .function): return false
            case (.variables, _): return true
            default: return false
            }
        }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A preset in a line: its doc, or its first fields.
    private func summary(_ name: String, _ value: Value) -> String {
        if let doc = interpreter.docs[name] { return doc.firstLine }
        let text = inline.format(value)
        return text.count > 70 ? String(text.prefix(69)) + "…" : text
    }
}
