@testable import KVLang
import XCTest

final class LexerTests: XCTestCase {
    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind).filter { $0 != .newline && $0 != .eof }
    }

    func testNumberForms() throws {
        XCTAssertEqual(try kinds("42 3.5 1e9 1_000_000 .5 2.5e-3"),
                       [.number(42), .number(3.5), .number(1e9), .number(1_000_000), .number(0.5), .number(0.0025)])
    }

    func testRangeIsNotAFraction() throws {
        XCTAssertEqual(try kinds("1..128"), [.number(1), .punct(.dotdot), .number(128)])
    }

    func testUnitDirectlyAfterNumber() throws {
        XCTAssertEqual(try kinds("80GiB 4Ki 50%"),
                       [.number(80), .identifier("GiB"), .number(4), .identifier("Ki"), .number(50), .identifier("%")])
    }

    func testOperatorsIncludingUnicode() throws {
        XCTAssertEqual(try kinds("a -> b → c × d · e ÷ f ** g != h <= i"),
                       [.identifier("a"), .punct(.arrow), .identifier("b"), .punct(.arrow), .identifier("c"),
                        .punct(.star), .identifier("d"), .punct(.star), .identifier("e"), .punct(.slash),
                        .identifier("f"), .punct(.starstar), .identifier("g"), .punct(.ne), .identifier("h"),
                        .punct(.le), .identifier("i")])
    }

    func testStringsAndEscapes() throws {
        XCTAssertEqual(try kinds(#""a\"b\n""#), [.string("a\"b\n")])
    }

    func testNewlinesInsideParenthesesAreSpace() throws {
        let tokens = try Lexer.tokenize(SourceFile(name: "t", text: "(1 +\n 2)\n3")).tokens.map(\.kind)
        XCTAssertEqual(tokens, [.punct(.lparen), .number(1), .punct(.plus), .number(2), .punct(.rparen), .newline,
                                .number(3), .newline, .eof])
    }

    func testDocCommentsAttachToTheNextToken() throws {
        let (tokens, docs) = try Lexer.tokenize(SourceFile(name: "t", text: "# plain\n## first\n## second\nlet x = 1"))
        let letToken = try XCTUnwrap(tokens.first { $0.kind == .keyword(.let) })
        XCTAssertEqual(docs[letToken.span.start], "first\nsecond")
    }

    func testErrorsCarryTheirPlace() {
        for (text, column, message) in [("\"abc", 1, "unterminated string"), ("1 $ 2", 3, "unexpected character `$`"),
                                        ("1_", 1, "a number cannot end with `_`"), ("1e999", 1, "out of range")] {
            do {
                _ = try Lexer.tokenize(SourceFile(name: "t", text: text))
                XCTFail("no error for \(text)")
            } catch {
                XCTAssertEqual(error.location?.column, column, text)
                XCTAssertTrue(error.message.contains(message), "\(error.message) for \(text)")
            }
        }
    }

    func testColumnsCountCharactersNotBytes() {
        let file = SourceFile(name: "t", text: "µs × 2\nx")
        XCTAssertEqual(file.location(of: 3).column, 3)  // after "µs" (3 bytes)
        XCTAssertEqual(file.location(of: 9).line, 2)
    }
}
