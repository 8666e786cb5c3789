import Foundation
import KVLang
import XCTest

/// The scripts in examples/ run without error (the README points readers at them; tour.kv once failed unnoticed
/// when `kv_per_token` became a builtin), and where.kv prints what the README shows.
final class ExampleScriptsTests: XCTestCase {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardized

    private func run(_ url: URL) throws -> [String] {
        let session = Eval.session()
        let text = try String(contentsOf: url, encoding: .utf8)
        do {
            return try session.run(SourceFile(name: url.lastPathComponent, text: text)).map(session.formatter.format)
        } catch {
            XCTFail("\(url.lastPathComponent): \(DiagnosticRenderer().render(error))")
            return []
        }
    }

    func testEveryExampleRuns() throws {
        let scripts = try FileManager.default.contentsOfDirectory(at: ExampleScriptsTests.examples,
                                                                  includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "kv" }
        XCTAssertGreaterThanOrEqual(scripts.count, 3)
        for url in scripts { XCTAssertFalse(try run(url).isEmpty, url.lastPathComponent) }
    }

    func testWhereExample() throws {
        // 2 × 8 heads × 128 dims × 2 B = 4 KiB a layer; × 32 layers = 128 KiB/token; × 8 Ki tokens = 1 GiB.
        // 1000 = 62 × 16 + 8.
        XCTAssertEqual(try run(ExampleScriptsTests.examples.appendingPathComponent("where.kv")),
                       ["1 GiB", "[62, 8 tokens]"])
    }
}
