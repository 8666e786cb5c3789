import Foundation
import XCTest

/// `kvcalc FILE.kv` and programs on stdin.
final class ScriptTests: XCTestCase {
    private func temporaryScript(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kvcalc-\(UUID().uuidString).kv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testIssueScriptExample() throws {
        let script = try temporaryScript("""
            fn kv(m, bytes = 2 B) = 2 * m.layers * m.kv_heads * m.head_dim * bytes / token
            kv({layers: 32, kv_heads: 8, head_dim: 128} with {layers: 40})
            """)
        let r = try Binary.run([script.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "160 KiB/token\n")
    }

    func testWorksFromAnyDirectory() throws {
        // The stdlib is inside the binary: no files next to the working directory are needed.
        let r = try Binary.run(["eval", "1 GiB -> MiB"], cwd: URL(fileURLWithPath: "/"))
        XCTAssertEqual(r.stdout, "1024 MiB\n")
    }

    func testProgramOnStdin() throws {
        let r = try Binary.run([], stdin: "let x = 2 GiB\nx * 2\nx -> MiB\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "4 GiB\n2048 MiB\n")
    }

    func testErrorInAScriptKeepsEarlierOutputAndNamesTheFile() throws {
        let script = try temporaryScript("1 + 1\nlet y = 3 s\ny + 1 B\n")
        let r = try Binary.run([script.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "2\n")
        XCTAssertTrue(r.stderr.hasPrefix("\(script.path):3:3: error: cannot add Time and Information"), r.stderr)
        XCTAssertFalse(r.stderr.contains("\u{1B}["), "no colour when stderr is not a terminal")
    }
}
