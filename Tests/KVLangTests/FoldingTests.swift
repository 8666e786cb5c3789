@testable import KVLang
import XCTest

/// Constant folding and the operand memos (Interpreter/Folding.swift, Units/OperandCache.swift) must give the same
/// values, display units and errors as plain evaluation, on the first call and on every later one, and must
/// notice when a global they depend on changes.
final class FoldingTests: XCTestCase {
    func testUnitLiteralsGiveTheSameResultOnEveryCall() {
        // (20 GiB − 16 GiB) / 128 KiB/token = 4 × 2^30 / 2^17 = 32,768 tokens; / 2000 token/conv = 16.384 conv.
        let f = "fn f(mem) = (mem - 16 GiB) / (128 KiB/token)\nfn g(mem) = f(mem) / (2000 token/conv)\n"
        XCTAssertEqual(Eval.text(f + "[f(20 GiB), f(20 GiB), f(17 GiB)]"), "[32,768 token, 32,768 token, 8192 token]")
        XCTAssertEqual(Eval.text(f + "map([20 GiB, 20 GiB], g)"), "[16.384 conv, 16.384 conv]")
        // A dimension error inside a folded expression still names both sides, on every call.
        let bad = "fn h(x) = x + 2 GiB / (1 s)\nlet a = 1\n"
        XCTAssertEqual(Eval.error(bad + "h(1 s)")?.message, "cannot add Time and Bandwidth (Information/Time)")
    }

    func testAFoldedGlobalFollowsItsRebinding() {
        // The function folds `k` (a global) on the first call; rebinding `k` must be seen by the next one.
        XCTAssertEqual(Eval.text("let k = 2 GiB\nfn f(x) = x * k\nlet a = f(1)\nk = 3 GiB\n[a, f(1)]"), "[2 GiB, 3 GiB]")
        XCTAssertEqual(Eval.text("fn f(x) = x * k\nlet k = 2\nlet a = f(1)\nk = 5\n[a, f(1)]"), "[2, 5]")
    }

    func testWhereLocalsAreNeverFolded() {
        // `per` is a local (a frame slot), different on each call, even where a global has its name.
        XCTAssertEqual(Eval.text("fn f(n) = per + n where per = 10 * n\n[f(1), f(2), f(1)]"), "[11, 22, 11]")
        XCTAssertEqual(Eval.text("let per = 100\nfn f(n) = per + n where per = 10 * n\n[f(1), f(2), per]"),
                       "[11, 22, 100]")
        XCTAssertEqual(Eval.text("fn f(n) = per * n where per = 2 KiB/token\n[f(1 token), f(3 token)]"),
                       "[2 KiB, 6 KiB]")
    }

    func testAFoldedFunctionNameFollowsItsRebinding() {
        XCTAssertEqual(Eval.text("let op = min\nfn f(a, b) = op(a, b)\nlet x = f(1, 2)\nop = max\n[x, f(1, 2)]"), "[1, 2]")
    }

    func testMinAndMaxOfTwoQuantities() {
        // Equal values (120 s = 2 min): the first one wins, with its display unit.
        XCTAssertEqual(Eval.text("min(120 s, 2 min)"), "120 s")
        XCTAssertEqual(Eval.text("min(2 min, 120 s)"), "2 min")
        XCTAssertEqual(Eval.text("max(120 s, 2 min)"), "120 s")
        XCTAssertEqual(Eval.text("max(2 min, 120 s)"), "2 min")
        XCTAssertEqual(Eval.text("min(3 s, 2 min)"), "3 s")
        XCTAssertEqual(Eval.text("max(3 s, 2 min)"), "2 min")
        XCTAssertEqual(Eval.text("fn hr(x) = min(1, x / (10 token))\nmap([5 token, 20 token], hr)"), "[0.5, 1]")
        XCTAssertEqual(Eval.text("min([3, 1, 2])"), "1")
        XCTAssertEqual(Eval.error("max(2, [])")?.message, "`a` must be a list, not a number")
        let e = Eval.error("min(1 GiB, 2 s)")
        XCTAssertEqual(e?.message, "cannot compare Time and Information")
        XCTAssertEqual(Eval.error("min(1 GiB, \"a\")")?.message, "`<` does not apply to a string and a quantity")
    }

    func testMinAndMaxStillCountAgainstTheCallBudget() {
        let s = Eval.session()
        s.interpreter.callBudget = 3
        XCTAssertThrowsError(try s.run(SourceFile(name: "<test>", text: "[min(1, 2), max(1, 2), min(3, 4), max(3, 4)]")))
        s.interpreter.callBudget = 4
        XCTAssertNoThrow(try s.run(SourceFile(name: "<test>", text: "[min(1, 2), max(1, 2), min(3, 4), max(3, 4)]")))
    }

    func testOperandCacheIsAMemo() {
        let c = OperandCache()
        XCTAssertNil(c.lookup(3, 4, divide: false))
        c.store(3, 4, divide: false, 9)
        c.store(3, 4, divide: true, -1)
        XCTAssertEqual(c.lookup(3, 4, divide: false), 9)
        XCTAssertEqual(c.lookup(3, 4, divide: true), -1)
        XCTAssertNil(c.lookup(4, 3, divide: false))
        c.clear()
        XCTAssertNil(c.lookup(3, 4, divide: false))
    }
}
