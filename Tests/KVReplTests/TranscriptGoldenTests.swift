import Foundation
import XCTest

/// Each Golden/NAME.in is a script of lines typed into the REPL (`^C` is Ctrl-C, the end is Ctrl-D); its
/// transcript must equal Golden/NAME.out. `$TMP` in a script stands for a fresh temporary directory and is written
/// back as `$TMP` in the transcript. KVCALC_UPDATE_GOLDEN=1 rewrites the .out files; review the diff.
final class TranscriptGoldenTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let update = ProcessInfo.processInfo.environment["KVCALC_UPDATE_GOLDEN"] == "1"

    func testTranscripts() throws {
        let scripts = try FileManager.default.contentsOfDirectory(at: Self.golden, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "in" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertFalse(scripts.isEmpty, "no scripts in \(Self.golden.path)")
        for script in scripts {
            let tmp = try temporaryDirectory(self).path
            let lines = try String(contentsOf: script, encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .map { $0.replacingOccurrences(of: "$TMP", with: tmp) }
            let actual = ScriptedSession(lines).transcript.replacingOccurrences(of: tmp, with: "$TMP")
            let goldenURL = script.deletingPathExtension().appendingPathExtension("out")
            if Self.update {
                try actual.write(to: goldenURL, atomically: true, encoding: .utf8)
                continue
            }
            let expected = (try? String(contentsOf: goldenURL, encoding: .utf8)) ?? "<missing \(goldenURL.lastPathComponent)>"
            XCTAssertEqual(actual, expected, "\(script.lastPathComponent): the transcript differs from its golden file")
        }
    }
}
