@testable import KVNotebook
import XCTest

/// Renders each notebook in Golden/ and compares with the files beside it: NAME.md (and NAME_files/*.svg) for
/// Markdown, NAME.html for HTML. KVCALC_UPDATE_GOLDEN=1 rewrites them.
final class GoldenTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let update = ProcessInfo.processInfo.environment["KVCALC_UPDATE_GOLDEN"] == "1"

    private func notebooks() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Self.folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "kvnb" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    private func render(_ url: URL, html: Bool) throws -> Rendering {
        let nb = try NotebookParser.parse(try String(contentsOf: url, encoding: .utf8), path: url.path)
        let run = try NotebookRunner(overrides: [], keepGoing: true).run(nb)
        let page = url.deletingPathExtension().appendingPathExtension(html ? "html" : "md")
        return html ? Rendering.html(nb, run) : Rendering.markdown(nb, run, pagePath: page.path)
    }

    func testMarkdownAndHTMLRenderings() throws {
        let files = try notebooks()
        XCTAssertFalse(files.isEmpty)
        for url in files {
            for html in [false, true] {
                let page = url.deletingPathExtension().appendingPathExtension(html ? "html" : "md")
                let rendering = try render(url, html: html)
                if Self.update {
                    try rendering.write(to: page)
                    continue
                }
                XCTAssertNil(rendering.differences(from: page), "\(page.lastPathComponent) differs from its golden file")
            }
        }
    }

    func testRenderingIsDeterministic() throws {
        for url in try notebooks() {
            XCTAssertEqual(try render(url, html: false), try render(url, html: false))
            XCTAssertEqual(try render(url, html: true), try render(url, html: true))
        }
    }
}
