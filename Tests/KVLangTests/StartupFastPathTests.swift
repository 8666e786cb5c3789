@testable import KVLang
import XCTest

/// The second start-up round read number literals without strtod when that is exact, joined doc comments once,
/// and left the resolver's near-miss edit distances to the error that needs them; these pin each against the old
/// way of getting the same answer.
final class StartupFastPathTests: XCTestCase {
    private func number(_ literal: String) throws -> Double? {
        let kinds = try Lexer.tokenize(SourceFile(name: "t", text: literal)).tokens.map(\.kind)
        guard kinds.count == 3, case .number(let v) = kinds[0] else { return nil }
        return v
    }

    /// Every literal's value, bit for bit, is what strtod (Double(String)) makes of its text without underscores:
    /// hand-picked edges of the fast path (2⁵³, 10²², ±22 net powers) and 20,000 generated literals.
    func testNumbersEqualStrtodBitForBit() throws {
        var literals = [
            "0", "0.0", "00012", "0e5", "0.000e-400", ".5", ".000_001", "1", "9007199254740991", "9007199254740992",
            "9007199254740993", "90071992547409.93", "1e22", "1e23", "1e-22", "1e-23", "123456789e-22",
            "123456789e22", "1.5e-7", "0.1", "0.3", "2.675", "1_000_000", "1_234.5_6e1_0", "7e+2", "3.14159",
            "4.35", "8.2e-5", "12345678901234567890", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
            "1e-400", "0.1e1", "100e-2", "1e0", "5e-0", "17.5E3", "9_007_199_254_740_993",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {  // xorshift: a fixed sequence, so a failure reproduces
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(n))
        }
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(next(10))) }) }
        for _ in 0..<20_000 {
            var s = next(4) == 0 ? "" : digits(1 + next(19))
            if s.isEmpty || next(2) == 0 { s += "." + digits(1 + next(18)) }
            if next(2) == 0 { s += ["e", "E"][next(2)] + ["", "+", "-"][next(3)] + String(next(40)) }
            literals.append(s)
        }
        for literal in literals {
            let expected = Double(literal.filter { $0 != "_" })
            guard let expected, expected.isFinite else {
                XCTAssertThrowsError(try number(literal), literal)
                continue
            }
            let got = try XCTUnwrap(try number(literal), literal)
            XCTAssertEqual(got.bitPattern, expected.bitPattern, "\(literal): \(got) vs strtod \(expected)")
        }
    }

    func testEveryPunctuationLexesToItself() throws {
        for p in Punct.allCases {
            let kinds = try Lexer.tokenize(SourceFile(name: "t", text: "a\(p.rawValue)b")).tokens.map(\.kind)
            XCTAssertEqual(kinds, [.identifier("a"), .punct(p), .identifier("b"), .newline, .eof], p.rawValue)
        }
        XCTAssertThrowsError(try Lexer.tokenize(SourceFile(name: "t", text: "a ! b"))) {
            XCTAssertTrue("\($0)".contains("unexpected character `!`"), "\($0)")
        }
    }

    func testMalformedNumbersStillFail() {
        XCTAssertThrowsError(try number("1_")) { XCTAssertTrue("\($0)".contains("cannot end with `_`")) }
        XCTAssertThrowsError(try number("1e5_")) { XCTAssertTrue("\($0)".contains("cannot end with `_`")) }
        XCTAssertThrowsError(try number("1e309")) { XCTAssertTrue("\($0)".contains("`1e309` is out of range")) }
    }

    func testDocBlocksJoinOnceAndAttachToTheNextToken() throws {
        let text = "## one\n##two\n# plain, not doc\n##   three\n\nfn f(x) = x  ## trailing\n## µ-doc °C²\nlet y = 1\n## dangling"
        let (tokens, docs) = try Lexer.tokenize(SourceFile(name: "t", text: text))
        let fn = try XCTUnwrap(tokens.first { $0.kind == .keyword(.fn) })
        let letToken = try XCTUnwrap(tokens.first { $0.kind == .keyword(.let) })
        XCTAssertEqual(docs[fn.span.start], "one\ntwo\n  three")
        XCTAssertEqual(docs[letToken.span.start], "trailing\nµ-doc °C²")
        XCTAssertEqual(docs[text.utf8.count], "dangling")  // the last block goes to the end of input, as before
        XCTAssertEqual(docs.count, 3)
    }

    func testNearMissesAreFoundWhenAsked() {
        // The slip is inside a lambda: the unused clause's error still finds it.
        let d = Eval.error("fn f(x) = g(1) where g = fn(y) = y * bytss and bytes = 2")
        XCTAssertEqual(d?.message, "`bytes` is defined but never used")
        XCTAssertEqual(d?.hint, "did you mean `bytes` instead of `bytss`?")
        // An unknown name close to a parameter suggests it when evaluated.
        let u = Eval.error("fn f(tokens) = tokns * 2\nf(3)")
        XCTAssertEqual(u?.message, "unknown name `tokns`")
        XCTAssertEqual(u?.hint, "did you mean `tokens`?")
        // A later parameter in a default, with a clause between: the default error, not the clause's.
        XCTAssertEqual(Eval.error("fn f(a, b = c, c = 1) = a + b + c")?.message,
                       "the default refers to `c`, which is not bound yet")
        XCTAssertEqual(Eval.error("fn f(a = a) = a")?.message, "the default refers to `a`, which is not bound yet")
    }
}

