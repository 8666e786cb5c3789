import Ink
import KVLang
import KVRuntime

/// The notebook as one self-contained HTML page: the Markdown rendering through Ink, charts as inline SVG, and a
/// small readable stylesheet. No scripts, no external files.
public struct HTMLPage {
    public let notebook: Notebook
    public let run: NotebookRun
    /// Raw HTML and any link pass into the page as written; off, `HTMLSanitizer` keeps only what Ink writes.
    public let unsafeHTML: Bool

    public init(notebook: Notebook, run: NotebookRun, unsafeHTML: Bool = false) {
        self.notebook = notebook
        self.run = run
        self.unsafeHTML = unsafeHTML
    }

    /// An HTML comment Ink passes through untouched (a space after `<!--` makes it one), replaced by the SVG.
    static func placeholder(_ k: Int) -> String { "<!-- kvchart \(k) -->" }

    public var html: String {
        let (markdown, charts) = MarkdownRenderer(notebook: notebook, run: run, charts: .placeholders).render()
        var body = MarkdownParser().html(from: InkCompatibility.joinParagraphLines(markdown))
        if !unsafeHTML { body = HTMLSanitizer.sanitize(body) }
        for (name, chart) in charts {
            body = body.replacingOccurrences(of: name, with: "<figure>\n" + SVGChart(chart).svg + "</figure>")
        }
        let title = Self.title(of: notebook)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
    }

    /// The first `# ` heading, else the file's name.
    static func title(of notebook: Notebook) -> String {
        for case .prose(let segments) in notebook.blocks {
            for case .text(let t) in segments {
                for line in t.split(separator: "\n") where line.hasPrefix("# ") { return String(line.dropFirst(2)) }
            }
        }
        return notebook.name
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f8fa; color: #1f2328;
               font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        main { max-width: 48rem; margin: 2rem auto; padding: 2rem 2.5rem; background: #fff;
               border: 1px solid #d0d7de; border-radius: 8px; }
        h1, h2, h3 { line-height: 1.25; margin: 1.6em 0 0.6em; }
        h1 { margin-top: 0; font-size: 2rem; border-bottom: 1px solid #d8dee4; padding-bottom: 0.3em; }
        h2 { font-size: 1.45rem; border-bottom: 1px solid #d8dee4; padding-bottom: 0.3em; }
        code { font: 0.9em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
               background: #eff1f3; padding: 0.15em 0.35em; border-radius: 4px; }
        pre { line-height: 1.45; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.8em 1em;
              overflow-x: auto; }
        pre code { background: none; padding: 0; }
        pre code.language-kv { color: #0b4f9c; }
        pre:has(code.language-text) { background: #fff; border-left: 4px solid #2da44e; }
        pre:has(code.language-error) { background: #fff8f8; border-left: 4px solid #cf222e; }
        table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid #d0d7de; padding: 0.3em 0.75em; }
        th { background: #f6f8fa; }
        figure { margin: 1em 0; }
        svg { max-width: 100%; height: auto; border: 1px solid #d0d7de; border-radius: 6px; }
        blockquote { margin: 1em 0; padding: 0 1em; color: #59636e; border-left: 4px solid #d0d7de; }
        """
}
