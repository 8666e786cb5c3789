@testable import KVLang
import XCTest

/// The start-up work rewrote keyword matching, number reading, doc-comment joining and the one-byte operator table
/// of the lexer, and the dimension product cache's key; these pin the edges of each.
final class StartupLexingTests: XCTestCase {
    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind).filter { $0 != .newline && $0 != .eof }
    }

    func testKeywordsOnlyWhole() throws {
        XCTAssertEqual(try kinds("let lets le where wherever fn fnx dimension dimensions"),
                       [.keyword(.let), .identifier("lets"), .identifier("le"), .keyword(.where),
                        .identifier("wherever"), .keyword(.fn), .identifier("fnx"), .keyword(.dimension),
                        .identifier("dimensions")])
        XCTAssertEqual(try kinds("Let IF"), [.identifier("Let"), .identifier("IF")])  // keywords are lower case
    }

    func testNumbersWithGroupingFractionsAndExponents() throws {
        // 1_234.5_6e1_0 is 1234.56 × 10¹⁰; 7e+2 is 700; `2e` leaves the `e` as a name (2 × e).
        XCTAssertEqual(try kinds("1_234.5_6e1_0 7e+2 2e"),
                       [.number(1234.56e10), .number(700), .number(2), .identifier("e")])
        XCTAssertThrowsError(try kinds("1_000_")) { XCTAssertTrue("\($0)".contains("cannot end with `_`")) }
        XCTAssertThrowsError(try kinds("1,000")) { XCTAssertTrue("\($0)".contains("thousands separators")) }
        XCTAssertEqual(try kinds("1_000,5"), [.number(1000), .punct(.comma), .number(5)])
        XCTAssertThrowsError(try kinds("1e999")) { XCTAssertTrue("\($0)".contains("out of range")) }
    }

    func testGreekMuIsMicroSign() throws {
        XCTAssertEqual(try kinds("3 μs"), [.number(3), .identifier("\u{B5}s")])
    }

    func testOneByteOperatorsAndUnknownBytes() throws {
        XCTAssertEqual(try kinds("a=b;c:d@e^f<g>h"),
                       [.identifier("a"), .punct(.assign), .identifier("b"), .punct(.semicolon), .identifier("c"),
                        .punct(.colon), .identifier("d"), .punct(.at), .identifier("e"), .punct(.caret),
                        .identifier("f"), .punct(.lt), .identifier("g"), .punct(.gt), .identifier("h")])
        XCTAssertThrowsError(try kinds("a $ b")) { XCTAssertTrue("\($0)".contains("unexpected character")) }
    }

    func testDocCommentMarginAndEmptyLines() throws {
        let text = "##  two spaces\n##\n##no space\nlet x = 1"
        let (tokens, docs) = try Lexer.tokenize(SourceFile(name: "t", text: text))
        let letToken = try XCTUnwrap(tokens.first { $0.kind == .keyword(.let) })
        XCTAssertEqual(docs[letToken.span.start], " two spaces\n\nno space")  // one margin space dropped, not two
    }

    func testDimensionProductsAndQuotientsAreCachedApart() throws {
        // (GiB/s) × s is Information; (GiB/s) / s is Information/Time²: the two share operands, not a cache entry.
        XCTAssertEqual(Eval.quantity("(4 GiB/s) * (2 s)").0, 8 * 1_073_741_824)
        XCTAssertEqual(Eval.quantity("(4 GiB/s) * (2 s)").1, "Information")
        XCTAssertEqual(Eval.quantity("(4 GiB/s) / (2 s)").0, 2 * 1_073_741_824)
        XCTAssertNotEqual(Eval.quantity("(4 GiB/s) / (2 s)").1, "Information")
        XCTAssertEqual(Eval.quantity("(4 GiB/s) / (2 s) * (1 s) * (1 s)").1, "Information")
    }

    func testEditDistanceByBytesAndByCharacters() {
        // Textbook values: kitten → sitting is 3 edits, flaw → lawn 2.
        XCTAssertEqual(Suggestions.distance("kitten", "sitting", cap: 5), 3)
        XCTAssertEqual(Suggestions.distance("flaw", "lawn", cap: 5), 2)
        XCTAssertEqual(Suggestions.distance("kitten", "sitting", cap: 2), 3)  // over the cap: cap + 1
        XCTAssertEqual(Suggestions.distance("a", "abcdef", cap: 2), 3)
        XCTAssertEqual(Suggestions.distance("", "ab", cap: 5), 2)
        // Non-ASCII goes by characters: µs → us is one edit, and é written as e + combining accent is é.
        XCTAssertEqual(Suggestions.distance("µs", "us", cap: 3), 1)
        XCTAssertEqual(Suggestions.distance("e\u{301}x", "\u{E9}x", cap: 3), 0)
        XCTAssertEqual(Suggestions.distance("a\r\nb", "a\nb", cap: 3), 1)  // CRLF is one character
        XCTAssertEqual(Suggestions.closest(to: "byts", in: ["bytes", "bits", "tokens"]), ["bits"])
    }
}
