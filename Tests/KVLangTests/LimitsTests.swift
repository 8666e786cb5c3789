@testable import KVLang
import KVRuntime
import XCTest

/// What a user can reach is bounded: printing is linear and depth-capped, statements cost O(1) bookkeeping,
/// lists, strings and records have size limits, and no value holds an infinity or NaN.
final class LimitsTests: XCTestCase {
    private func nested(_ depth: Int, _ wrap: (Value) -> Value) -> Value {
        var v = Value.number(1)
        for _ in 0..<depth { v = wrap(v) }
        return v
    }

    func testDeepListsPrintOnceEachLevelAndStopAtTheDepthLimit() {
        let s = Eval.session()
        let text = s.formatter.format(nested(1000) { .list([$0]) })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // 100 levels open on their own lines, the 101st prints as `[…]`, then 100 closing lines.
        let depth = ValueFormatter.maxDepth
        XCTAssertEqual(lines.count, 2 * depth + 1)
        XCTAssertEqual(lines[depth], Substring(String(repeating: " ", count: 2 * depth) + "[…]"))
        XCTAssertEqual(lines.first, "[")
        XCTAssertEqual(lines.last, "]")
        // A short deep value still prints on one line.
        XCTAssertEqual(s.formatter.format(nested(5) { .list([$0]) }), "[[[[[1]]]]]")
    }

    func testDeepRecordsPrintLinearly() {
        let s = Eval.session()
        let text = s.formatter.format(nested(1000) { .record(["k": $0]) })
        XCTAssertEqual(text.split(separator: "\n").count, 2 * ValueFormatter.maxDepth + 1)
        XCTAssertTrue(text.contains("k: {…}"))
        // In a table cell (one line, no width limit) the same value is one line.
        let cell = s.formatter.cell(nested(300) { .list([$0]) })
        XCTAssertEqual(cell, String(repeating: "[", count: 100) + "[…]" + String(repeating: "]", count: 100))
    }

    func testJSONOfDeepValues() throws {
        let s = Eval.session()
        XCTAssertEqual(try s.json.encode(nested(500) { .list([$0]) }),
                       String(repeating: "[", count: 500) + "1" + String(repeating: "]", count: 500))
        XCTAssertThrowsError(try s.json.encode(nested(2000) { .list([$0]) }))
        XCTAssertThrowsError(try s.json.encode(.number(.infinity)))
        XCTAssertThrowsError(try s.json.encode(.list([.number(.nan)])))
    }

    func testWideValuesPrintWholly() {
        // 20,000 items: each once, on its own line (too long for one).
        let s = Eval.session()
        let text = Eval.text("1..20000")
        XCTAssertEqual(text.split(separator: "\n").count, 20002)
        XCTAssertTrue(text.hasSuffix("  20,000\n]"))
        _ = s
    }

    func testManyStatementsRunInLinearTime() throws {
        // 40,000 statements used to copy the whole state before each one (> 10 s); now each costs O(1).
        let program = (0..<40_000).map { "let v\($0) = \($0) * 2" }.joined(separator: "\n") + "\nv39999 + v1"
        XCTAssertEqual(Eval.text(program), "80,000")  // 39,999 × 2 + 1 × 2
    }

