/// A product of base dimensions with rational exponents, e.g. Information·Token⁻¹. Base dimensions are numbered
/// in the order the stdlib declares them; the terms are kept sorted by that number, without zero exponents.
public struct Dimension: Hashable, Sendable {
    public struct Term: Hashable, Sendable {
        public let base: Int
        public let exponent: Rational
    }

    public let terms: [Term]

    public init(terms: [Term]) { self.terms = terms }

    public static let none = Dimension(terms: [])

    public static func base(_ index: Int) -> Dimension { Dimension(terms: [Term(base: index, exponent: .one)]) }

    public var isDimensionless: Bool { terms.isEmpty }

    /// The product of two dimensions; nil when an exponent overflows.
    public func multiplied(by other: Dimension, exponent sign: Rational = .one) -> Dimension? {
        if other.terms.isEmpty { return self }
        var out: [Term] = []
        out.reserveCapacity(terms.count + other.terms.count)
        var i = 0, j = 0
        while i < terms.count || j < other.terms.count {
            if j == other.terms.count || (i < terms.count && terms[i].base < other.terms[j].base) {
                out.append(terms[i]); i += 1
            } else {
                guard let scaled = other.terms[j].exponent * sign else { return nil }
                if i < terms.count && terms[i].base == other.terms[j].base {
                    guard let sum = terms[i].exponent + scaled else { return nil }
                    if !sum.isZero { out.append(Term(base: terms[i].base, exponent: sum)) }
                    i += 1
                } else {
                    out.append(Term(base: other.terms[j].base, exponent: scaled))
                }
                j += 1
            }
        }
        return Dimension(terms: out)
    }

    public func power(_ p: Rational) -> Dimension? {
        if p.isZero { return .none }
        var out: [Term] = []
        for t in terms {
            guard let e = t.exponent * p else { return nil }
            out.append(Term(base: t.base, exponent: e))
        }
        return Dimension(terms: out)
    }
}
