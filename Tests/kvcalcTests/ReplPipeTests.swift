import XCTest

/// `kvcalc repl` with stdin not a terminal: the plain reader (no banner, no prompt, no history), and `kvcalc` with
/// a pipe still runs a program.
final class ReplPipeTests: XCTestCase {
    func testEntriesAndCommandsFromAPipe() throws {
        let r = try Binary.run(["repl"], stdin: "let x = 2 GiB\n(x +\n 1 GiB)\nans * 2\nlet y = x + 1 s\ny\n:help sqrt\n",
                               environment: ["NO_COLOR": "1"])
        XCTAssertEqual(r.status, 1, "two entries failed: piped input is a program, and fails like one")
        XCTAssertEqual(r.stdout, """
            3 GiB
            6 GiB
            sqrt(x)
            The square root. Works on quantities too: sqrt(4 B^2) = 2 B.

            """)
        XCTAssertTrue(r.stderr.contains("<repl:4>:1:11: error: cannot add Information and Time"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown name `y`"), r.stderr)
    }

    func testQuitEndsTheSession() throws {
        let r = try Binary.run(["repl"], stdin: "1 + 1\n:quit\n2 + 2\n")
        XCTAssertEqual(r.stdout, "2\n")
    }
}
