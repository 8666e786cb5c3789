import KVLang
import KVRuntime
import XCTest

/// Runs the programs in Examples/ and Errors/ and compares what they print with the golden files beside them
/// (`.out` for examples, `.err` for error cases: one file per error, with its rendered diagnostic).
/// KVCALC_UPDATE_GOLDEN=1 rewrites the golden files instead.
final class GoldenTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let update = ProcessInfo.processInfo.environment["KVCALC_UPDATE_GOLDEN"] == "1"

    private func programs(in folder: String) throws -> [URL] {
        let dir = GoldenTests.here.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "kv" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// What `kvcalc FILE` prints: each value, then the diagnostic if the program fails.
    private func transcript(_ url: URL, folder: String) throws -> (String, failed: Bool) {
        let text = try String(contentsOf: url, encoding: .utf8)
        let session = Eval.session()
        var lines: [String] = []
        do {
            for v in try session.run(SourceFile(name: "\(folder)/\(url.lastPathComponent)", text: text)) {
                lines.append(session.formatter.format(v))
            }
            return (lines.joined(separator: "\n") + "\n", false)
        } catch {
            lines.append(DiagnosticRenderer().render(error))
            return (lines.joined(separator: "\n") + "\n", true)
        }
    }

    private func check(folder: String, golden ext: String, expectFailure: Bool) throws {
        let files = try programs(in: folder)
        XCTAssertFalse(files.isEmpty, "no programs in \(folder)")
        for url in files {
            let (actual, failed) = try transcript(url, folder: folder)
            XCTAssertEqual(failed, expectFailure, "\(url.lastPathComponent): \(actual)")
            let goldenURL = url.deletingPathExtension().appendingPathExtension(ext)
            if GoldenTests.update {
                try actual.write(to: goldenURL, atomically: true, encoding: .utf8)
                continue
            }
            let expected = (try? String(contentsOf: goldenURL, encoding: .utf8)) ?? "<missing \(goldenURL.lastPathComponent)>"
            XCTAssertEqual(actual, expected, "\(folder)/\(url.lastPathComponent) differs from its golden file")
        }
    }

    func testExamples() throws { try check(folder: "Examples", golden: "out", expectFailure: false) }

    func testErrors() throws { try check(folder: "Errors", golden: "err", expectFailure: true) }

    /// The stdlib's own tests, written in the language with assert_eq.
    func testStdlibAssertions() throws {
        let files = try programs(in: "Stdlib")
        XCTAssertFalse(files.isEmpty)
        for url in files {
            let (out, failed) = try transcript(url, folder: "Stdlib")
            XCTAssertFalse(failed, "\(url.lastPathComponent):\n\(out)")
        }
    }
}
