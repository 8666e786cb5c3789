import Foundation
@testable import KVNotebook
import XCTest

/// Notebooks as editors save them: CRLF, CR-only, a BOM, tabs in fence lines, invalid UTF-8. Each of these once
/// ran no cell and exited 0, its code copied into the page as prose.
final class NotebookSourceTests: XCTestCase {
    private let lf = "# T\n\n```kv\nlet a = 2\n```\n\nText `{kv} a * 3`.\n\n```kv hide-code\na + 1\n```\n"

    private func cells(_ data: Data) throws -> [String] {
        let text = try NotebookSource.text(from: data, path: "nb.kvnb")
        return try NotebookParser.parse(text, path: "nb.kvnb").cells.map(\.code)
    }

    func testLineEndsAndByteOrderMarkReadAsLF() throws {
        let expected = ["let a = 2", "a + 1"]
        XCTAssertEqual(try cells(Data(lf.utf8)), expected)
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try cells(Data(crlf.utf8)), expected)
        XCTAssertEqual(try cells(Data(lf.replacingOccurrences(of: "\n", with: "\r").utf8)), expected, "CR only")
        XCTAssertEqual(try cells(Data([0xEF, 0xBB, 0xBF] + Array(crlf.utf8))), expected, "BOM + CRLF")
        XCTAssertEqual(try cells(Data([0xEF, 0xBB, 0xBF] + Array(lf.utf8))), expected, "BOM + LF")
        // The same through the parser alone: text that did not come through NotebookSource.
        XCTAssertEqual(try NotebookParser.parse("\u{FEFF}" + crlf, path: "nb.kvnb").cells.map(\.code), expected)
    }

    func testLinesKeepTheirNumbersAfterNormalising() throws {
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let nb = try NotebookParser.parse(try NotebookSource.text(from: Data(crlf.utf8), path: "nb.kvnb"), path: "nb.kvnb")
        XCTAssertEqual(nb.cells.map(\.fenceLine), [3, 9])
        XCTAssertTrue(nb.cells[1].options.hideCode)
    }

    func testInvalidUTF8IsAnErrorOnItsLine() {
        var bytes = Array("# T\n\nok\n".utf8)
        bytes += [0x61, 0xFF, 0x0A]
        XCTAssertThrowsError(try NotebookSource.text(from: Data(bytes), path: "nb.kvnb")) { error in
            XCTAssertEqual((error as? NotebookError)?.rendered,
                           "nb.kvnb:4: error: this line is not valid UTF-8 (save the notebook as UTF-8)")
        }
    }

    func testReadRefusesFoldersAndMissingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nbsrc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try NotebookSource.read(dir.path)) {
            XCTAssertEqual(($0 as? NotebookError)?.rendered, "\(dir.path): error: is a directory, not a notebook")
        }
        XCTAssertThrowsError(try NotebookSource.read(dir.path + "/none.kvnb")) {
            XCTAssertEqual(($0 as? NotebookError)?.message, "no such file")
        }
        let crlf = dir.appendingPathComponent("w.kvnb")
        try Data("```kv\r\n1\r\n```\r\n".utf8).write(to: crlf)
        XCTAssertEqual(try NotebookSource.read(crlf.path), "```kv\n1\n```\n")
    }

    func testFenceInfoSplitsOnAnyWhitespace() throws {
        let nb = try NotebookParser.parse("```kv\thide-code\n1\n```\n\n```kv\tparams\na = 1\n```\n", path: "nb.kvnb")
        XCTAssertEqual(nb.cells.count, 2)
        XCTAssertTrue(nb.cells[0].options.hideCode)
        XCTAssertTrue(nb.cells[1].isParameters)
    }

    func testAMisspelledKvFenceIsAnError() {
        for info in ["KV", "Kv", "kvv", "kkv", "vk", "{kv}", "kv:", "k v", "KV hide-code"] {
            XCTAssertThrowsError(try NotebookParser.parse("# T\n\n```\(info)\n1\n```\n", path: "nb.kvnb"), info) { error in
                let e = error as? NotebookError
                XCTAssertEqual(e?.line, 3, info)
                XCTAssertEqual(e?.message.hasPrefix("```\(info) is not a kv cell, so this block would never run"), true,
                               e?.message ?? "")
            }
        }
        XCTAssertThrowsError(try NotebookParser.parse("~~~KV\n1\n~~~\n", path: "nb.kvnb")) {
            XCTAssertEqual(($0 as? NotebookError)?.message.hasPrefix("~~~KV is not a kv cell"), true)
        }
        // Other languages, and a bare fence, stay prose.
        for info in ["", "text", "python", "kvm", "kvcalc", "sh kv"] {
            XCTAssertEqual(try NotebookParser.parse("```\(info)\n1\n```\n", path: "nb.kvnb").cells.count, 0, info)
        }
    }
}
