import KVRepl
import XCTest

/// When the REPL waits for another line.
final class ContinuationTests: XCTestCase {
    func testOpenBrackets() {
        XCTAssertTrue(Continuation.needsMore("(1 +"))
        XCTAssertTrue(Continuation.needsMore("map([1, 2,"))
        XCTAssertTrue(Continuation.needsMore("let r = {"))
        XCTAssertTrue(Continuation.needsMore("f(g(1)"))
        XCTAssertFalse(Continuation.needsMore("f(g(1))"))
    }

    func testTrailingOperatorsAndKeywords() {
        for entry in ["1 +", "1 -", "2 *", "3 /", "2 ^", "let x =", "x ->", "1 <", "a ==", "1..", "x and",
                      "if x then", "if x then 1 else", "m with", "x to", "1 + \\", "fn f(x) = y where",
                      "fn f(x) = y where y = 1 and"] {
            XCTAssertTrue(Continuation.needsMore(entry), entry)
        }
        for entry in ["1 + 2", "5 %", "x", "let total = 3", "tokens", "\"a +\"", "1 # +", "80 GiB",
                      "fn f(x) = y where y = x", "elsewhere"] {
            XCTAssertFalse(Continuation.needsMore(entry), entry)
        }
    }

    func testStringsAndCommentsHideBrackets() {
        XCTAssertFalse(Continuation.needsMore("\"(\""))
        XCTAssertFalse(Continuation.needsMore("1 # (comment"))
        XCTAssertTrue(Continuation.needsMore("(\")\""))
        XCTAssertFalse(Continuation.needsMore("\"\\\"(\""), "an escaped quote does not end the string")
    }

    func testErrorsShowAtOnce() {
        XCTAssertFalse(Continuation.needsMore("1)"), "a stray closing bracket")
        XCTAssertFalse(Continuation.needsMore("\"unclosed ("), "an unclosed string")
    }

    func testADocCommentWaitsForItsDeclaration() {
        XCTAssertTrue(Continuation.needsMore("## The answer."))
        XCTAssertFalse(Continuation.needsMore("## The answer.\nlet a = 42"))
    }
}

/// The REPL feeds lines one at a time to a `Continuation.Scanner`; it must agree with reading the whole entry.
final class ContinuationScannerTests: XCTestCase {
    func testLineByLineAgreesWithTheWholeEntry() {
        let entries = ["(1 +\n2)", "[1,\n2,", "\"a\n(\"", "f(\"(\",\n", "## doc\nlet x = 1", "## doc", "1 # (\n+ 2",
                       "let r = {\n  a: 1,\n}", "x and\n", "\"\\\"(\"\n(", "a)\n(", "if x then\n1 else"]
        for entry in entries {
            var scanner = Continuation.Scanner()
            for line in entry.split(separator: "\n", omittingEmptySubsequences: false) { scanner.add(line) }
            XCTAssertEqual(scanner.needsMore, Continuation.needsMore(entry), entry)
        }
        XCTAssertTrue(Continuation.needsMore("f(\"(\",\n"), "a string's bracket opens nothing; the call's does")
        XCTAssertTrue(Continuation.needsMore("\"a\n(\"\n+"))
    }
}
