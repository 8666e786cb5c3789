import KVLang
import XCTest

/// Named calls of natives (Calls.swift's evalNamedCall and callNative): the arguments a native sees, with their
/// spans, whichever way the call binds them; the errors of the general path; the finite check of the result.
final class NamedNativeCallTests: XCTestCase {
    /// A session with `echo`, whose result lists its arguments and the text of each one's span, and `bad`, whose
    /// result holds an infinity when asked.
    func interpreter() throws -> Interpreter {
        let i = Interpreter()
        i.registerNative("echo") { c throws(Diagnostic) in
            let f = ValueFormatter(units: c.interpreter.units)
            return .string(zip(c.arguments, c.spans).map { "\(f.format($0))@\($1.text)" }.joined(separator: " "))
        }
        i.registerNative("bad") { c throws(Diagnostic) in
            .record(["ok": .number(1), "x": c.arguments[0]])
        }
        let decls = """
            native fn echo(a, b = 2, c = "auto", d = true, e = b * 10)
            native fn bad(x = 1)
            """
        try i.run(try Parser.parse(SourceFile(name: "decl", text: decls))) { _, _ in }
        return i
    }

    func run(_ i: Interpreter, _ text: String) throws(Diagnostic) -> String {
        var out = ""
        try i.run(try Parser.parse(SourceFile(name: "t", text: text))) { v, _ in
            out = ValueFormatter(units: i.units).format(v)
        }
        return out
    }

    func testArgumentsAndSpansWhateverTheBinding() throws {
        let i = try interpreter()
        // e's default is an expression of b: the general path evaluates it in the frame. A defaulted argument's
        // span is the call.
        XCTAssertEqual(try run(i, "echo(1)"), "1@1 2@echo(1) auto@echo(1) true@echo(1) 20@echo(1)")
        XCTAssertEqual(try run(i, "echo(7, c: \"x\")"),
                       "7@7 2@echo(7, c: \"x\") x@\"x\" true@echo(7, c: \"x\") 20@echo(7, c: \"x\")")
        XCTAssertEqual(try run(i, "echo(b: 3, a: 4)"),
                       "4@4 3@3 auto@echo(b: 3, a: 4) true@echo(b: 3, a: 4) 30@echo(b: 3, a: 4)")
        // Every parameter without a literal default given: the argument list is built from the defaults.
        XCTAssertEqual(try run(i, "echo(a: 5, e: 6, d: false)"),
                       "5@5 2@echo(a: 5, e: 6, d: false) auto@echo(a: 5, e: 6, d: false) false@false 6@6")
        XCTAssertEqual(try run(i, "fn g(n) = echo(n, e: n + 1)\ng(1)"), "1@n 2@echo(n, e: n + 1) auto@echo(n, e: n + 1) true@echo(n, e: n + 1) 2@n + 1")
    }

    /// A native that keeps its argument list (here, returns it) keeps what it was given: the list the next call
    /// reuses is copied before it is written. Nested calls of the same native each get their own.
    func testAKeptArgumentListIsNotChangedByLaterCalls() throws {
        let i = try interpreter()
        i.registerNative("keep") { c throws(Diagnostic) in .list(c.arguments) }
        i.registerNative("twice") { c throws(Diagnostic) in
            guard case .function(let f) = c.arguments[1] else { return .number(0) }
            return .list([c.arguments[0], try c.call(f, c.arguments[0], at: 0)])
        }
        try i.run(try Parser.parse(SourceFile(name: "d", text: "native fn keep(x, y = 0)\nnative fn twice(n, f = 0)"))) { _, _ in }
        XCTAssertEqual(try run(i, "let a = keep(x: 1, y: 5)\nlet b = keep(x: 2)\nlet c = keep(x: 3, y: 4)\n[a, b, c]"),
                       "[[1, 5], [2, 0], [3, 4]]")
        XCTAssertEqual(try run(i, "twice(n: 1, f: fn(m) = twice(n: m + 1, f: fn(k) = k * 10))"), "[1, [2, 20]]")
        XCTAssertEqual(try run(i, "twice(n: 7)"), "0")
    }

    func testBindingErrorsAreTheGeneralPaths() throws {
        let i = try interpreter()
        let cases: [(String, String, String)] = [
            ("echo(1, f: 2)", "echo has no parameter `f`", "f"),
            ("echo(1, a: 2)", "argument `a` is given twice", "a"),
            ("echo(b: 1)", "missing argument `a` of echo", "echo(b: 1)"),
            ("echo(1, 2, 3, 4, 5, 6)", "echo takes 5 arguments, but got 6", "6"),
        ]
        for (call, message, culprit) in cases {
            XCTAssertThrowsError(try run(i, call), call) { e in
                XCTAssertEqual((e as? Diagnostic)?.message, message, call)
                XCTAssertEqual((e as? Diagnostic)?.span.text, culprit, call)
            }
        }
        // An argument that fails is reported before a later one is evaluated.
        XCTAssertThrowsError(try run(i, "echo(a: 1 / 0, b: nope)")) { e in
            XCTAssertEqual((e as? Diagnostic)?.span.text, "/")
        }
    }

    func testANonFiniteResultIsAnErrorAtTheNamedCall() throws {
        let i = try interpreter()
        XCTAssertEqual(try run(i, "bad(x: 3).x"), "3")
        XCTAssertThrowsError(try run(i, "bad(x: 1e308 * 10)"))  // the argument's own overflow
        i.registerNative("inf") { _ throws(Diagnostic) in .record(["ok": .number(1), "x": .number(.infinity)]) }
        try i.run(try Parser.parse(SourceFile(name: "d", text: "native fn inf(y = 1)"))) { _, _ in }
        XCTAssertThrowsError(try run(i, "inf(y: 2)")) { e in
            XCTAssertEqual((e as? Diagnostic)?.message, "the result of `inf` overflows (larger than 1.8e308)")
            XCTAssertEqual((e as? Diagnostic)?.span.text, "inf(y: 2)")
        }
    }
}
