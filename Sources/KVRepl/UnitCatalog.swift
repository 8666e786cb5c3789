import KVLang
import KVRuntime

/// The session's units as the REPL shows them: unprefixed units with their aliases, and the prefix of a prefixed
/// form (`Gi` of `GiB`), which completion uses so that prefixed forms appear only once their prefix is typed.
struct UnitCatalog {
    let table: UnitTable

    /// A unit and the other names declared with it (`B` with `byte`, `bytes`).
    struct Family {
        let names: [String]
        let unit: UnitTable.Unit
    }

    /// Unprefixed units, one family per declaration, in declaration order.
    var families: [Family] {
        var result: [Family] = []
        for unit in table.units where unit.prefixOf == nil {
            // Aliases are declared together, so they are adjacent and share factor, dimension and definition.
            if let last = result.last, last.unit.factor == unit.factor, last.unit.dimension == unit.dimension,
               last.unit.definition == unit.definition, last.unit.doc == unit.doc {
                result[result.count - 1] = Family(names: last.names + [unit.name], unit: last.unit)
            } else {
                result.append(Family(names: [unit.name], unit: unit))
            }
        }
        return result
    }

    var unprefixedNames: [String] { table.units.filter { $0.prefixOf == nil }.map(\.name) }

    /// The prefixed forms, each with its prefix: `("GiB", "Gi")`, `("gibibyte", "gibi")`.
    var prefixedNames: [(name: String, prefix: String)] {
        let roots = table.units.filter { $0.prefixOf == nil }
        return table.units.compactMap { unit in
            guard unit.prefixOf != nil else { return nil }
            // The longest unprefixed name of the same dimension that ends the name is what the prefix was added to.
            let root = roots.filter { $0.dimension == unit.dimension && unit.name.count > $0.name.count
                && unit.name.hasSuffix($0.name) }.max { $0.name.count < $1.name.count }
            guard let root else { return nil }
            return (unit.name, String(unit.name.dropLast(root.name.count)))
        }
    }

    /// `Information`, or a derived dimension with its formula: `Bandwidth (Information/Time)`.
    func dimensionName(_ unit: UnitTable.Unit) -> String { table.name(of: unit.dimension) }
}
