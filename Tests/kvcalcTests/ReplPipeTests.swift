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

/// The piped REPL on input that once was lost, hung or grew without bound.
final class ReplPipeHardeningTests: XCTestCase {
    func testAnUnfinishedEntryAtTheEndIsAnError() throws {
        let r = try Binary.run(["repl"], stdin: "1 + 1\n(2 +\n3", environment: ["NO_COLOR": "1"])
        XCTAssertEqual(r.stdout, "2\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("<repl:2>:1:1: error: `(` is never closed"), r.stderr)
    }

    func testExitStatusFollowsTheEntries() throws {
        XCTAssertEqual(try Binary.run(["repl"], stdin: "1 + 1\nlet x = 2\nx\n").status, 0)
        XCTAssertEqual(try Binary.run(["repl"], stdin: "1 + 1 s\n2\n").status, 1)
        XCTAssertEqual(try Binary.run(["repl"], stdin: ":nosuch\n").status, 1, "a failed command counts")
    }

    func testLongContinuationsAreLinear() throws {
        // 5,000 continuation lines once took over 30 s (each line rescanned the whole entry).
        let stdin = "[\n" + (0..<5000).map { "  \($0),\n" }.joined() + "0]\nlen(ans)\n"
        let start = Date()
        let r = try Binary.run(["repl"], stdin: stdin)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("5001\n"), String(r.stdout.suffix(40)))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testBinaryInputStopsWithAnError() throws {
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["repl"]
        p.standardInput = FileHandle(forReadingAtPath: "/dev/zero")
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertEqual(message, "error: line 1 of the input holds a NUL byte: binary input, not a program (stopped reading)\n")
        let nul = try Binary.run(["repl"], stdin: "1\n2\u{0}3\n4\n")
        XCTAssertEqual(nul.stdout, "1\n", "nothing after the NUL runs")
        XCTAssertEqual(nul.status, 1)
    }

    func testOverlongLinesAndEntriesAreCapped() throws {
        let line = try Binary.run(["repl"], stdin: "1\n" + String(repeating: " ", count: (1 << 20) + 10) + "2\n")
        XCTAssertEqual(line.status, 1)
        XCTAssertTrue(line.stderr.contains("line 2 of the input is longer than 1 MiB"), line.stderr)
        let entry = try Binary.run(["repl"], stdin: "(\n" + String(repeating: String(repeating: "1 +", count: 100) + "\n", count: 4000) + "\n7\n")
        XCTAssertEqual(entry.status, 1)
        XCTAssertTrue(entry.stderr.contains("this entry is longer than 1 MiB"), entry.stderr)
        XCTAssertTrue(entry.stdout.hasSuffix("7\n"), "the REPL goes on after dropping it: \(entry.stdout.suffix(20))")
    }

    func testCRLFAndBOMInput() throws {
        let r = try Binary.run(["repl"], stdin: "\u{FEFF}let x = 2\r\n(x +\r\n 1)\r\n")
        XCTAssertEqual(r.stdout, "3\n", r.stderr)
        XCTAssertEqual(r.status, 0)
    }

    func testSaveRefusesNamesThatAreNotFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvsave-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("d.kvnb"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Binary.run(["repl"], stdin: "1\n:save .\n:save ..\n:save sub/\n:save d\n:save x.kv\n:save s\n", cwd: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, """
            error: cannot save to .: name a file, such as session.kvnb
            error: cannot save to ..: name a file, such as session.kvnb
            error: cannot save to sub/: name a file, such as session.kvnb
            error: cannot save to d.kvnb: is a folder, not a file
            error: cannot save to x.kv: a session is saved as a notebook, NAME.kvnb

            """)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["d.kvnb", "s.kvnb"])
    }

    func testSaveDoesNotOverwriteALoadedNotebookAndLoadReadsCRLF() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notebook = "\u{FEFF}# Mine\r\n\r\nProse to keep.\r\n\r\n```kv\r\nlet a = 4 GiB\r\n```\r\n"
        try Data(notebook.utf8).write(to: dir.appendingPathComponent("nb.kvnb"))
        try Data("\u{FEFF}let b = 2\r\nb * 3\r\n".utf8).write(to: dir.appendingPathComponent("s.kv"))
        let r = try Binary.run(["repl"], stdin: ":load nb.kvnb\n:load s.kv\na / b\n:save nb\n:save copy\n", cwd: dir,
                               environment: ["NO_COLOR": "1"])
        XCTAssertEqual(r.stdout, "loaded nb.kvnb\n6\nloaded s.kv\n2 GiB\nsaved 3 entries to copy.kvnb\n", r.stderr)
        XCTAssertEqual(r.stderr, "error: cannot save to nb.kvnb: is the notebook \(dir.path)/nb.kvnb itself; writing would "
                       + "replace its source\n")
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("nb.kvnb")), Data(notebook.utf8))
    }
}
