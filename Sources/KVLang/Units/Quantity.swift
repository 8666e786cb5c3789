import Foundation

/// A number with a dimension. `value` is always in base units (B, s, token…); `display` remembers the units the
/// program used, so results print in a readable unit of the same family. Dimensionless numbers have neither.
public struct Quantity: Sendable {
    public var value: Double
    public var dimension: Dimension
    public var display: DisplayUnit?

    public init(_ value: Double, _ dimension: Dimension = .none, display: DisplayUnit? = nil) {
        self.value = value
        self.dimension = dimension
        self.display = display
    }

    public static func scalar(_ v: Double) -> Quantity { Quantity(v) }
}

/// The units a quantity prints in: a product of declared units with exponents (`KiB/token` = KiB¹·token⁻¹).
/// `pinned` marks the target of an explicit `->`, which printing must not rescale. Interned, like `Dimension`,
/// so a quantity is a plain value.
public struct DisplayUnit: Sendable, Equatable {
    public struct Term: Sendable, Hashable {
        public let unit: Int
        public var exponent: Rational

        public init(unit: Int, exponent: Rational) {
            self.unit = unit
            self.exponent = exponent
        }
    }

    let id: Int32
    public var pinned = false

    public init(terms: [Term], pinned: Bool = false) {
        self.id = DisplayInterner.intern(terms)
        self.pinned = pinned
    }

    /// An id the interner gave out.
    init(id: Int32) { self.id = id }

    public var terms: [Term] { DisplayInterner.terms(id) }

    public static func unit(_ id: Int) -> DisplayUnit { DisplayUnit(terms: [Term(unit: id, exponent: .one)]) }
}

enum DisplayInterner {
    private static let table = Interner<[DisplayUnit.Term]>()

    static func intern(_ terms: [DisplayUnit.Term]) -> Int32 { table.intern(terms) }

    static func terms(_ id: Int32) -> [DisplayUnit.Term] { table.item(id) }
}

extension UnitTable {
    /// Base units per one display unit.
    func factor(of display: DisplayUnit) -> Double {
        var f = 1.0
        for t in display.terms { f *= pow(units[t.unit].factor, t.exponent.doubleValue) }
        return f
    }

    func dimension(of display: DisplayUnit) -> Dimension? {
        var d = Dimension.none
        for t in display.terms {
            guard let p = units[t.unit].dimension.power(t.exponent), let m = d.multiplied(by: p) else { return nil }
            d = m
        }
        return d
    }

    /// The display of a product or quotient: terms of one unit merge, and a unit divided by another of the same
    /// dimension cancels (`GiB / (KiB/token)` prints in tokens). Nil when no sensible display remains.
    func combine(_ a: DisplayUnit?, _ b: DisplayUnit?, sign: Rational) -> DisplayUnit? {
        guard let b else {
            var d = a
            d?.pinned = false
            return d
        }
        if a == nil, sign == .one {
            var d = b
            d.pinned = false
            return d
        }
        var terms = a?.terms ?? []
        for t in b.terms {
            guard let e = t.exponent * sign else { return nil }
            if let k = terms.firstIndex(where: { $0.unit == t.unit }) {
                guard let s = terms[k].exponent + e else { return nil }
                terms[k].exponent = s
            } else {
                terms.append(DisplayUnit.Term(unit: t.unit, exponent: e))
            }
        }
        terms.removeAll { $0.exponent.isZero }
        // Cancel a unit against another of the same dimension with the opposite sign.
        var i = 0
        while i < terms.count {
            var cancelled = false
            for j in terms.indices where j != i && (terms[i].exponent > .zero) != (terms[j].exponent > .zero)
                && units[terms[i].unit].dimension == units[terms[j].unit].dimension {
                let m = min(abs(terms[i].exponent.doubleValue), abs(terms[j].exponent.doubleValue))
                guard let r = Rational(approximating: m) else { continue }
                let si = terms[i].exponent > .zero ? -r : r
                guard let ei = terms[i].exponent + si, let ej = terms[j].exponent + (-si) else { continue }
                terms[i].exponent = ei
                terms[j].exponent = ej
                cancelled = true
                break
            }
            if cancelled { terms.removeAll { $0.exponent.isZero }; i = 0 } else { i += 1 }
        }
        return terms.isEmpty ? nil : DisplayUnit(terms: terms)
    }

    /// The dimension of a product (`divide` false) or quotient, memoised by operand ids; nil on exponent overflow.
    @inline(__always)
    func product(_ a: Dimension, _ b: Dimension, divide: Bool) -> Dimension? {
        if b.id == 0 { return a }
        if a.id == 0 && !divide { return b }
        if let id = dimensionProducts.lookup(a.id, b.id, divide: divide) { return Dimension(id: id) }
        guard let d = a.multiplied(by: b, exponent: divide ? .minusOne : .one) else { return nil }
        dimensionProducts.store(a.id, b.id, divide: divide, d.id)
        return d
    }

    /// `combine` for a product or quotient, memoised by operand ids: the result depends only on the two display
    /// units' terms (never on `pinned`, which it drops), so the slow merge runs once per pair.
    @inline(__always)
    func combined(_ a: DisplayUnit?, _ b: DisplayUnit?, divide: Bool) -> DisplayUnit? {
        guard let b else {
            var d = a
            d?.pinned = false
            return d
        }
        let aid = a?.id ?? -1
        if let id = displayProducts.lookup(aid, b.id, divide: divide) { return id < 0 ? nil : DisplayUnit(id: id) }
        let r = combine(a, b, sign: divide ? .minusOne : .one)
        displayProducts.store(aid, b.id, divide: divide, r?.id ?? -1)
        return r
    }

    func power(_ d: DisplayUnit?, _ p: Rational) -> DisplayUnit? {
        guard let d else { return nil }
        var terms: [DisplayUnit.Term] = []
        for t in d.terms {
            guard let e = t.exponent * p else { return nil }
            if !e.isZero { terms.append(DisplayUnit.Term(unit: t.unit, exponent: e)) }
        }
        return terms.isEmpty ? nil : DisplayUnit(terms: terms)
    }
}
