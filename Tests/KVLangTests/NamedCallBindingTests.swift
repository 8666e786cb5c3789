@testable import KVLang
import XCTest

/// A named call remembers how its call site bound the arguments (Function.boundArguments): the same site must
/// bind the same way on every call, and another site, with other labels or another order, must bind its own way,
/// however the two alternate. Expected values are worked out by hand from each function's body.
final class NamedCallBindingTests: XCTestCase {
    func testTwoCallSitesWithOtherOrdersAlternate() {
        // g(a, b) = a − 2b: g(a: n, b: 1) = n − 2; g(b: n, a: 10) = 10 − 2n.
        let g = "fn g(a, b) = a - 2 * b\n"
        XCTAssertEqual(Eval.text(g + "map(1..3, fn(n) = [g(a: n, b: 1), g(b: n, a: 10)])"),
                       "[[-1, 8], [0, 6], [1, 4]]")
    }

    func testCallSitesGivingOtherParametersAlternate() {
        // h(a, b = 100, c = 1000) = a + b + c: h(1, c: n) = 101 + n; h(a: n, b: 0) = n + 1000.
        let h = "fn h(a, b = 100, c = 1000) = a + b + c\n"
        XCTAssertEqual(Eval.text(h + "map([1, 2], fn(n) = [h(1, c: n), h(a: n, b: 0), h(1, c: n)])"),
                       "[[102, 1001, 102], [103, 1002, 103]]")
    }

    func testANativeCalledFromTwoSites() {
        // A native with defaults (assert_eq's tol): its named calls from two sites each bind their own labels.
        XCTAssertEqual(Eval.text("map(1..2, fn(n) = [assert_eq(a: n, b: n), assert_eq(b: n, a: n, tol: 0)])"),
                       "[[true, true], [true, true]]")
        XCTAssertEqual(Eval.error("map(1..2, fn(n) = [assert_eq(a: n, b: n), assert_eq(b: n, a: 2, tol: 0)])")?
                           .message.hasPrefix("assertion failed"), true)
    }

    func testAnErrorInBindingIsReportedEveryTime() {
        // An unknown label is never remembered: each call reports it, with its span.
        let d = Eval.error("fn g(a, b) = a - b\nmap(1..2, fn(n) = g(a: n, c: 1))")
        XCTAssertEqual(d?.message, "g has no parameter `c`")
        XCTAssertEqual(d?.span.text, "c")
    }
}