    func testRollbackRestoresRebindingsDocsUnitsAndHostBindings() throws {
        let s = Eval.session()
        try s.run(SourceFile(name: "t", text: "## first\nlet x = 1\nunit widget = 3 B"))
        XCTAssertThrowsError(try s.runAtomically(SourceFile(name: "t", text: """
            ## second
            let x = 2
            unit gadget = 5 B
            dimension Colour
            let y = x
            1 / 0
            """)))
        XCTAssertEqual(s.formatter.format(s.interpreter.globals["x"]!), "1")
        XCTAssertEqual(s.interpreter.docs["x"], "first")
        XCTAssertNil(s.interpreter.globals["y"])
        XCTAssertNil(s.interpreter.units.unit(named: "gadget"))
        XCTAssertNil(s.interpreter.units.dimension(named: "Colour"))
        XCTAssertNotNil(s.interpreter.units.unit(named: "widget"))
        // What a host binds inside a snapshot is undone too (the REPL's `:load` binds `ans`).
        let before = s.interpreter.snapshot()
        s.interpreter.bind("ans", .number(7))
        s.interpreter.restore(before)
        XCTAssertNil(s.interpreter.globals["ans"])
        // With no snapshot alive the journal is empty: a long session does not keep old values alive.
        XCTAssertTrue(s.interpreter.journal.isEmpty)
        // A session keeps working after a rollback: units declared later are found and cached correctly.
        XCTAssertEqual(Eval.text("unit gadget = 5 B\n2 gadget -> B"), "10 B")
        try s.run(SourceFile(name: "t", text: "unit gadget = 5 B"))
        XCTAssertEqual(try s.run(SourceFile(name: "t", text: "2 gadget -> B")).map { s.formatter.format($0) }, ["10 B"])
    }

    func testNestedSnapshotsRollBackToTheirOwnPoint() throws {
        let s = Eval.session()
        let outer = s.interpreter.snapshot()
        try s.run(SourceFile(name: "t", text: "let a = 1"))
        let inner = s.interpreter.snapshot()
        try s.run(SourceFile(name: "t", text: "let a = 2\nlet b = 3"))
        s.interpreter.restore(inner)
        XCTAssertEqual(s.formatter.format(s.interpreter.globals["a"]!), "1")
        XCTAssertNil(s.interpreter.globals["b"])
        s.interpreter.restore(outer)
        XCTAssertNil(s.interpreter.globals["a"])
    }

    func testListStringAndRecordLimits() throws {
        // Doubling a list: 2^20 items joined with itself three times passes the 2^21 limit at the third `+`.
        let e = try XCTUnwrap(Eval.error("let l = 1..1048576\nlet l2 = l + l\nl2 + l"))
        XCTAssertEqual(e.kind, .limit)
        XCTAssertEqual(e.message, "the joined list would have 3145728 items, over the limit of 2097152")
        XCTAssertEqual(e.location?.line, 3)
        XCTAssertEqual(e.location?.column, 4)
        // A 16-byte string doubled 20 times is 16 MiB, the limit; once more is an error at that `+`.
        let doubling = "let s0 = \"0123456789abcdef\"\n" + (1...21).map { "let s\($0) = s\($0 - 1) + s\($0 - 1)" }
            .joined(separator: "\n")
        let s = try XCTUnwrap(Eval.error(doubling))
        XCTAssertEqual(s.message, "the joined string would be 33554432 bytes, over the limit of 16777216")
        XCTAssertEqual(s.location?.line, 22)
        XCTAssertEqual(Eval.error("1..3000000")?.message, "range of 3000000 items is longer than the limit of 2097152")
        let record = "{" + (0...Interpreter.maxRecordFields).map { "f\($0): 1" }.joined(separator: ", ") + "}"
        XCTAssertEqual(Eval.error(record)?.kind, .limit)
    }

