@testable import KVLang
import XCTest

/// Sources are normalised on read (line endings, a leading BOM), and characters that hide or pose as others are
/// named in errors rather than silently becoming part of a name.
final class SourceTextTests: XCTestCase {
    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind).filter { $0 != .newline && $0 != .eof }
    }

    private func lexError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        do {
            _ = try Lexer.tokenize(SourceFile(name: "t", text: text))
            XCTFail("expected a lexer error for \(text.debugDescription)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testLineEndingsAndByteOrderMarkAreNormalised() throws {
        let f = SourceFile(name: "t", text: "\u{FEFF}let x = 1\r\nlet y = 2\rx + y\r\n")
        XCTAssertEqual(f.text, "let x = 1\nlet y = 2\nx + y\n")
        // Spans point at what the user sees: line 3, column 5 is `y` (the BOM took no column).
        let y = try XCTUnwrap(f.text.range(of: "+ y")).upperBound.utf16Offset(in: f.text) - 1
        XCTAssertEqual(f.location(of: y).line, 3)
        XCTAssertEqual(f.location(of: y).column, 5)
        XCTAssertEqual(f.lineText(2), "let y = 2")
        XCTAssertEqual(Eval.text("\u{FEFF}let x = 1\r\nlet y = 2\rx + y\r\n"), "3")
    }

    func testErrorLocationInACRLFFileIsTheVisibleOne() throws {
        let e = try XCTUnwrap(Eval.error("\u{FEFF}let a = 1\r\nlet b = 2\r\na + c\r\n"))
        XCTAssertEqual(e.message, "unknown name `c`")
        XCTAssertEqual(e.location?.line, 3)
        XCTAssertEqual(e.location?.column, 5)
    }

    func testInvisibleAndLookAlikeCharactersAreNamed() throws {
        let cases: [(String, String, Int)] = [
            ("1\u{A0}GiB", "unexpected character U+00A0 (no-break space)", 2),
            ("1 +\u{200B}2", "unexpected character U+200B (zero-width space)", 4),
            ("1 +\u{200D}2", "unexpected character U+200D (zero-width joiner)", 4),
            ("1 +\u{2060}2", "unexpected character U+2060 (word joiner)", 4),
            ("1 + \u{FEFF}2", "unexpected character U+FEFF (zero-width no-break space, a byte-order mark inside the text)", 5),
            ("1 + \u{0}2", "unexpected character U+0000 (NUL)", 5),
            ("1 + \u{7}2", "unexpected character U+0007 (a control character)", 5),
            ("3 \u{2212} 1", "unexpected character U+2212 (minus sign)", 3),
            ("\u{201C}hi\u{201D}", "unexpected character U+201C (a curly double quote)", 1),
            ("\u{2018}hi\u{2019}", "unexpected character U+2018 (a curly single quote)", 1),
            ("GiB\u{A0}", "unexpected character U+00A0 (no-break space)", 4),
        ]
        for (text, message, column) in cases {
            let e = try XCTUnwrap(lexError(text), text.debugDescription)
            XCTAssertEqual(e.message, message, text.debugDescription)
            XCTAssertEqual(e.location?.column, column, text.debugDescription)
            XCTAssertNotNil(e.hint, text.debugDescription)
        }
        // Inside strings and comments anything goes.
        XCTAssertEqual(try kinds("\"a\u{A0}b\" # \u{200B}"), [.string("a\u{A0}b")])
    }

    func testGreekMuMeansMicro() throws {
        // U+03BC (Greek mu) and U+00B5 (micro sign) look the same; both are accepted as micro.
        XCTAssertEqual(try kinds("5 \u{3BC}s"), [.number(5), .identifier("\u{B5}s")])
        XCTAssertEqual(Eval.text("5 \u{3BC}s + 5 \u{B5}s"), "10 µs")
        XCTAssertEqual(Eval.quantity("1 \u{3BC}s").0, 1e-6, accuracy: 1e-18)
    }

    func testNumbersWithThousandsSeparatorsAreRefused() throws {
        for (text, culprit) in [("max(419,430.4)", "419,430.4"), ("[1,000]", "1,000"), ("8,030,261,248 param", "8,030,261,248"),
                                ("-1,024", "1,024"), ("f(12,345,678)", "12,345,678"), ("[1,000,2]", "1,000")] {
            let e = try XCTUnwrap(lexError(text), text)
            XCTAssertEqual(e.message, "`\(culprit)` looks like a number with thousands separators", text)
            XCTAssertEqual(e.span.text, culprit)
        }
        XCTAssertEqual(lexError("[1,000]")?.hint,
                       "write 1000 or 1_000, or put a space after the comma to separate two items")
        // Commas that separate items stay valid.
        XCTAssertEqual(Eval.text("max(1,2)"), "2")
        XCTAssertEqual(Eval.text("max(1, 200)"), "200")
        XCTAssertEqual(Eval.text("[1,20]"), "[1, 20]")
        XCTAssertEqual(Eval.text("[1,2000]"), "[1, 2000]")
        XCTAssertEqual(Eval.text("[1.5,000]"), "[1.5, 0]")  // never printed by kvcalc: a fraction comes last
        XCTAssertEqual(Eval.text("[1, 000]"), "[1, 0]")
    }

    func testSizeLimits() throws {
        let long = "1 + " + String(repeating: " ", count: SourceFile.maxLineBytes) + "2"
        let e = try XCTUnwrap(lexError("let a = 1\n" + long))
        XCTAssertEqual(e.kind, .limit)
        XCTAssertEqual(e.location?.line, 2)
        // The rendered error shows a window of the line, not a megabyte of it.
        XCTAssertLessThan(DiagnosticRenderer().render(e).count, 1000)
        let big = String(repeating: "1\n", count: SourceFile.maxBytes / 2 + 1)
        XCTAssertEqual(lexError(big)?.message, "the source is \(SourceFile.maxBytes + 2) bytes, over the limit of 16 MiB")
    }

    func testStringEscapesIncludingCarriageReturn() throws {
        XCTAssertEqual(try kinds(#""a\rb""#), [.string("a\rb")])
    }
}
