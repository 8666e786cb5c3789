@testable import KVNotebook
import XCTest

/// Writing renderings whole or not at all, and comparing them with committed ones.
final class OutputTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kvnb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testWriteReplacesTheFileAndLeavesNoTemporaries() throws {
        let folder = try temporaryFolder()
        let page = folder.appendingPathComponent("out.md")
        try "old\n".write(to: page, atomically: false, encoding: .utf8)
        let r = Rendering(text: "new\n", files: [.init(path: "out_files/a.svg", contents: "<svg/>\n")])
        try r.write(to: page)
        XCTAssertEqual(try String(contentsOf: page, encoding: .utf8), "new\n")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("out_files/a.svg"), encoding: .utf8), "<svg/>\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["out.md", "out_files"])
        XCTAssertNil(r.differences(from: page))
        // The same rendering checked out with CRLF line ends still matches.
        try "new\r\n".write(to: page, atomically: false, encoding: .utf8)
        XCTAssertNil(r.differences(from: page))
    }

    func testDifferencesShowAUnifiedDiff() throws {
        let folder = try temporaryFolder()
        let page = folder.appendingPathComponent("out.md")
        try "a\nb\nc\n".write(to: page, atomically: false, encoding: .utf8)
        let report = Rendering(text: "a\nB\nc\n", files: [.init(path: "out_files/x.svg", contents: "")])
            .differences(from: page)
        XCTAssertEqual(report, """
            --- \(page.path)
            +++ fresh rendering
            @@ -1 +1 @@
             a
            -b
            +B
             c

            \(folder.path)/out_files/x.svg is missing
            """)
    }

    func testAFailedWriteLeavesTheOldFile() throws {
        let folder = try temporaryFolder()
        let page = folder.appendingPathComponent("out.md")
        try "old\n".write(to: page, atomically: false, encoding: .utf8)
        // A chart path that cannot be created (a file stands where its folder should be) fails before the page.
        try "".write(to: folder.appendingPathComponent("out_files"), atomically: false, encoding: .utf8)
        let r = Rendering(text: "new\n", files: [.init(path: "out_files/a.svg", contents: "<svg/>")])
        XCTAssertThrowsError(try r.write(to: page))
        XCTAssertEqual(try String(contentsOf: page, encoding: .utf8), "old\n")
    }
}

/// `--check`'s diff stays cheap on large renderings.
final class TextDiffTests: XCTestCase {
    func testLargeInputsDiffWithoutTheFullTable() {
        let old = (0..<50_000).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 25000\n", with: "LINE 25000\n")
        let diff = TextDiff.unified(old: old, new: new, oldName: "a", newName: "b")
        XCTAssertEqual(diff, """
            --- a
            +++ b
            @@ -24998 +24998 @@
             line 24997
             line 24998
             line 24999
            -line 25000
            +LINE 25000
             line 25001
             line 25002
             line 25003
            """)
        // Every line different: no LCS table of 50,000² cells, the old lines out and the new in.
        let other = (0..<50_000).map { "other \($0)" }.joined(separator: "\n") + "\n"
        let all = TextDiff.unified(old: old, new: other, oldName: "a", newName: "b")
        XCTAssertEqual(all.split(separator: "\n").count, 2 + 1 + 100_000)
    }
}
