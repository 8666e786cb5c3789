/// The dimensions and units a session knows. The stdlib fills it with `dimension` and `unit` declarations;
/// nothing about bytes or seconds is hard-coded here, only the SI and IEC prefix tables.
/// A class, so the interpreter's hot path reads it without copying; `copy()` makes the REPL's snapshots.
public final class UnitTable: @unchecked Sendable {
    public struct BaseDimension: Sendable {
        public let name: String
        public var baseUnit: String?
    }

    public struct Unit: Sendable {
        public let name: String
        /// Base units per one of this unit.
        public let factor: Double
        public let dimension: Dimension
        /// The unit this one prefixes (`GiB` → `B`), or nil for an unprefixed unit.
        public let prefixOf: Int?
        /// Ladders this unit's family can be rescaled along, by family name ("metric", "binary", "submultiples").
        public let families: [String]
        public let doc: String?
        public let definition: String
        /// This unit as a value: its factor, dimension and itself as the display unit.
        public let value: Quantity
    }

    /// Changes whenever a unit is declared (from a process-wide counter, so a restored snapshot never reuses a
    /// number): a cached unit lookup is valid while the generation it was made in is current.
    @exclusivity(unchecked) public private(set) var generation = 0
    nonisolated(unsafe) private static var generations = 0

    public private(set) var bases: [BaseDimension] = []
    public private(set) var namedDimensions: [(name: String, dimension: Dimension)] = []
    public private(set) var units: [Unit] = []
    private var unitIndex: [String: Int] = [:]
    private var dimensionIndex: [String: Dimension] = [:]
    /// Rescaling ladders: for an unprefixed unit and a family, its prefixed forms by increasing factor. Keyed by
    /// Int then String, not by a struct of both: each new Hashable key type costs a scan of the binary's conformance
    /// records when a process first uses it (~0.35 M instructions at start-up).
    private var ladders: [Int: [String: [Int]]] = [:]

    /// Memos of products and quotients by operand ids (Units/OperandCache.swift); a copy starts with empty ones.
    let dimensionProducts = OperandCache()
    let displayProducts = OperandCache()

    public init() {}

    /// An independent copy (the arrays are copied on write, so this is cheap).
    public func copy() -> UnitTable {
        let t = UnitTable()
        t.bases = bases
        t.namedDimensions = namedDimensions
        t.units = units
        t.unitIndex = unitIndex
        t.dimensionIndex = dimensionIndex
        t.ladders = ladders
        t.generation = generation
        return t
    }

    // MARK: Prefixes

    public struct Prefix: Sendable {
        let short: [String]
        let long: String
        let factor: Double
        /// Part of the ladder that printing rescales along.
        let ladder: Bool
    }

    public static let families: [String: [Prefix]] = [
        "metric": [
            Prefix(short: ["n"], long: "nano", factor: 1e-9, ladder: false),
            Prefix(short: ["µ", "u"], long: "micro", factor: 1e-6, ladder: false),
            Prefix(short: ["m"], long: "milli", factor: 1e-3, ladder: false),
            Prefix(short: ["K", "k"], long: "kilo", factor: 1e3, ladder: true),
            Prefix(short: ["M"], long: "mega", factor: 1e6, ladder: true),
            Prefix(short: ["G"], long: "giga", factor: 1e9, ladder: true),
            Prefix(short: ["T"], long: "tera", factor: 1e12, ladder: true),
            Prefix(short: ["P"], long: "peta", factor: 1e15, ladder: true),
            Prefix(short: ["E"], long: "exa", factor: 1e18, ladder: true),
        ],
        "binary": [
            Prefix(short: ["Ki"], long: "kibi", factor: 0x1p10, ladder: true),
            Prefix(short: ["Mi"], long: "mebi", factor: 0x1p20, ladder: true),
            Prefix(short: ["Gi"], long: "gibi", factor: 0x1p30, ladder: true),
            Prefix(short: ["Ti"], long: "tebi", factor: 0x1p40, ladder: true),
            Prefix(short: ["Pi"], long: "pebi", factor: 0x1p50, ladder: true),
            Prefix(short: ["Ei"], long: "exbi", factor: 0x1p60, ladder: true),
        ],
        "submultiples": [
            Prefix(short: ["n"], long: "nano", factor: 1e-9, ladder: true),
            Prefix(short: ["µ", "u"], long: "micro", factor: 1e-6, ladder: true),
            Prefix(short: ["m"], long: "milli", factor: 1e-3, ladder: true),
        ],
    ]

    // MARK: Declarations

    public enum DeclarationError: Error {
        case duplicate(String)
        case unknownFamily(String)
    }

    public func declareBase(_ name: String) throws(DeclarationError) -> Dimension {
        guard dimensionIndex[name] == nil else { throw .duplicate(name) }
        bases.append(BaseDimension(name: name, baseUnit: nil))
        let d = Dimension.base(bases.count - 1)
        dimensionIndex[name] = d
        return d
    }