    func testNonFiniteResultsAreErrorsAtTheOperation() throws {
        let cases: [(String, String, Int)] = [
            ("1e308 * 10", "the result of `*` overflows (larger than 1.8e308)", 7),
            ("-1e308 - 1e308", "the result of `-` overflows (larger than 1.8e308)", 8),
            ("1e308 + 1e308", "the result of `+` overflows (larger than 1.8e308)", 7),
            ("10 ^ 400", "the result of `^` overflows (larger than 1.8e308)", 4),
            ("1e308 EiB", "the result of `*` overflows (larger than 1.8e308)", 7),
            ("1 KiB^200", "the result of `^` overflows (larger than 1.8e308)", 6),
            ("1e200 B * 1e200 B", "the result of `*` overflows (larger than 1.8e308)", 9),
        ]
        for (program, message, column) in cases {
            let e = try XCTUnwrap(Eval.error(program), program)
            XCTAssertEqual(e.message, message, program)
            XCTAssertEqual(e.location?.column, column, program)
        }
        XCTAssertEqual(Eval.error("1e400")?.message, "number `1e400` is out of range")
        // The edges that are fine stay fine and print as themselves.
        XCTAssertEqual(Eval.text("1e308"), "1e308")
        XCTAssertEqual(Eval.text("-1e308"), "-1e308")
        XCTAssertEqual(Eval.text("5e-324"), "4.940656e-324")  // the smallest subnormal double, 4.9406564584e-324
        XCTAssertEqual(Eval.text("-0"), "0")
        XCTAssertEqual(Eval.text("0 * -1"), "0")
        XCTAssertEqual(Eval.json("1e308"), "1e+308")
        XCTAssertEqual(Eval.text("1e308 > 1e307"), "true")
        XCTAssertEqual(Eval.text("1e300 B -> EiB"), "8.673617e281 EiB")  // 1e300 / 2^60 = 8.6736174e281
        // Shown in a unit where the number would overflow or lose its digits, a value falls back to base units:
        // 1e308 is 1e310 %, past the largest double; 1e-310 B is 8.7e-329 EiB, a subnormal with 3 digits left.
        XCTAssertEqual(Eval.text("1e308 + 5 %"), "1e308")
        XCTAssertEqual(Eval.text("1e-310 B -> EiB"), "1e-310 B")
        XCTAssertEqual(Eval.text("1e-280 B -> EiB"), "8.673617e-299 EiB")
    }

    func testABuiltinsNonFiniteResultIsAnErrorAtTheCall() throws {
        let interpreter = Interpreter()
        interpreter.registerNative("huge") { _ throws(Diagnostic) in .list([.number(1), .number(.infinity)]) }
        interpreter.registerNative("nan") { _ throws(Diagnostic) in .record(["x": .number(.nan)]) }
        let program = try Parser.parse(SourceFile(name: "t", text: "native fn huge()\nnative fn nan()"))
        try interpreter.run(program) { _, _ in }
        for (call, message) in [("huge()", "the result of `huge` overflows (larger than 1.8e308)"),
                                ("nan()", "the result of `nan` is not a number")] {
            do {
                try interpreter.run(try Parser.parse(SourceFile(name: "t", text: call))) { _, _ in }
                XCTFail("\(call) should fail")
            } catch {
                XCTAssertEqual(error.message, message)
                XCTAssertEqual(error.span.text, call)
            }
        }
    }

    func testAUnitNameAfterANumberIsTheUnitForParametersAndGlobalsAlike() {
        XCTAssertEqual(Eval.text("fn f(s) = 3 s\nf(2)"), "3 s")
        XCTAssertEqual(Eval.text("let s = 2\n3 s"), "3 s")
        // Elsewhere the name is the variable, for both.
        XCTAssertEqual(Eval.text("fn f(s) = 3 * s\nf(2)"), "6")
        XCTAssertEqual(Eval.text("let s = 2\n3 * s"), "6")
        // A name that is not a unit is the variable after a number too, for both.
        XCTAssertEqual(Eval.text("fn g(x) = 3 x\ng(2)"), "6")
        XCTAssertEqual(Eval.text("let x = 2\n3 x"), "6")
    }

    func testADimensionDefinedFromAnUnknownOneSaysWhich() throws {
        let e = try XCTUnwrap(Eval.error("dimension Foo = Bar / Time"))
        XCTAssertEqual(e.message, "unknown dimension `Bar`")
        XCTAssertEqual(e.span.text, "Bar")
        XCTAssertEqual(Eval.error("dimension Time")?.message, "dimension `Time` is already declared")
    }
}
