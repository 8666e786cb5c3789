import KVLang
import XCTest

/// `mod` and `div`: floored like Python's `%` and `//` on floats. The edge values are what CPython 3 prints for
/// the same operands (`python3 -c "print(repr(-7.5 % 2), repr(-7.5 // 2))"`).
final class ModDivTests: XCTestCase {
    func testHandValues() {
        // 130 s = 2 × 60 s + 10 s.
        XCTAssertEqual(Eval.text("mod(130 s, 60 s)"), "10 s")
        XCTAssertEqual(Eval.text("div(130 s, 60 s)"), "2")
        // The remainder keeps a's unit: 130 s − 2 × 1 min = 10 s.
        XCTAssertEqual(Eval.text("mod(130 s, 1 min)"), "10 s")
        // 2 h = 7200 s = 2 × 2700 s + 1800 s, printed in a's unit: 0.5 h.
        XCTAssertEqual(Eval.text("mod(2 h, 45 min)"), "0.5 h")
        // Floored: −7 = −3 × 3 + 2; 7 = −3 × −3 − 2; −7 = 2 × −3 − 1.
        XCTAssertEqual(Eval.text("[mod(-7, 3), div(-7, 3)]"), "[2, -3]")
        XCTAssertEqual(Eval.text("[mod(7, -3), div(7, -3)]"), "[-2, -3]")
        XCTAssertEqual(Eval.text("[mod(-7, -3), div(-7, -3)]"), "[-1, 2]")
        // 10 GiB of 3 GiB blocks: 3 whole blocks and 1 GiB over.
        XCTAssertEqual(Eval.text("[div(10 GiB, 3 GiB), mod(10 GiB, 3 GiB)]"), "[3, 1 GiB]")
        // A zero remainder is +0, not −0.
        XCTAssertEqual(Eval.text("mod(6, -3)"), "0")
    }

    func testAgainstPython() {
        let cases: [(String, Double)] = [
            ("mod(7.5, 2)", 1.5), ("div(7.5, 2)", 3), ("mod(-7.5, 2)", 0.5), ("div(-7.5, 2)", -4),
            ("mod(1e308, 7)", 3), ("div(1e308, 7)", 1.4285714285714286e+307),
            ("mod(-1e308, 3)", 1), ("div(-1e308, 3)", -3.333333333333333e+307),
            ("mod(0.3, 0.1)", 0.09999999999999998), ("div(0.3, 0.1)", 2),
            ("mod(1, 0.1)", 0.09999999999999995), ("div(1, 0.1)", 9),
            ("mod(-5e-324, 3)", 3), ("div(-5e-324, 3)", -1),
            ("mod(10000000000000002, 3)", 0), ("div(10000000000000002, 3)", 3333333333333334),
        ]
        for (program, python) in cases {
            XCTAssertEqual(Eval.quantity(program).0, python, program)
        }
    }

    func testDivTimesBPlusModIsA() {
        for (a, b) in [(130.0, 60.0), (-7, 3), (7, -3), (1e15 + 3, 7), (-0.75, 0.5)] {
            let (q, _) = Eval.quantity("div(\(a), \(b))"), (r, _) = Eval.quantity("mod(\(a), \(b))")
            XCTAssertEqual(q * b + r, a, accuracy: 1e-12 * abs(a), "\(a), \(b)")
        }
    }

    func testErrors() {
        let zero = Eval.error("mod(130 s, 0 s)")
        XCTAssertEqual(zero?.message, "mod by zero: `b` is zero")
        XCTAssertEqual(zero?.span.text, "0 s")
        XCTAssertEqual(Eval.error("div(1, 0)")?.message, "div by zero: `b` is zero")
        let mixed = Eval.error("mod(130 s, 1 GiB)")
        XCTAssertEqual(mixed?.message, "mod needs a and b of one dimension: a is Time, b is Information")
        XCTAssertEqual(mixed?.span.text, "1 GiB")
        XCTAssertEqual(mixed?.notes.first?.1.text, "130 s")
        XCTAssertEqual(Eval.error("div(1 s, 1)")?.message, "div needs a and b of one dimension: a is Time, b is Scalar")
        // 1e308 / 1e-308 is past the largest double.
        let overflow = Eval.error("div(1e308, 1e-308)")
        XCTAssertEqual(overflow?.message, "the quotient of div overflows (larger than 1.8e308)")
        XCTAssertEqual(overflow?.kind, .numeric)
        XCTAssertEqual(Eval.error("mod(\"7\", 3)")?.message, "`a` must be a number or quantity, not a string")
        XCTAssertEqual(Eval.error("mod([7], 3)")?.kind, .type)
        XCTAssertEqual(Eval.error("mod(7)")?.message, "missing argument `b` of mod")
    }
}
