@testable import KVLang
import XCTest

final class ParserTests: XCTestCase {
    func testJuxtapositionBindsTighterThanDivision() {
        // 80 GiB / 2 GPU is 80 GiB / (2 GPU) = 40 GiB per GPU.
        XCTAssertEqual(Eval.text("80 GiB / 2 GPU"), "40 GiB/GPU")
        XCTAssertEqual(Eval.text("128 KiB/token * 2 token"), "256 KiB")
    }

    func testConversionBindsLoosest() {
        XCTAssertEqual(Eval.text("1 GiB + 512 MiB -> MiB"), "1536 MiB")
        XCTAssertEqual(Eval.text("1 GiB + 512 MiB to MiB"), "1536 MiB")
    }

    func testArithmeticPrecedence() {
        XCTAssertEqual(Eval.text("1 + 2 * 3"), "7")
        XCTAssertEqual(Eval.text("-2^2"), "-4")
        XCTAssertEqual(Eval.text("2^3^2"), "512")
        XCTAssertEqual(Eval.text("(1 + 2) GiB"), "3 GiB")
        XCTAssertEqual(Eval.text("2 s^-1 * 3 s"), "6")
    }

    func testLogicPrecedence() {
        XCTAssertEqual(Eval.text("not 1 > 2 and 2 > 1 or false"), "true")
        XCTAssertEqual(Eval.text("if 1 GiB > 1 GB then \"binary is bigger\" else \"no\""), "binary is bigger")
    }

    func testStatementsSeparatedByNewlinesAndSemicolons() {
        XCTAssertEqual(Eval.text("let a = 2; let b = 3\na * b"), "6")
        XCTAssertEqual(Eval.text("let a = 1 +\n  2\na"), "3")
    }

    func testMultiLineRecordAndIf() {
        XCTAssertEqual(Eval.text("let m = {\n  layers: 32\n  heads: 8,\n}\nif m.layers > 16\nthen m.heads\nelse 0"), "8")
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertEqual(Eval.error(deep)?.kind, .limit)
        let unary = String(repeating: "-", count: 5000) + "1"
        XCTAssertEqual(Eval.error(unary)?.kind, .limit)
        let chain = Array(repeating: "1", count: 5000).joined(separator: " + ")
        XCTAssertEqual(Eval.text(chain), "5000")  // long flat chains are fine
        let longer = Array(repeating: "1", count: 30000).joined(separator: " + ")
        XCTAssertEqual(Eval.error(longer)?.kind, .limit)
        let fields = "{a: 1}" + String(repeating: " with {a: 2}", count: 30000)
        XCTAssertEqual(Eval.error(fields)?.kind, .limit)
    }

    func testSyntaxErrors() {
        XCTAssertEqual(Eval.error("if true then 1")?.message, "expected `else`: every `if` needs one, found end of input")
        XCTAssertEqual(Eval.error("1 < 2 < 3")?.message, "comparisons do not chain")
        XCTAssertEqual(Eval.error("f(a: 1, 2)")?.message, "a positional argument follows a named one")
        XCTAssertEqual(Eval.error("fn f(a = 1, b) = a")?.message,
                       "parameter `b` without a default follows one with a default")
        XCTAssertEqual(Eval.error("{a: 1, a: 2}")?.message, "field `a` appears twice")
        XCTAssertEqual(Eval.error("let if = 3")?.message, "`if` is a keyword, not a name")
    }
}
