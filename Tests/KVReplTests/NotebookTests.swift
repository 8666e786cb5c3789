import Foundation
import KVLang
import KVRuntime
@testable import KVRepl
import KVNotebook
import XCTest

/// `:save` writes a notebook that runs in a fresh session; `:load` reads scripts and notebooks back.
final class NotebookTests: XCTestCase {
    func testSaveWritesOneCellPerSuccessfulEntry() throws {
        let dir = try temporaryDirectory(self)
        _ = ScriptedSession(["let x = 2 GiB", "x + 1 s", "x * 2", "ans / 4", ":save \(dir.path)/s.kvnb"])
        let text = try String(contentsOf: dir.appendingPathComponent("s.kvnb"), encoding: .utf8)
        XCTAssertEqual(text, """
            # kvcalc session

            Saved from the kvcalc REPL: each cell is one entry, in the order it was entered. `kvcalc run` renders \
            it with its results.

            ```kv
            let x = 2 GiB
            ```

            ```kv
            let ans = x * 2
            ans
            ```

            ```kv
            ans / 4
            ```

            """)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["s.kvnb"],
                       "no temporary file is left beside it")
    }

    func testSaveThenLoadRebuildsTheSession() throws {
        let dir = try temporaryDirectory(self)
        let first = ScriptedSession(["## Per token.", "fn kv(m) = 2 * m.layers * 1 KiB / token",
                                     "let m = {layers: 32}", "kv(m)", "ans * 2", ":save \(dir.path)/round"])
        XCTAssertTrue(first.transcript.contains("saved 4 entries"), first.transcript)
        let second = ScriptedSession([":load \(dir.path)/round.kvnb", "kv(m with {layers: 1})", ":help kv"])
        XCTAssertTrue(second.transcript.contains("64 KiB/token"), second.transcript)
        XCTAssertTrue(second.transcript.contains("128 KiB/token"), second.transcript)
        XCTAssertTrue(second.transcript.contains("2 KiB/token"), second.transcript)
        XCTAssertTrue(second.transcript.contains("Per token."), "docs survive the round trip")
        XCTAssertEqual(second.repl.entries.count, 5)
    }

    func testAFailedLoadKeepsNothing() throws {
        let dir = try temporaryDirectory(self)
        let script = dir.appendingPathComponent("broken.kv")
        try "let a = 1\nlet b = a + 1 s\n".write(to: script, atomically: true, encoding: .utf8)
        let session = ScriptedSession([":load \(script.path)", "a"])
        XCTAssertTrue(session.transcript.contains("broken.kv:2:11: error: cannot add"), session.transcript)
        XCTAssertTrue(session.transcript.contains("nothing from"), session.transcript)
        XCTAssertTrue(session.transcript.contains("unknown name `a`"), session.transcript)
        XCTAssertTrue(session.repl.entries.isEmpty)
    }

    func testCellsOfANotebook() throws {
        let notebook = """
            # Title

            ```kv params
            let batch = 8
            ```

            Some prose with `{kv} batch`.

            ````kv hide-code
            batch * 2
            ````

            ```kv skip
            nope
            ```

            ```kv expect-error="cannot add"
            1 GB + 1 s
            ```

            ```python
            print("not kv")
            ```
            """
        // The kv cells run (params included), skip and expect-error cells do not, other languages are prose.
        let dir = try temporaryDirectory(self)
        let url = dir.appendingPathComponent("cells.kvnb")
        try notebook.write(to: url, atomically: true, encoding: .utf8)
        let session = ScriptedSession([":load \(url.path)", "ans"])
        XCTAssertEqual(session.repl.entries.count, 3, session.transcript)  // two cells, then `ans`
        XCTAssertTrue(session.transcript.contains("16"), session.transcript)
        XCTAssertFalse(session.transcript.contains("error"), session.transcript)

        let broken = dir.appendingPathComponent("broken.kvnb")
        try "text\n```kv\n1 + 1\n".write(to: broken, atomically: true, encoding: .utf8)
        let failed = ScriptedSession([":load \(broken.path)"])
        XCTAssertTrue(failed.transcript.contains("broken.kvnb:2: error"), failed.transcript)
    }

    func testAnErrorInALoadedCellNamesTheNotebookLine() throws {
        let dir = try temporaryDirectory(self)
        let url = dir.appendingPathComponent("nb.kvnb")
        try "# N\n\n```kv\nlet a = 1\n```\n\n```kv\na + 1 s\n```\n".write(to: url, atomically: true, encoding: .utf8)
        let session = ScriptedSession([":load \(url.path)"])
        XCTAssertTrue(session.transcript.contains("nb.kvnb:8:3: error"), session.transcript)
    }

    func testAFenceLongerThanAnyBacktickRunInTheCell() {
        let text = NotebookFile.render(cells: ["\"```\""])
        XCTAssertTrue(text.contains("\n````kv\n\"```\"\n````\n"), text)
        // …and the notebook parser reads the cell back whole.
        XCTAssertEqual(try NotebookParser.parse(text, path: "s.kvnb").cells.map(\.code), ["\"```\""])
    }

    func testAnsIsBoundOnlyWhereALaterEntryReadsIt() {
        let cells = SessionCells.cells([
            Entry(text: "1 GiB", hasValue: true),
            Entry(text: "let a = 2; a * 3 # times three", hasValue: true),
            Entry(text: "let answer = 1", hasValue: false),
            Entry(text: "\"ans\"; m.ans; ans * 2", hasValue: true),
        ])
        XCTAssertEqual(cells, ["1 GiB", "let a = 2; let ans = a * 3 # times three\nans", "let answer = 1",
                               "\"ans\"; m.ans; ans * 2"])
    }
}

/// `:load` resolves the file's own relative paths against its folder, and reads CRLF notebooks.
final class LoadPathTests: XCTestCase {
    func testLoadedFilesReadBesideThemselves() throws {
        let dir = try temporaryDirectory(self)
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Data("```kv\r\nlet m = hf_config(\"missing.json\")\r\n```\r\n".utf8).write(to: sub.appendingPathComponent("nb.kvnb"))
        let session = ScriptedSession([":load \(sub.path)/nb.kvnb", "hf_config(\"missing.json\")"])
        // Inside the notebook: its folder; typed at the prompt afterwards: the working directory again.
        XCTAssertTrue(session.transcript.contains("error: no such file: \(sub.path)/missing.json"), session.transcript)
        XCTAssertTrue(session.transcript.contains("error: no such file: missing.json"), session.transcript)
        XCTAssertNil(session.repl.session.baseDirectory)
        XCTAssertTrue(session.repl.failed)
    }
}
