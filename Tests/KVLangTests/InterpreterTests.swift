@testable import KVLang
import XCTest

final class InterpreterTests: XCTestCase {
    func testIssueKVFunctionExample() {
        // 2 × 40 layers × 8 heads × 128 dims × 2 B = 163,840 B = 160 KiB per token.
        let program = """
            fn kv(m, bytes = 2 B) = 2 * m.layers * m.kv_heads * m.head_dim * bytes / token
            kv({layers: 32, kv_heads: 8, head_dim: 128} with {layers: 40})
            """
        XCTAssertEqual(Eval.text(program), "160 KiB/token")
    }

    func testFunctionsDefaultsAndNamedArguments() {
        let defs = "fn f(a, b = 10, c = 100) = a + b + c\n"
        XCTAssertEqual(Eval.text(defs + "f(1)"), "111")
        XCTAssertEqual(Eval.text(defs + "f(1, c: 0)"), "11")
        XCTAssertEqual(Eval.text(defs + "f(c: 0, a: 2, b: 3)"), "5")
        XCTAssertEqual(Eval.error(defs + "f(1, d: 2)")?.message, "f has no parameter `d`")
        XCTAssertEqual(Eval.error(defs + "f(b: 2)")?.message, "missing argument `a` of f")
        XCTAssertEqual(Eval.error(defs + "f(1, a: 2)")?.message, "argument `a` is given twice")
        XCTAssertEqual(Eval.error(defs + "f(1, 2, 3, 4)")?.message, "f takes 3 arguments, but got 4")
    }

    func testDefaultsSeeLaterDefinitions() {
        XCTAssertEqual(Eval.text("fn f(x = y) = x\nlet y = 5\nf()"), "5")
    }

    func testDefaultsMayUseEarlierParametersOnly() {
        XCTAssertEqual(Eval.text("fn f(a, b = a * 2) = a + b\nf(3)"), "9")
        XCTAssertEqual(Eval.error("fn f(a = b, b = 1) = a")?.message, "the default refers to `b`, which is not bound yet")
    }

    func testClosuresCaptureThroughSeveralLevels() {
        let program = "fn outer(a) = fn(b) = fn(c) = a * 100 + b * 10 + c\nlet g = outer(1)(2)\n[g(3), g(4)]"
        XCTAssertEqual(Eval.text(program), "[123, 124]")
        XCTAssertEqual(Eval.text("fn scale(k) = map([1, 2], fn(x) = x * k)\nscale(3 GiB)"), "[3 GiB, 6 GiB]")
    }

    func testParametersShadowUnits() {
        XCTAssertEqual(Eval.text("fn f(s) = s * 2\nf(3)"), "6")
        // A variable may take a unit's name; after a number or `->` the name is still the unit.
        XCTAssertEqual(Eval.text("let s = 3\ns * 2"), "6")
        XCTAssertEqual(Eval.text("let s = 3\ns * 2 s"), "6 s")
        XCTAssertEqual(Eval.text("let s = 3\n120 s -> min"), "2 min")
        XCTAssertEqual(Eval.error("let sqrt = 3")?.message, "`sqrt` is a builtin function")
    }

    func testFunctionsAreValues() {
        XCTAssertEqual(Eval.text("fn double(x) = 2 * x\nmap([1, 2, 3], double)"), "[2, 4, 6]")
        XCTAssertEqual(Eval.text("fn twice(f, x) = f(f(x))\ntwice(fn(x) = x + 1 GiB, 0 GiB)"), "2 GiB")
        XCTAssertEqual(Eval.text("fn adder(n) = fn(x) = x + n\nlet add3 = adder(3)\nadd3(4)"), "7")
        XCTAssertEqual(Eval.text("filter(1..10, fn(x) = x > 7)"), "[8, 9, 10]")
        XCTAssertEqual(Eval.text("fn f(x, y = 2) = x * y\nf"), "<fn f(x, y = 2)>")
    }

    func testRecords() {
        let m = "let m = {layers: 32, kv_heads: 8, head_dim: 128}\n"
        XCTAssertEqual(Eval.text(m + "m.layers * m.kv_heads"), "256")
        XCTAssertEqual(Eval.text(m + "(m with {kv_heads: 64}).kv_heads"), "64")
        XCTAssertEqual(Eval.text(m + "fields(m)"), "[\"layers\", \"kv_heads\", \"head_dim\"]")
        XCTAssertEqual(Eval.text(m + "m[\"head_dim\"]"), "128")
        XCTAssertEqual(Eval.error(m + "m.kv_head")?.hint, "did you mean `kv_heads`?")
        XCTAssertEqual(Eval.error(m + "m with {kv_head: 1}")?.message, "the record has no field `kv_head` to update")
        XCTAssertEqual(Eval.text(m + "m == (m with {layers: 32})"), "true")
    }

