@testable import KVLang
import KVRuntime
import XCTest

/// A global name remembers the value it named (Folding.swift's `foldName`), records and lists included, so a sweep
/// does not look `llama3_8b` up at every point. Every way a global changes must be seen by the next evaluation of
/// a node that remembered it: rebinding, a new `let`, a function redefined, an undone statement, cell or entry.
final class GlobalNameCacheTests: XCTestCase {
    private func run(_ s: Session, _ text: String) throws -> String {
        let values = try s.run(SourceFile(name: "<test>", text: text))
        return values.last.map { s.formatter.format($0) } ?? ""
    }

    func testARecordNameFollowsItsRebinding() throws {
        let s = Eval.session()
        // f's body remembers `m` on its first call; each later call must see what `m` names then.
        XCTAssertEqual(try run(s, "let m = {a: 1, b: 2}\nfn f() = m.a + m.b\nf()"), "3")
        XCTAssertEqual(try run(s, "f()"), "3")
        XCTAssertEqual(try run(s, "m = {a: 10, b: 20}\nf()"), "30")
        XCTAssertEqual(try run(s, "let m = {a: 100, b: 200}\nf()"), "300")
        XCTAssertEqual(try run(s, "m = m with {a: 1}\nf()"), "201")
    }

    func testListsStringsAndFunctionsFollowTheirRebinding() throws {
        let s = Eval.session()
        XCTAssertEqual(try run(s, "let xs = [1, 2, 3]\nfn n() = sum(xs)\nn()"), "6")
        XCTAssertEqual(try run(s, "xs = [4]\nn()"), "4")
        XCTAssertEqual(try run(s, "let t = \"ab\"\nfn g() = t + \"!\"\ng()"), "ab!")
        XCTAssertEqual(try run(s, "t = \"cd\"\ng()"), "cd!")
        XCTAssertEqual(try run(s, "fn h(x) = x + 1\nfn k() = h(1)\nk()"), "2")
        XCTAssertEqual(try run(s, "fn h(x) = x * 10\nk()"), "10")
        // A name that changes kind: a record, then a number, then a record again.
        XCTAssertEqual(try run(s, "let v = {a: 1}\nfn w() = v\nw()"), "{a: 1}")
        XCTAssertEqual(try run(s, "v = 7\nw()"), "7")
        XCTAssertEqual(try run(s, "v = {a: 2}\nw()"), "{a: 2}")
    }

    func testAFailedStatementsChangeIsUndoneForARememberedName() throws {
        let s = Eval.session()
        XCTAssertEqual(try run(s, "let m = {a: 1}\nfn f() = m.a\nf()"), "1")
        // The entry rebinds `m`, calls f (which remembers the new record), then fails: all of it is undone, and
        // f must see the old record again, not the one it remembered inside the failed entry.
        XCTAssertThrowsError(try s.runAtomically(SourceFile(name: "<test>", text: "m = {a: 2}\nlet y = f()\n1 + \"x\"")))
        XCTAssertEqual(try run(s, "f()"), "1")
        // A single failing statement is undone the same way.
        XCTAssertThrowsError(try run(s, "m = {a: 3}\nlet z = [f(), 1 + \"x\"]"))
        XCTAssertEqual(try run(s, "[f(), m.a]"), "[3, 3]")
    }

    func testShadowingParametersWhereClausesAndLocalLetsAreNotGlobals() throws {
        let s = Eval.session()
        XCTAssertEqual(try run(s, "let m = {a: 1}\nfn p(m) = m.a\n[p({a: 5}), p({a: 6}), m.a]"), "[5, 6, 1]")
        XCTAssertEqual(try run(s, "fn q(n) = m.a + n where m = {a: 10 * n}\n[q(1), q(2), m.a]"), "[11, 22, 1]")
        XCTAssertEqual(try run(s, "fn r(n) = (fn(m) = m.a)({a: n})\n[r(7), r(8), m.a]"), "[7, 8, 1]")
        // A lambda over a sweep, as in the memory benchmark: one record global, read at every point.
        XCTAssertEqual(try run(s, "sum(map(1..4, fn(b) = m.a * b))"), "10")
        XCTAssertEqual(try run(s, "m = {a: 2}\nsum(map(1..4, fn(b) = m.a * b))"), "20")
    }

    func testAModelRecordRebindingChangesMemory() throws {
        let s = Eval.session()
        // Weights of the 8B model, bf16: llama3_8b's parameter count × 2 bytes, whatever the batch; halving the
        // layers must change the answer of a function that remembered the old record.
        let first = try run(s, "let m = llama3_8b\nfn w(b) = memory(m, H100, batch: b, seq: 2048).kv_cache\nw(1) -> GiB")
        // 2 (K and V) × 32 layers × 8 KV heads × 128 × 2 bytes × 2048 tokens = 256 MiB = 0.25 GiB.
        XCTAssertEqual(first, "0.25 GiB")
        XCTAssertEqual(try run(s, "m = llama3_8b with {layers: 16}\nw(1) -> GiB"), "0.125 GiB")
        XCTAssertEqual(try run(s, "m = llama3_8b\nw(4) -> GiB"), "1 GiB")
    }
}
