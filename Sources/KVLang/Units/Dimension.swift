import Foundation

/// A product of base dimensions with rational exponents, e.g. Information·Token⁻¹. Base dimensions are numbered
/// in the order the stdlib declares them. A dimension is an interned id, so quantities are plain values that copy
/// without reference counting and compare in one instruction; id 0 is dimensionless.
public struct Dimension: Hashable, Sendable {
    public struct Term: Hashable, Sendable {
        public let base: Int
        public let exponent: Rational
    }

    let id: Int32

    public init(terms: [Term]) { id = DimensionInterner.intern(terms) }

    public static let none = Dimension(id: 0)

    init(id: Int32) { self.id = id }

    public static func base(_ index: Int) -> Dimension { Dimension(terms: [Term(base: index, exponent: .one)]) }

    /// The terms, sorted by base, without zero exponents.
    public var terms: [Term] { DimensionInterner.terms(id) }

    public var isDimensionless: Bool { id == 0 }

    /// The product of two dimensions; nil when an exponent overflows.
    public func multiplied(by other: Dimension, exponent sign: Rational = .one) -> Dimension? {
        if other.id == 0 { return self }
        if id == 0, sign == .one { return other }
        if let cached = DimensionInterner.cachedProduct(id, other.id, sign) { return Dimension(id: cached) }
        let a = terms, b = other.terms
        var out: [Term] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].base < b[j].base) {
                out.append(a[i]); i += 1
            } else {
                guard let scaled = b[j].exponent * sign else { return nil }
                if i < a.count && a[i].base == b[j].base {
                    guard let sum = a[i].exponent + scaled else { return nil }
                    if !sum.isZero { out.append(Term(base: a[i].base, exponent: sum)) }
                    i += 1
                } else {
                    out.append(Term(base: b[j].base, exponent: scaled))
                }
                j += 1
            }
        }
        let result = Dimension(terms: out)
        DimensionInterner.cacheProduct(id, other.id, sign, result.id)
        return result
    }

    public func power(_ p: Rational) -> Dimension? {
        if p.isZero { return Dimension.none }
        if p == .one { return self }
        var out: [Term] = []
        for t in terms {
            guard let e = t.exponent * p else { return nil }
            out.append(Term(base: t.base, exponent: e))
        }
        return Dimension(terms: out)
    }
}

/// The table behind `Dimension` ids, shared by all sessions (terms mean the same thing in each: base numbers are
/// positions in the session's declaration order). Append-only.
enum DimensionInterner {
    private struct ProductKey: Hashable {
        let a: Int32, b: Int32, sign: Rational
    }

    private static let lock = NSLock()
    private static let terms = Interner<[Dimension.Term]>(first: [])
    nonisolated(unsafe) private static var products: [ProductKey: Int32] = [:]
    /// Products and quotients (sign ±1, nearly all of them) keyed by one Int: a struct key's Hashable conformance
    /// costs a scan of the binary's conformance records on first use, which every process paid at start-up.
    nonisolated(unsafe) private static var plainProducts: [Int: Int32] = [:]

    /// `a`, `b` and the sign packed into one Int, or nil for any other exponent.
    private static func plainKey(_ a: Int32, _ b: Int32, _ sign: Rational) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let s: Int
        if sign == .one { s = 0 } else if sign == .minusOne { s = 1 } else { return nil }
        return Int(a) << 32 | Int(b) << 1 | s  // a < 2³¹ and b << 1 < 2³²: distinct keys for distinct triples
    }

    static func intern(_ t: [Dimension.Term]) -> Int32 { terms.intern(t) }

    static func terms(_ id: Int32) -> [Dimension.Term] { terms.item(id) }

    static func cachedProduct(_ a: Int32, _ b: Int32, _ sign: Rational) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let key = plainKey(a, b, sign) { return plainProducts[key] }
        return products[ProductKey(a: a, b: b, sign: sign)]
    }

    static func cacheProduct(_ a: Int32, _ b: Int32, _ sign: Rational, _ result: Int32) {
        lock.lock()
        if let key = plainKey(a, b, sign) { plainProducts[key] = result } else {
            products[ProductKey(a: a, b: b, sign: sign)] = result
        }
        lock.unlock()
    }
}
