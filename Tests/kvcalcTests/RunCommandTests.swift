import Foundation
import XCTest

/// `kvcalc run`: notebooks rendered end to end, written atomically, checked against committed renderings.
final class RunCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kvcalc-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func notebook(_ text: String, name: String = "nb.kvnb") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private let good = """
        # Sizes

        ```kv params
        batch = 4
        ```

        The cache holds `{kv} batch * 1 Ki tokens`.

        ```kv id=sweep
        let t = sweep(fn(b) = b * 1 GiB, b: [1, 2, 4])
        plot(t, x: "b", y: "value")
        ```

        """

    func testRendersToStdout() throws {
        let nb = try notebook(good)
        let r = try Binary.run(["run", nb.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("The cache holds 4096 tokens."), r.stdout)
        XCTAssertTrue(r.stdout.contains("![value by b](nb_files/sweep.svg)"), r.stdout)
        XCTAssertEqual(r.stderr, "")
    }

    func testParameterOverridesFromTheCommandLine() throws {
        let nb = try notebook(good)
        let r = try Binary.run(["run", nb.path, "-p", "batch=8"])
        XCTAssertTrue(r.stdout.contains("The cache holds 8192 tokens."), r.stdout)
        XCTAssertTrue(r.stdout.contains("| batch | 8 | -p |"), r.stdout)
        let unknown = try Binary.run(["run", nb.path, "-p", "size=8"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr, "error: -p size: no such parameter (its parameters: batch)\n")
        XCTAssertEqual(unknown.stdout, "")
        let dimension = try Binary.run(["run", nb.path, "-p", "batch=8 GB"])
        XCTAssertEqual(dimension.status, 1)
        XCTAssertTrue(dimension.stderr.contains("`8 GB` is Information, but the default (4) is Scalar"), dimension.stderr)
        XCTAssertEqual(try Binary.run(["run", nb.path, "-p", "batch"]).status, 2)
    }

    func testOutputFileAndChartsAreWrittenWhole() throws {
        let nb = try notebook(good)
        let out = folder.appendingPathComponent("out.md")
        let r = try Binary.run(["run", nb.path, "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let md = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(md.contains("![value by b](out_files/sweep.svg)"), md)
        let svg = try String(contentsOf: folder.appendingPathComponent("out_files/sweep.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg)
        XCTAssertTrue(svg.contains("value (GiB)"), "the y axis carries its unit")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, ["nb.kvnb", "out.md", "out_files"], "no temporary files left behind")
    }

    func testAFailedRunLeavesTheOutputUntouchedAndPointsAtTheNotebook() throws {
        let nb = try notebook("# T\n\n```kv\nlet x = 1 GB\nx + 1 s\n```\n")
        let out = folder.appendingPathComponent("out.md")
        try "previous rendering\n".write(to: out, atomically: true, encoding: .utf8)
        let r = try Binary.run(["run", nb.path, "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("nb.kvnb:5:3: error: cannot add Information and Time"), r.stderr)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "previous rendering\n")
        XCTAssertEqual(try String(contentsOf: nb, encoding: .utf8), "# T\n\n```kv\nlet x = 1 GB\nx + 1 s\n```\n",
                       "the notebook is never modified")
        // The error appears under its cell in what is printed.
        let printed = try Binary.run(["run", nb.path])
        XCTAssertTrue(printed.stdout.contains("**Error:**\n\n```error\nnb.kvnb:5:3: error: cannot add"), printed.stdout)
    }

    func testKeepGoingRendersPastErrorsAndStillFails() throws {
        let nb = try notebook("```kv\n1 + \"a\"\n```\n\n```kv\n2 + 2\n```\n")
        let out = folder.appendingPathComponent("out.md")
        let r = try Binary.run(["run", nb.path, "--keep-going", "-o", out.path])
        XCTAssertEqual(r.status, 1)
        let md = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(md.contains("**Error:**"), md)
        XCTAssertTrue(md.contains("```text\n4\n```"), md)
        let stopped = try Binary.run(["run", nb.path])
        XCTAssertFalse(stopped.stdout.contains("```text\n4\n```"), stopped.stdout)
        XCTAssertTrue(stopped.stdout.contains("The run stopped at this error"), stopped.stdout)
    }

    func testMalformedNotebookNamesTheLine() throws {
        let nb = try notebook("# T\n\n```kv hide-cod\n1\n```\n")
        let r = try Binary.run(["run", nb.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("\(nb.path):3: error: unknown cell option `hide-cod`"), r.stderr)
        let unclosed = try Binary.run(["run", try notebook("```kv\n1\n", name: "open.kvnb").path])
        XCTAssertEqual(unclosed.status, 1)
        XCTAssertTrue(unclosed.stderr.contains("open.kvnb:1: error: this code fence is never closed"), unclosed.stderr)
    }

    func testCheckBothWays() throws {
        let nb = try notebook(good)
        XCTAssertEqual(try Binary.run(["run", nb.path, "-o", folder.appendingPathComponent("nb.md").path]).status, 0)
        let same = try Binary.run(["run", "--check", nb.path])
        XCTAssertEqual(same.status, 0, same.stdout + same.stderr)
        try good.replacingOccurrences(of: "batch = 4", with: "batch = 5").write(to: nb, atomically: true, encoding: .utf8)
        let differs = try Binary.run(["run", "--check", nb.path])
        XCTAssertEqual(differs.status, 1)
        XCTAssertTrue(differs.stdout.contains("-| batch | 4 | default |\n+| batch | 5 | default |"), differs.stdout)
        XCTAssertTrue(differs.stderr.contains("differs from a fresh rendering"), differs.stderr)
        XCTAssertEqual(try Binary.run(["run", "--check", "-o", "x.md", nb.path]).status, 2)
    }

    func testHTMLIsOneSelfContainedPage() throws {
        let nb = try notebook(good)
        let r = try Binary.run(["run", "--html", nb.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(r.stdout.contains("<title>Sizes</title>"))
        XCTAssertTrue(r.stdout.contains("<figure>\n<svg xmlns"), "the chart is inline")
        XCTAssertFalse(r.stdout.contains("kvchart"), "no placeholder left")
        XCTAssertFalse(r.stdout.contains("src=") || r.stdout.contains("href="), "nothing external")
    }

    /// The sample notebooks' committed renderings are current (from any directory: they name the notebook by
    /// its file name).
    func testSampleNotebooksMatchTheirRenderings() throws {
        let dir = Binary.repoRoot.appendingPathComponent("notebooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".kvnb") }
            .map { String($0.dropLast(5)) }.sorted()
        XCTAssertTrue(Set(["tour", "kv-cache-101", "memory-breakdown", "hit-rate", "engine-capacity", "latency", "serving"]).isSubset(of: names), "\(names)")
        for name in names {
            let path = dir.appendingPathComponent("\(name).kvnb").path
            let r = try Binary.run(["run", "--check", path], cwd: URL(fileURLWithPath: "/"))
            XCTAssertEqual(r.status, 0, "\(name): \(r.stdout)\(r.stderr)")
        }
    }
}