/// The doc-comment table against a dictionary fed the same operations, in order and out of it.
final class DocCommentsTests: XCTestCase {
    func testMatchesADictionary() {
        var docs = DocComments()
        var reference: [Int: String] = [:]
        let operations = [(10, "a"), (20, "b"), (20, "b2"), (5, "c"), (15, "d"), (30, "e"), (5, "c2"), (0, "f")]
        for (offset, text) in operations {
            docs.append(text, at: offset)
            reference[offset] = text
        }
        XCTAssertEqual(docs.count, reference.count)
        for offset in -1...31 { XCTAssertEqual(docs[offset], reference[offset], "offset \(offset)") }
        XCTAssertNil(DocComments()[0])
    }
}

/// The repeat check of records and parameter lists, across the switch from scanning to hashing.
final class SmallNameSetTests: XCTestCase {
    func testMatchesASetAcrossTheSwitch() {
        var small = SmallNameSet()
        var reference = Set<String>()
        // 0..<40 then each again: the first pass crosses the scan limit, the second finds every repeat.
        for name in (0..<40).map({ "n\($0)" }) + (0..<40).map({ "n\($0)" }) + ["new"] {
            XCTAssertEqual(small.insert(name), reference.insert(name).inserted, name)
        }
    }

    func testRepeatedFieldsAndParametersAreStillRefused() {
        let fields = (0..<20).map { "f\($0): \($0)" }.joined(separator: ", ")
        XCTAssertEqual(Eval.error("let r = {\(fields), f3: 1}")?.message, "field `f3` appears twice")
        XCTAssertEqual(Eval.error("let r = {a: 1, b: 2, a: 3}")?.message, "field `a` appears twice")
        let params = (0..<20).map { "p\($0)" }.joined(separator: ", ")
        XCTAssertEqual(Eval.error("fn f(\(params), p19) = 1")?.message, "parameter `p19` appears twice")
        XCTAssertEqual(Eval.text("let r = {\(fields)}\nr.f19"), "19")
    }
}

/// The resolver's slot table against a dictionary and a first-seen name list, across the switch to hashing.
final class SlotTableTests: XCTestCase {
    func testMatchesADictionary() {
        var table = SlotTable()
        var reference: [String: Int32] = [:]
        var order: [String] = []
        var slot: Int32 = 0
        // 30 names, then some bound again (a later slot wins, the place in `names` stays), then more.
        let binds = (0..<30).map { "v\($0)" } + ["v3", "v20", "v0"] + (30..<40).map { "v\($0)" }
        for name in binds {
            table.bind(name, to: slot)
            if reference.updateValue(slot, forKey: name) == nil { order.append(name) }
            slot += 1
            for probe in ["v0", "v3", "v15", "v16", "v17", "v20", "v39", "missing"] {
                XCTAssertEqual(table[probe], reference[probe], "\(probe) after binding \(name)")
            }
        }
        XCTAssertEqual(table.names, order)
    }

    func testResolvingAFunctionWithManyParameters() {
        // 40 parameters: past the scan limit; each default reads the one before, the body the last. A default
        // naming a later parameter is refused, an unknown one is a global looked up (and missed) at the call.
        XCTAssertEqual(Eval.error("fn f(\((["p0 = p39"] + (1..<40).map { "p\($0) = 1" }).joined(separator: ", "))) = 1")?
            .message, "the default refers to `p39`, which is not bound yet")
        let params = ["p0"] + (1..<40).map { "p\($0) = p\($0 - 1) + 1" }
        XCTAssertEqual(Eval.text("fn f(\(params.joined(separator: ", "))) = p39 + q where q = p0 * 0\nf(1)"), "40")
        XCTAssertEqual(Eval.error("fn f(\(params.joined(separator: ", ")), z = p41) = 1\nf(1)")?.message,
                       "unknown name `p41`")
    }
}
