@testable import KVNotebook
import XCTest

/// Reading `.kvnb`: cells and their options, the params cell, inline expressions, and the errors with their lines.
final class ParserTests: XCTestCase {
    private func parse(_ text: String) throws -> Notebook { try NotebookParser.parse(text, path: "nb.kvnb") }

    private func error(_ text: String) -> NotebookError? {
        do {
            _ = try NotebookParser.parse(text, path: "nb.kvnb")
            XCTFail("expected a parse error")
            return nil
        } catch { return error }
    }

    func testCellsAndTheirOptions() throws {
        let nb = try parse("""
            # Title

            ```kv hide-code id=sizes
            1 GB
            ```

            ```kv expect-error="cannot add" hide-output
            1 GB + 1 s
            ```

            ```kv skip expect-error
            x
            ```
            """)
        let cells = nb.cells
        XCTAssertEqual(cells.count, 3)
        XCTAssertEqual(cells[0].code, "1 GB")
        XCTAssertEqual(cells[0].fenceLine, 3)
        XCTAssertTrue(cells[0].options.hideCode)
        XCTAssertEqual(cells[0].options.id, "sizes")
        XCTAssertEqual(cells[0].name, "sizes")
        XCTAssertEqual(cells[1].options.expectError?.substring, "cannot add")
        XCTAssertTrue(cells[1].options.hideOutput)
        XCTAssertEqual(cells[1].name, "cell-2")
        XCTAssertTrue(cells[2].options.skip)
        XCTAssertEqual(cells[2].options.expectError?.substring, "")
    }

    func testParamsCell() throws {
        let nb = try parse("```kv params hide-code\nbatch = 8\n```\n\n```kv\nbatch\n```\n")
        XCTAssertEqual(nb.parameters?.code, "batch = 8")
        XCTAssertTrue(nb.parameters?.options.hideCode ?? false)
        XCTAssertFalse(nb.cells[1].isParameters)
        XCTAssertEqual(error("```kv params\na = 1\n```\n```kv params\nb = 2\n```\n")?.line, 4)
        XCTAssertEqual(error("```kv params skip\na = 1\n```\n")?.line, 1)
    }

    func testInlineExpressions() throws {
        let nb = try parse("It is `{kv} 80 GB -> GiB`, see `code` and ``{kv} 1 + 1``.\n")
        guard case .prose(let segments)? = nb.blocks.first else { return XCTFail("no prose") }
        XCTAssertEqual(segments, [
            .text("It is "), .inline(InlineExpression(code: "80 GB -> GiB", line: 1, column: 13)),
            .text(", see `code` and "), .inline(InlineExpression(code: "1 + 1", line: 1, column: 50)), .text(".\n"),
        ])
        XCTAssertEqual(error("a\nb `{kv}  ` c\n")?.line, 2)
    }

    func testOtherFencesArePassedThroughWithoutInlineValues() throws {
        let nb = try parse("~~~python\nprint(\"`{kv} 1`\")\n```kv\n~~~\n\n````kv\n```\n1\n````\n")
        XCTAssertEqual(nb.cells.count, 1)
        XCTAssertEqual(nb.cells[0].code, "```\n1")
        guard case .prose(let segments)? = nb.blocks.first else { return XCTFail("no prose") }
        XCTAssertEqual(segments, [.text("~~~python\nprint(\"`{kv} 1`\")\n```kv\n~~~\n\n")])
    }

    func testMalformedOptionsNameTheirLine() {
        let cases: [(String, String)] = [
            ("```kv hide-cod\n1\n```", "unknown cell option `hide-cod`"),
            ("```kv skip=1\n1\n```", "the option `skip` takes no value"),
            ("```kv id=\n1\n```", "`id` needs a name"),
            ("```kv id=a b\n1\n```", "unknown cell option `b`"),
            ("```kv expect-error=\"cannot\n1\n```", "missing its closing"),
            ("```kv skip skip\n1\n```", "given twice"),
        ]
        for (text, message) in cases {
            let e = error("# Title\n\n" + text + "\n")
            XCTAssertEqual(e?.line, 3, text)
            XCTAssertTrue(e?.message.contains(message) ?? false, "\(text): \(e?.message ?? "")")
        }
        XCTAssertEqual(error("```kv id=a\n1\n```\n```kv id=a\n2\n```\n")?.message, "the id `a` is already used on line 1")
    }

    func testUnclosedFenceNamesItsLine() {
        let e = error("# T\n\n```kv\n1 GB\n\nmore\n")
        XCTAssertEqual(e?.line, 3)
        XCTAssertEqual(e?.rendered, "nb.kvnb:3: error: this code fence is never closed: end the block with a line of ```")
        XCTAssertEqual(error("text\n~~~~\ncode\n~~~\n")?.line, 2)
    }
}
