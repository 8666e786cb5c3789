@testable import KVNotebook
import XCTest

/// `--html` pages from untrusted notebooks: raw HTML shown as text, unsafe links neutralised, Ink's own markup kept.
final class HTMLSanitizerTests: XCTestCase {
    private func page(_ prose: String, unsafe: Bool = false) throws -> String {
        let nb = try NotebookParser.parse("# T\n\n\(prose)\n\n```kv\n1 + 1\n```\n", path: "nb.kvnb")
        let html = HTMLPage(notebook: nb, run: try NotebookRunner().run(nb), unsafeHTML: unsafe).html
        let main = html.range(of: "<main>")!.upperBound..<html.range(of: "</main>")!.lowerBound
        return String(html[main])
    }

    func testRawHTMLIsShownAsText() throws {
        let body = try page("<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b> <iframe src=x></iframe>.")
        XCTAssertFalse(body.contains("<script"), body)
        XCTAssertTrue(body.contains("&lt;script>alert(1)&lt;/script>"), body)
        XCTAssertTrue(body.contains("&lt;b onclick=\"x()\">bold&lt;/b> &lt;iframe src=x>&lt;/iframe>"), body)
        // Ink's own markup and the page's comment stay.
        XCTAssertTrue(body.contains("<h1>T</h1>"), body)
        XCTAssertTrue(body.contains("<pre><code class=\"language-kv\">1 + 1"), body)
        XCTAssertTrue(body.contains("<!-- Rendered by `kvcalc run` from nb.kvnb"), body)
    }

    func testUnsafeLinksBecomeHash() throws {
        let body = try page("[a](javascript:alert(1)) [b](JavaScript:x) [c](data:text/html,x) [d](vbscript:x) "
                            + "[e](https://example.org/p?q=1) [f](java&#115;cript:x) ![g](data:image/svg+xml,x)")
        XCTAssertFalse(body.lowercased().contains("javascript:"), body)
        XCTAssertFalse(body.contains("data:"), body)
        XCTAssertFalse(body.contains("vbscript:"), body)
        XCTAssertTrue(body.contains("<a href=\"https://example.org/p?q=1\">e</a>"), body)
        XCTAssertEqual(body.components(separatedBy: "href=\"#\"").count - 1, 5, body)
        XCTAssertTrue(body.contains("<img src=\"#\" alt=\"g\"/>"), body)
    }

    func testSchemesHiddenByEntitiesAndControlCharacters() {
        for url in ["javascript:x", " javascript:x", "java\tscript:x", "&#106;avascript:x", "&#x6A;avascript:x",
                    "javascript&colon;x", "DATA:x", "vbscript:x"] {
            XCTAssertTrue(HTMLSanitizer.isUnsafe(url), url)
        }
        for url in ["https://x.org", "#top", "page.html", "mailto:a@b.c", "x_files/c.svg"] {
            XCTAssertFalse(HTMLSanitizer.isUnsafe(url), url)
        }
    }

    func testCommentsThatCouldEndEarlyAreText() {
        XCTAssertEqual(HTMLSanitizer.sanitize("<!-- ok --><p>x</p>"), "<!-- ok --><p>x</p>")
        XCTAssertEqual(HTMLSanitizer.sanitize("<!-- --!><script>x</script> -->"),
                       "&lt;!-- --!>&lt;script>x&lt;/script> -->")
        XCTAssertEqual(HTMLSanitizer.sanitize("<th style=\"text-align: right;\">a</th>"),
                       "<th style=\"text-align: right;\">a</th>")
        XCTAssertEqual(HTMLSanitizer.sanitize("<td style=\"background: red\">a</td>"),
                       "&lt;td style=\"background: red\">a</td>")
    }

    func testUnsafeHTMLPassesThrough() throws {
        let body = try page("<b>bold</b> [a](javascript:alert(1))", unsafe: true)
        XCTAssertTrue(body.contains("<b>bold</b>"), body)
        XCTAssertTrue(body.contains("href=\"javascript:alert(1)\""), body)
    }
}
