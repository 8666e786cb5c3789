import Foundation
import KVRepl
import XCTest

/// The history file: where it lives, what goes in, what comes back.
final class HistoryTests: XCTestCase {
    func testLivesInTheStateDirectory() {
        XCTAssertEqual(History.defaultURL(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])?.path,
                       "/s/kvcalc/history")
        XCTAssertEqual(History.defaultURL(environment: ["HOME": "/h"])?.path, "/h/.local/state/kvcalc/history")
        XCTAssertEqual(History.defaultURL(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"])?.path,
                       "/h/.local/state/kvcalc/history", "a relative XDG path is ignored, as the spec says")
        XCTAssertNil(History.defaultURL(environment: [:]))
    }

    func testAppendedAsEnteredWithoutConsecutiveDuplicates() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("state/kvcalc/history")
        let history = History(url: url)
        history.append("1 + 1")
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "1 + 1\n", "written at once, directory made")
        history.append("1 + 1")
        history.append("2 GiB")
        history.append("1 + 1")
        XCTAssertEqual(History(url: url).entries, ["1 + 1", "2 GiB", "1 + 1"])
    }

    func testMultiLineEntriesComeBackWhole() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("history")
        let entry = "(1 GiB +\n 2 GiB) \\ \"x\\n\""
        History(url: url).append(entry)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8).filter { $0 == "\n" }.count, 1)
        XCTAssertEqual(History(url: url).entries, [entry])
    }

    func testCappedToTheNewestEntries() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("history")
        let history = History(url: url, limit: 3)
        for i in 1...10 { history.append("\(i)") }
        XCTAssertEqual(history.entries, ["8", "9", "10"])
        XCTAssertEqual(History(url: url, limit: 3).entries, ["8", "9", "10"])
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertLessThanOrEqual(lines.count, 6, "the file is cut back once it holds twice the limit")
    }

    /// The REPL appends each entry as it is entered: commands and failed entries too, multi-line ones whole,
    /// with the state directory from XDG_STATE_HOME.
    func testTheReplWritesEveryEntry() throws {
        let state = try temporaryDirectory(self)
        let url = try XCTUnwrap(History.defaultURL(environment: ["XDG_STATE_HOME": state.path]))
        let session = ScriptedSession(["let x = 1", "(x +", " 2)", "1 GB + 1 s", "^C", ":help", ":help"],
                                      history: History(url: url))
        let expected = ["let x = 1", "(x +\n 2)", "1 GB + 1 s", ":help"]
        XCTAssertEqual(History(url: url).entries, expected)
        XCTAssertEqual(session.reader.remembered, expected + [":help"], "the editor dedupes its own copy")
    }
}
