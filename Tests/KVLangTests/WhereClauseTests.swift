@testable import KVLang
import XCTest

/// `where` clauses: what they compute, the order they see each other in, closures over them, line breaks, and
/// every error with its place.
final class WhereClauseTests: XCTestCase {
    private let llama = "let m = {layers: 32, kv_heads: 8, head_dim: 128}\n"

    func testTheIssueExampleInOrder() {
        // 2 × 32 layers × 8 heads × 128 dims × 2 B/token = 131,072 B/token = 128 KiB/token; × 8 Ki tokens = 1 GiB.
        let program = llama + """
            fn kv(m, n) = per * n where bytes = 2 B/token and per = 2 * m.layers * m.kv_heads * m.head_dim * bytes
            kv(m, 8 Ki tokens) -> GiB
            """
        XCTAssertEqual(Eval.text(program), "1 GiB")
    }

    func testClausesOnTheirOwnLinesWithCommentsBetween() {
        let program = llama + """
            fn kv(m, n) = per * n
              where bytes = 2 B/token   # bf16

                # the cache one token costs
                and per = 2 * m.layers * m.kv_heads * m.head_dim * bytes
            kv(m, 2 tokens)
            """
        XCTAssertEqual(Eval.text(program), "256 KiB")
    }

    func testLaterClausesSeeEarlierOnesAndParameters() {
        // a = 3 + 1 = 4, b = 4 * 3 = 12, c = 12 - 4 = 8; body 8 + 3 = 11.
        XCTAssertEqual(Eval.text("fn f(x) = c + x where a = x + 1 and b = a * x and c = b - a\nf(3)"), "11")
    }

    func testClausesShadowGlobalsAndUnits() {
        XCTAssertEqual(Eval.text("let k = 100\nfn f(x) = x * k where k = 2\n[f(3), k]"), "[6, 100]")
        // A clause may take a unit's name; after a number the name is still the unit, as for parameters.
        XCTAssertEqual(Eval.text("fn f(x) = x * s + 1 s where s = 2\nf(3 s)"), "7 s")
    }

    func testDefaultsAndNamedArgumentsAndNativeCallers() {
        let f = "fn f(a, b = 10) = a + d where d = b * 2\n"
        XCTAssertEqual(Eval.text(f + "f(1)"), "21")
        XCTAssertEqual(Eval.text(f + "f(b: 1, a: 5)"), "7")
        // map calls it through Interpreter.call: each item gets its own frame with its own clause values.
        XCTAssertEqual(Eval.text(f + "map([1, 2, 3], f)"), "[21, 22, 23]")
    }

    func testClosuresInClausesCapture() {
        // k = 20 is captured by g when clause g is evaluated; g(1) = 21.
        XCTAssertEqual(Eval.text("fn f(x) = g(1) where k = x * 2 and g = fn(y) = y + k\nf(10)"), "21")
        // A returned closure keeps the values of the call that made it.
        let adders = "fn adder(n) = add where step = n * 10 and add = fn(x) = x + step\n"
        XCTAssertEqual(Eval.text(adders + "let a = adder(1)\nlet b = adder(2)\n[a(1), b(1), a(2)]"), "[11, 21, 12]")
        // A lambda in the body captures a clause.
        XCTAssertEqual(Eval.text("fn scale(xs) = map(xs, fn(x) = x * k) where k = 3 GiB\nscale([1, 2])"),
                       "[3 GiB, 6 GiB]")
    }

    func testLambdasTakeWhereClauses() {
        XCTAssertEqual(Eval.text("map([1, 2], fn(x) = y * y where y = x + 1)"), "[4, 9]")
        XCTAssertEqual(Eval.text("let sq = fn(x) = y where y = x * x\nsq(7)"), "49")
        // A lambda's own clauses and its enclosing function's, three levels deep: (1*100 + 2*10 + 3) = 123.
        let nested = "fn outer(a) = fn(b) = fn(c) = h + c where h = a100 + b * 10 where a100 = a * 100\n"
        XCTAssertEqual(Eval.text(nested + "outer(1)(2)(3)"), "123")
    }

    func testBooleanAndInsideAClause() {
        // `and` followed by `name =` starts a clause; any other `and` is the operator.
        let f = "fn inside(x) = ok where lo = 1 and ok = x > lo and x < 5\n"
        XCTAssertEqual(Eval.text(f + "[inside(3), inside(7), inside(0)]"), "[true, false, false]")
        let multiline = "fn inside(x) = ok\n  where ok = x > 1 and\n    x < 5\ninside(3)"
        XCTAssertEqual(Eval.text(multiline), "true")
    }

    func testClauseBoundaries() throws {
        // Where each clause ends: after `->`, a lambda, an `if`, a record; the declaration spans all clauses.
        let source = "fn f(x) = [a, g(1), c, d.k]\n  where a = 1 GiB -> MiB and g = fn(y) = y * 2\n"
            + "  and c = if x > 0 then 1 else 2 and d = {k: x}"
        let program = try Parser.parse(SourceFile(name: "<test>", text: source))
        guard case .function(let decl)? = program.statements.first else { return XCTFail("not a function") }
        XCTAssertEqual(program.statements.count, 1)
        XCTAssertEqual(decl.clauses.map(\.name), ["a", "g", "c", "d"])
        XCTAssertEqual(decl.clauses.map(\.value.span.text),
                       ["1 GiB -> MiB", "fn(y) = y * 2", "if x > 0 then 1 else 2", "{k: x}"])
        XCTAssertEqual(decl.span.text, source)
        XCTAssertEqual(Eval.text(source + "\nf(3)"), "[1024 MiB, 2, 1, 3]")
    }

