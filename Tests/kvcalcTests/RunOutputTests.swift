import Foundation
import XCTest

/// `kvcalc run` end to end on hostile inputs and outputs: CRLF notebooks, `-o` the notebook itself or a node that
/// is not a regular file, failed runs, relative paths, raw HTML.
final class RunOutputTests: XCTestCase {
    private var folder: URL!
    private let fm = FileManager.default

    override func setUpWithError() throws {
        folder = fm.temporaryDirectory.appendingPathComponent("kvcalc-out-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? fm.removeItem(at: folder) }

    private func file(_ name: String, _ text: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    private func listing(_ url: URL) -> [String] { ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }

    private let charted = "# C\n\n```kv id=s\nlet t = sweep(fn(b) = b * 1 GiB, b: [1, 2])\nplot(t, x: \"b\", y: \"value\")\n```\n"

    func testCRLFAndBOMNotebooksRunTheirCells() throws {
        let lf = "# T\n\n```kv\t hide-code\nlet a = 6 GiB\na / 2\n```\n\nHalf is `{kv} a / 2`.\n"
        for (name, text) in [("crlf.kvnb", lf.replacingOccurrences(of: "\n", with: "\r\n")),
                             ("cr.kvnb", lf.replacingOccurrences(of: "\n", with: "\r")),
                             ("bom.kvnb", "\u{FEFF}" + lf.replacingOccurrences(of: "\n", with: "\r\n"))] {
            let r = try Binary.run(["run", try file(name, text).path])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("```text\n3 GiB\n```"), "\(name): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("Half is 3 GiB."), "\(name): \(r.stdout)")
            XCTAssertFalse(r.stdout.contains("let a"), "\(name): hide-code after a tab is honoured")
        }
    }

    func testAMisspelledCellFailsTheRun() throws {
        let r = try Binary.run(["run", try file("m.kvnb", "# T\n\n```KV\n1 + 1\n```\n").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("m.kvnb:3: error: ```KV is not a kv cell"), r.stderr)
    }

    func testRepeatedParameterIsBadUsage() throws {
        let nb = try file("p.kvnb", "```kv params\nbatch = 1\n```\n")
        let r = try Binary.run(["run", nb.path, "-p", "batch=2", "-p", "batch = 3"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("-p batch is given twice."), r.stderr)
    }

    func testOutputThatIsTheNotebookIsRefused() throws {
        let nb = try file("nb.kvnb", charted)
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("link.md").path, withDestinationPath: nb.path)
        for output in [nb.path, folder.path + "/./nb.kvnb", folder.appendingPathComponent("link.md").path] {
            let r = try Binary.run(["run", nb.path, "-o", output])
            XCTAssertEqual(r.status, 2, output)
            XCTAssertEqual(r.stderr, "error: -o \(output): is the notebook \(nb.path) itself; writing would replace its source\n")
            XCTAssertEqual(try String(contentsOf: nb, encoding: .utf8), charted, "the source is untouched")
        }
        XCTAssertEqual(listing(folder), ["link.md", "nb.kvnb"], "no chart folder either")
    }

    func testOutputFolderIsAClearError() throws {
        let nb = try file("nb.kvnb", charted)
        let r = try Binary.run(["run", nb.path, "-o", folder.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: -o \(folder.path): is a folder, not a file\n")
    }

    func testDevNullStaysADevice() throws {
        let r = try Binary.run(["run", try file("nb.kvnb", charted).path, "-o", "/dev/null"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
        XCTAssertFalse(fm.fileExists(atPath: "/dev/null_files"))
    }

    func testDevStdoutRedirectedToAFileAppendsToIt() throws {
        // `kvcalc run nb.kvnb -o /dev/stdout >> log.md`: the shell's descriptor, not a file renamed over log.md.
        let nb = try file("nb.kvnb", charted)
        let log = try file("log.md", "before\n")
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = ["run", nb.path, "-o", "/dev/stdout"]
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        p.standardOutput = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        XCTAssertEqual(p.terminationStatus, 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("before\n<!-- Rendered by `kvcalc run` from nb.kvnb"), text)
        XCTAssertEqual(listing(folder), ["log.md", "nb.kvnb"], "no chart folder beside a stream")
    }

    func testAFIFOIsWrittenThroughToItsReader() throws {
        let nb = try file("nb.kvnb", charted)
        let fifo = folder.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A reader in the background, as `cat pipe` in another shell.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        let r = try Binary.run(["run", nb.path, "-o", fifo])
        let page = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(page.hasPrefix("<!-- Rendered by `kvcalc run` from nb.kvnb"), page)
        XCTAssertTrue(page.contains("![value by b](nb_files/s.svg)"), page)
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "still a FIFO")
        XCTAssertEqual(listing(folder), ["nb.kvnb", "pipe"], "no chart files beside a stream")
    }

    func testAFailedRunWritesNothing() throws {
        let nb = try file("nb.kvnb", charted + "\n```kv\n1 GB + 1 s\n```\n")
        let out = folder.appendingPathComponent("out")
        let r = try Binary.run(["run", nb.path, "-o", out.appendingPathComponent("x.md").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(fm.fileExists(atPath: out.path), "no folder, no page, no chart: \(listing(out))")
        // A page path that is a folder: refused before the run, and the charts are not left behind.
        try fm.createDirectory(at: out.appendingPathComponent("y.md"), withIntermediateDirectories: true)
        let good = try file("good.kvnb", charted)
        let r2 = try Binary.run(["run", good.path, "-o", out.appendingPathComponent("y.md").path])
        XCTAssertEqual(r2.status, 2)
        XCTAssertEqual(listing(out), ["y.md"])
    }

    func testARerunReplacesTheChartFolder() throws {
        let nb = try file("nb.kvnb", charted + "\n```kv id=t\nplot(t, x: \"b\", y: \"value\")\n```\n")
        let page = folder.appendingPathComponent("r/x.md")
        XCTAssertEqual(try Binary.run(["run", nb.path, "-o", page.path]).status, 0)
        XCTAssertEqual(listing(folder.appendingPathComponent("r/x_files")), ["s.svg", "t.svg"])
        try Data(charted.utf8).write(to: nb)
        XCTAssertEqual(try Binary.run(["run", nb.path, "-o", page.path]).status, 0)
        XCTAssertEqual(listing(folder.appendingPathComponent("r/x_files")), ["s.svg"], "t.svg's cell is gone")
        XCTAssertEqual(listing(folder.appendingPathComponent("r")), ["x.md", "x_files"])
    }

    func testRelativePathsResolveAgainstTheFilesFolder() throws {
        let config = Binary.repoRoot.appendingPathComponent("Tests/KVEngineTests/Fixtures/hf/llama-3-8b.json")
        try fm.copyItem(at: config, to: folder.appendingPathComponent("sub/config.json").creatingFolder())
        let trace = Binary.repoRoot.appendingPathComponent("Tests/KVEngineTests/Fixtures/traces/order.jsonl")
        try fm.copyItem(at: trace, to: folder.appendingPathComponent("sub/t.jsonl"))
        _ = try file("sub/nb.kvnb", """
            ```kv
            hf_config("config.json").layers
            replay("t.jsonl", capacity: 1000, block_size: 4).requests
            ```

            ```kv
            hf_config("missing.json")
            ```

            """)
        _ = try file("sub/s.kv", "hf_config(\"config.json\").layers\nreplay_curve(\"t.jsonl\", block_size: 4, points: 2)\n")
        // Run from elsewhere (the temporary folder's parent), naming the files by relative paths.
        let cwd = folder.deletingLastPathComponent()
        let relative = folder.lastPathComponent + "/sub"
        let r = try Binary.run(["run", "\(relative)/nb.kvnb"], cwd: cwd)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("```text\n32\n4 req\n```"), r.stdout)
        XCTAssertTrue(r.stderr.contains("error: no such file: \(relative)/missing.json"), "the resolved path: \(r.stderr)")
        let script = try Binary.run(["\(relative)/s.kv"], cwd: cwd)
        XCTAssertEqual(script.status, 0, script.stderr)
        XCTAssertTrue(script.stdout.hasPrefix("32\n"), script.stdout)
        // eval and the REPL: the working directory.
        let eval = try Binary.run(["eval", "hf_config(\"sub/config.json\").layers"], cwd: folder)
        XCTAssertEqual(eval.stdout, "32\n", eval.stderr)
    }

    func testHTMLEscapesRawHTMLUnlessAsked() throws {
        let nb = try file("h.kvnb", "# H\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n")
        let safe = try Binary.run(["run", "--html", nb.path])
        XCTAssertEqual(safe.status, 0, safe.stderr)
        XCTAssertFalse(safe.stdout.contains("<script>"), safe.stdout)
        XCTAssertFalse(safe.stdout.contains("javascript:"), safe.stdout)
        XCTAssertTrue(safe.stdout.contains("&lt;script>alert(1)&lt;/script>"), safe.stdout)
        let unsafe = try Binary.run(["run", "--html", "--unsafe-html", nb.path])
        XCTAssertTrue(unsafe.stdout.contains("<script>alert(1)</script>"), unsafe.stdout)
    }
}

private extension URL {
    /// The URL, after creating the folder it is in.
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