    func testListsAndRanges() {
        XCTAssertEqual(Eval.text("[1, 8, 32][1]"), "8")
        XCTAssertEqual(Eval.text("[1, 8, 32][-1]"), "32")
        XCTAssertEqual(Eval.text("len(1..128)"), "128")
        XCTAssertEqual(Eval.text("sum(1..100)"), "5050")
        XCTAssertEqual(Eval.text("sum([1 GiB, 512 MiB])"), "1.5 GiB")
        XCTAssertEqual(Eval.text("[1 GiB, 2 GiB] -> MiB"), "[1024 MiB, 2048 MiB]")
        XCTAssertEqual(Eval.text("max([3 s, 2 min, 10 s])"), "2 min")
        XCTAssertEqual(Eval.text("min(2 GB, 1 GiB)"), "1 GiB")
        XCTAssertEqual(Eval.text("5..1"), "[]")
        XCTAssertEqual(Eval.error("[1, 2][2]")?.message, "index 2 is outside the list (length 2)")
        XCTAssertEqual(Eval.error("1..1e12")?.kind, .limit)
    }

    func testConditionalsAndLogic() {
        XCTAssertEqual(Eval.text("if 80 GiB > 70 GB then \"fits\" else \"no\""), "fits")
        XCTAssertEqual(Eval.error("if 1 then 2 else 3")?.message, "`if` needs true or false, not a number")
        // `and` short-circuits: the right side is not evaluated.
        XCTAssertEqual(Eval.text("false and (1 / 0 > 0)"), "false")
        XCTAssertEqual(Eval.text("\"kv\" + \"calc\""), "kvcalc")
    }

    func testNumericEdgeCasesAreCleanErrors() {
        XCTAssertEqual(Eval.error("1 / 0")?.message, "division by zero")
        XCTAssertEqual(Eval.error("1 GiB / (0 s)")?.message, "division by zero")
        XCTAssertEqual(Eval.error("1e308 * 10")?.message, "the result of `*` overflows (larger than 1.8e308)")
        XCTAssertEqual(Eval.error("(-8)^0.5")?.message, "the result of `^` is not a number")
        XCTAssertEqual(Eval.error("sqrt(-1)")?.message, "the square root of a negative number")
        XCTAssertEqual(Eval.error("ln(0)")?.message, "ln of this number is not finite")
        XCTAssertEqual(Eval.error("2^2000")?.kind, .numeric)
    }

    func testRunawayRecursionIsAnError() {
        let e = Eval.error("fn f(n) = f(n + 1)\nf(0)")
        XCTAssertEqual(e?.kind, .limit)
        XCTAssertEqual(Eval.text("fn fact(n) = if n <= 1 then 1 else n * fact(n - 1)\nfact(20)"),
                       "2.432902e18")
    }

    func testAFailedStatementChangesNothing() throws {
        let s = Eval.session()
        XCTAssertThrowsError(try s.run(SourceFile(name: "t", text: "let x = 1 GiB + 1 s")))
        XCTAssertNil(s.interpreter.globals["x"])
        // A whole REPL entry is one transaction.
        XCTAssertThrowsError(try s.runAtomically(SourceFile(name: "t", text: "let y = 1\nlet z = 1 / 0")))
        XCTAssertNil(s.interpreter.globals["y"])
        XCTAssertThrowsError(try s.runAtomically(SourceFile(name: "t", text: "unit zz = 3 B\n1 +")))
        XCTAssertNil(s.interpreter.units.unit(named: "zz"))
    }

    func testDimensionMismatchNamesBothSides() throws {
        let e = try XCTUnwrap(Eval.error("2 GB + 3 tokens"))
        XCTAssertEqual(e.message, "cannot add Information and Token")
        XCTAssertEqual(e.location?.line, 1)
        XCTAssertEqual(e.location?.column, 6)
    }

    func testUnknownNamesSuggest() {
        XCTAssertEqual(Eval.error("3 gib")?.hint, "did you mean `GiB`?")
        XCTAssertEqual(Eval.error("let layers = 3\nlayer * 2")?.hint, "did you mean `layers`?")
    }

    func testAssertions() {
        XCTAssertEqual(Eval.text("assert_eq(1 GiB, 1024 MiB)"), "true")
        XCTAssertEqual(Eval.error("assert_eq(1 GiB, 1 GB)")?.message,
                       "assertion failed: 1 GiB ≠ 1 GB (difference 70.32568 MiB)")  // 1,073,741,824 − 10⁹ = 73,741,824 B
        XCTAssertEqual(Eval.text("assert_eq(1 GiB, 1.07 GB, tol: 0.01)"), "true")
        XCTAssertEqual(Eval.error("assert(1 > 2)")?.message, "assertion failed: 1 > 2")
        XCTAssertEqual(Eval.error("assert_eq(1 GiB, 1 s)")?.kind, .dimension)
    }
}