    func testRecursionWithClauses() {
        // Clauses are evaluated eagerly, so the recursive call stays in the body's branch: 5! = 120.
        XCTAssertEqual(Eval.text("fn fact(n) = if n <= 1 then 1 else n * fact(less) where less = n - 1\nfact(5)"), "120")
        // Put in a clause, the call runs even in the base case and never ends.
        let eager = Eval.error("fn fact(n) = if n <= 1 then 1 else n * r where r = fact(n - 1)\nfact(3)")
        XCTAssertEqual(eager?.kind, .limit)
    }

    func testEachCallHasItsOwnSlots() {
        // The recursive call returns before `m` is read: each frame must still hold its own m. 30 + 20 + 10 = 60.
        XCTAssertEqual(Eval.text("fn g(n) = if n == 0 then 0 else g(n - 1) + m where m = n * 10\ng(3)"), "60")
    }

    // MARK: - Errors, each at its place

    private func check(_ source: String, message: String, at text: String, hint: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) {
        guard let d = Eval.error(source, file: file, line: line) else { return }
        XCTAssertEqual(d.message, message, file: file, line: line)
        XCTAssertEqual(d.span.text, text, file: file, line: line)
        if let hint { XCTAssertEqual(d.hint, hint, file: file, line: line) }
    }

    func testUsedBeforeItsClause() {
        check("fn kv(m, n) = per * n where per = 2 * m.layers * bytes and bytes = 2 B/token",
              message: "`bytes` is used before its where clause defines it", at: "bytes",
              hint: "clauses are evaluated in order: move `bytes = …` before `per = …`")
        // Even when a global of that name exists: inside the function the name is the clause.
        check("let bytes = 1\nfn f(x) = a where a = bytes and bytes = 2",
              message: "`bytes` is used before its where clause defines it", at: "bytes")
        // From inside a lambda, which would capture it before it is set.
        check("fn f(x) = g(1) where g = fn(y) = y + k and k = 2",
              message: "`k` is used before its where clause defines it", at: "k")
    }

    func testSelfReferenceAndDefaults() {
        check("fn f(x) = a where a = a + 1", message: "`a` is used in its own where clause", at: "a")
        check("fn f(x, y = a) = a where a = 1", message: "a default cannot use `a`, a where clause of the function",
              at: "a")
    }

    func testShadowingDuplicatesAndUnused() {
        check("fn f(x) = x where x = 2", message: "`x` is a parameter; a where clause cannot redefine it", at: "x")
        check("fn f(x) = a where a = 1 and a = 2", message: "`a` is defined twice in this where clause", at: "a")
        check("fn f(x) = x where y = 2", message: "`y` is defined but never used", at: "y",
              hint: "use it in the body or a later clause, or remove it")
        // Unused because its only use is misspelt: the hint names the slip.
        check("fn f(x) = a where a = x * bytss and bytes = 2", message: "`bytes` is defined but never used",
              at: "bytes", hint: "did you mean `bytes` instead of `bytss`?")
        // In a lambda too, when it is created.
        check("map([1], fn(x) = x where y = 2)", message: "`y` is defined but never used", at: "y")
    }

    func testUnknownNameSuggestsTheLocal() {
        // `byts` could be a global defined later, so the error comes when the function runs.
        let program = "fn f(x) = a + bytes where bytes = 2 and a = x * byts\nf(1)"
        check(program, message: "unknown name `byts`", at: "byts", hint: "did you mean `bytes`?")
        // Parameters are suggested the same way.
        check("fn f(length) = lenght * 2\nf(1)", message: "unknown name `lenght`", at: "lenght",
              hint: "did you mean `length`?")
        // A global defined after the function is not an error.
        XCTAssertEqual(Eval.text("fn f(x) = a where a = x * later\nlet later = 3\nf(2)"), "6")
    }

    func testSyntaxErrors() {
        check("fn f(x) = x where", message: "expected `name = value` after `where`, found end of input", at: "where")
        check("fn f(x) = a where a = 1 b = 2", message: "expected `and` between where clauses, found `b`", at: "b")
        check("fn f(x) = a where a == 1", message: "expected `=` after `a` in the where clause, found `==`", at: "==")
        check("fn f(x) = a where a = 1 and", message: "`and` needs something after it", at: "and")
        check("fn f(x) = a where let = 1", message: "`let` is a keyword, not a name", at: "let")
        check("let where = 1", message: "`where` is a keyword, not a name", at: "where")
    }

    func testWhereOnlyFollowsFunctions() {
        let message = "`where` belongs to a function: it names values after the function's body"
        check("x * 2 where x = 3", message: message, at: "where")
        check("let y = x * 2 where x = 3", message: message, at: "where")
        check("where x = 3", message: message, at: "where")
        check("let z = true and b = 2", message: "expected end of statement, found `and`", at: "and")
        check("fn f(x) = ok\n  where ok = x > 1\n  and x < 5", message: "expected an expression, found `and`", at: "and")
    }

    func testManyClausesResolveInLinearTime() {
        // 20,000 clauses, each using the one before: a quadratic scan would take minutes.
        var source = "fn f(x) = c19999 where c0 = x"
        for i in 1..<20_000 { source += " and c\(i) = c\(i - 1) + 1" }
        let start = Date()
        XCTAssertEqual(Eval.text(source + "\nf(1)"), "20,000")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }
}
