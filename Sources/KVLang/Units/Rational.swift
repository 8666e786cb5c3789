/// An exact fraction for dimension exponents (`s^-1`, `B^(1/2)`). Arithmetic reports overflow as nil.
public struct Rational: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let num: Int
    public let den: Int

    public init?(_ num: Int, _ den: Int = 1) {
        guard den != 0, num != .min, den != .min else { return nil }
        var (n, d) = den < 0 ? (-num, -den) : (num, den)
        let g = Rational.gcd(abs(n), d)
        if g > 1 { n /= g; d /= g }
        self.num = n
        self.den = d
    }

    private init(unchecked num: Int, _ den: Int) {
        self.num = num
        self.den = den
    }

    public static let zero = Rational(unchecked: 0, 1)
    public static let one = Rational(unchecked: 1, 1)
    public static let minusOne = Rational(unchecked: -1, 1)

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return max(a, 1)
    }

    /// A Double that is a fraction with a small denominator (0.5, -1, 0.25), as exponents usually are.
    public init?(approximating x: Double) {
        guard x.isFinite, abs(x) < 1e6 else { return nil }
        for den in 1...12 {
            let n = (x * Double(den)).rounded()
            if abs(n / Double(den) - x) < 1e-12 { self.init(Int(n), den); return }
        }
        return nil
    }

    public var isZero: Bool { num == 0 }
    public var isInteger: Bool { den == 1 }
    public var doubleValue: Double { Double(num) / Double(den) }

    public static func + (a: Rational, b: Rational) -> Rational? {
        if a.den == 1 && b.den == 1 {
            let (s, o) = a.num.addingReportingOverflow(b.num)
            return o ? nil : Rational(unchecked: s, 1)
        }
        let (x, o1) = a.num.multipliedReportingOverflow(by: b.den)
        let (y, o2) = b.num.multipliedReportingOverflow(by: a.den)
        let (d, o3) = a.den.multipliedReportingOverflow(by: b.den)
        let (s, o4) = x.addingReportingOverflow(y)
        return o1 || o2 || o3 || o4 ? nil : Rational(s, d)
    }

    public static func * (a: Rational, b: Rational) -> Rational? {
        let (n, o1) = a.num.multipliedReportingOverflow(by: b.num)
        let (d, o2) = a.den.multipliedReportingOverflow(by: b.den)
        return o1 || o2 ? nil : Rational(n, d)
    }

    public static prefix func - (a: Rational) -> Rational { Rational(unchecked: -a.num, a.den) }

    public static func < (a: Rational, b: Rational) -> Bool { a.doubleValue < b.doubleValue }

    public var description: String { den == 1 ? "\(num)" : "\(num)/\(den)" }
}