    public func declareDerived(_ name: String, _ dimension: Dimension) throws(DeclarationError) {
        guard dimensionIndex[name] == nil else { throw .duplicate(name) }
        dimensionIndex[name] = dimension
        namedDimensions.append((name, dimension))
    }

    public func dimension(named name: String) -> Dimension? { dimensionIndex[name] }

    public var dimensionNames: [String] { Array(dimensionIndex.keys) }

    /// Declares a unit under each of its names, with its prefixed forms. The first name is the symbol that takes
    /// short prefixes (`GiB`); the other names take long ones (`gibibyte`).
    public func declareUnit(names: [String], factor: Double, dimension: Dimension, families: [String],
                            doc: String?, definition: String) throws(DeclarationError) {
        for f in families where UnitTable.families[f] == nil { throw .unknownFamily(f) }
        for n in names where unitIndex[n] != nil { throw .duplicate(n) }
        UnitTable.generations += 1
        generation = UnitTable.generations
        if dimension.terms.count == 1, dimension.terms[0].exponent == .one, factor == 1,
           bases[dimension.terms[0].base].baseUnit == nil {
            bases[dimension.terms[0].base].baseUnit = names[0]
        }
        var first = -1
        for (k, name) in names.enumerated() {
            units.append(Unit(name: name, factor: factor, dimension: dimension, prefixOf: nil, families: families,
                              doc: doc, definition: definition,
                              value: Quantity(factor, dimension, display: .unit(units.count))))
            unitIndex[name] = units.count - 1
            if k == 0 { first = units.count - 1 }
        }
        for family in families {
            var ladder = [first]
            for prefix in UnitTable.families[family] ?? [] {
                var prefixed: [(String, Bool)] = prefix.short.map { ($0 + names[0], true) }
                prefixed += names.dropFirst().map { (prefix.long + $0, false) }
                for (index, (name, isSymbol)) in prefixed.enumerated() {
                    if let existing = unitIndex[name] {
                        // Both families name the same prefix (`k`); keep one unit, extend its ladders.
                        if index == 0, prefix.ladder { ladder.append(existing) }
                        continue
                    }
                    units.append(Unit(name: name, factor: factor * prefix.factor, dimension: dimension,
                                      prefixOf: first, families: [family], doc: doc,
                                      definition: "\(prefix.factor.formattedExactly) \(names[0])",
                                      value: Quantity(factor * prefix.factor, dimension, display: .unit(units.count))))
                    unitIndex[name] = units.count - 1
                    if isSymbol, index == 0, prefix.ladder { ladder.append(units.count - 1) }
                }
            }
            ladders[first, default: [:]][family] = ladder.sorted { units[$0].factor < units[$1].factor }
        }
    }

    public func unit(named name: String) -> Int? { unitIndex[name] }

    public var unitNames: some Collection<String> { unitIndex.keys }

    /// The prefixed forms of `unit` in `family`, by increasing factor (the unit itself included).
    func ladder(for unit: Int, family: String) -> [Int]? {
        let root = units[unit].prefixOf ?? unit
        return ladders[root]?[family]
    }

    // MARK: Names

    /// A dimension as its declared name, or as a product of base names: `Information/Token`.
    public func name(of dimension: Dimension) -> String {
        if dimension.isDimensionless { return "Scalar" }
        if let named = namedDimensions.first(where: { $0.dimension == dimension }) {
            return "\(named.name) (\(formula(of: dimension)))"
        }
        if dimension.terms.count == 1, dimension.terms[0].exponent == .one { return bases[dimension.terms[0].base].name }
        return formula(of: dimension)
    }

    /// The product of base dimension names, whatever the dimension is called.
    public func formula(of dimension: Dimension) -> String {
        if dimension.isDimensionless { return "Scalar" }
        return UnitTable.product(dimension.terms.map { (bases[$0.base].name, $0.exponent) }, separator: "·")
    }

    /// The product of base units, for JSON: `B/token`.
    public func baseUnitString(of dimension: Dimension) -> String {
        UnitTable.product(dimension.terms.map { (bases[$0.base].baseUnit ?? bases[$0.base].name, $0.exponent) },
                          separator: "*")
    }

    /// `a·b/c^2`, or `1/s` with no positive factors.
    static func product(_ factors: [(String, Rational)], separator: String) -> String {
        func power(_ name: String, _ e: Rational) -> String {
            e == .one ? name : e.isInteger ? "\(name)^\(e.num)" : "\(name)^(\(e))"
        }
        let up = factors.filter { $0.1 > .zero }.map { power($0.0, $0.1) }
        let down = factors.filter { $0.1 < .zero }.map { power($0.0, -$0.1) }
        let numerator = up.isEmpty ? "1" : up.joined(separator: separator)
        if down.isEmpty { return numerator }
        let denominator = down.count == 1 ? down[0] : "(" + down.joined(separator: separator) + ")"
        return numerator + "/" + denominator
    }
}

extension Double {
    /// `1e+09`-free text for a prefix factor: 1000, 0.001, 1073741824.
    var formattedExactly: String {
        if self == rounded(), abs(self) < 1e18 { return String(Int64(self)) }
        return "\(self)"
    }
}
