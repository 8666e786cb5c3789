import KVLang
import Foundation

/// `mod` and `div`: floored division of two quantities of one dimension, as Python's `%` and `//` on floats
/// (the remainder takes the sign of the divisor; the quotient rounds toward −∞), so `div(a, b) * b + mod(a, b)`
/// is `a` up to rounding. Declared in stdlib/core.kv.
enum RemainderBuiltins {
    static let specs: [BuiltinSpec] = [
        BuiltinSpec("mod", ab) { a throws(Diagnostic) in
            let (x, y) = try operands(&a)
            // Keeps a's display unit: mod(130 s, 1 min) prints 10 s.
            return .quantity(Quantity(floored(x.value, y.value).remainder, x.dimension, display: x.display))
        },
        BuiltinSpec("div", ab) { a throws(Diagnostic) in
            let (x, y) = try operands(&a)
            let q = floored(x.value, y.value).quotient
            guard q.isFinite else {
                throw a.error("the quotient of div overflows (larger than 1.8e308)", kind: .numeric)
            }
            return .quantity(Quantity(q))
        },
    ]

    private static let ab = [ParameterSpec("a", .quantity), ParameterSpec("b", .quantity)]

    /// Both operands, finite (by their kind), of one dimension, with a non-zero divisor.
    private static func operands(_ a: inout Arguments) throws(Diagnostic) -> (Quantity, Quantity) {
        let x = try a.quantity("a"), y = try a.quantity("b")
        if x.dimension != y.dimension {
            let units = a.interpreter.units
            let l = units.name(of: x.dimension), r = units.name(of: y.dimension)
            throw Diagnostic(.dimension, "\(a.spec.name) needs a and b of one dimension: a is \(l), b is \(r)",
                             at: a.span("b"), notes: [("`a` is \(l)", a.span("a"))])
        }
        guard y.value != 0 else {
            throw a.error("\(a.spec.name) by zero: `b` is zero", at: "b", kind: .numeric)
        }
        return (x, y)
    }

    /// CPython's float divmod (floatobject.c): fmod is exact; the quotient is derived from it and rounded to the
    /// nearest whole number, which floor alone can miss by one.
    static func floored(_ x: Double, _ y: Double) -> (quotient: Double, remainder: Double) {
        var mod = fmod(x, y)
        var div = (x - mod) / y
        if mod != 0 {
            if (y < 0) != (mod < 0) {
                mod += y
                div -= 1
            }
        } else {
            mod = 0  // +0, not −0: mod(6, -3) prints 0
        }
        var quotient = 0.0
        if div != 0 {
            quotient = div.rounded(.down)
            if div - quotient > 0.5 { quotient += 1 }
        }
        return (quotient, mod)
    }
}
