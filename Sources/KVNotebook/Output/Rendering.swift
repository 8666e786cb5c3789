import Foundation
import KVLang
import KVRuntime

/// A finished rendering: the page (Markdown or HTML) and the files that go beside it (the charts' SVGs, by path
/// relative to the page's folder).
public struct Rendering: Equatable {
    public let text: String
    public let files: [File]
    /// The folder beside the page that holds its charts (`NAME_files`); nil for a page with nowhere for files.
    public let chartFolder: String?

    public init(text: String, files: [File], chartFolder: String? = nil) {
        self.text = text
        self.files = files
        self.chartFolder = chartFolder ?? files.first.flatMap { $0.path.split(separator: "/").first.map(String.init) }
    }

    public struct File: Equatable {
        public let path: String
        public let contents: String
    }

    /// Markdown for a page at `pagePath` (only its name matters): charts go to `NAME_files/` beside it.
    public static func markdown(_ notebook: Notebook, _ run: NotebookRun, pagePath: String) -> Rendering {
        let name = URL(fileURLWithPath: pagePath).deletingPathExtension().lastPathComponent
        let (text, charts) = MarkdownRenderer(notebook: notebook, run: run, charts: .files(folder: "\(name)_files"))
            .render()
        return Rendering(text: text, files: charts.map { File(path: $0.name, contents: SVGChart($0.chart).svg) },
                         chartFolder: "\(name)_files")
    }

    public static func html(_ notebook: Notebook, _ run: NotebookRun, unsafeHTML: Bool = false) -> Rendering {
        Rendering(text: HTMLPage(notebook: notebook, run: run, unsafeHTML: unsafeHTML).html, files: [])
    }

    /// Writes the page and its chart folder together or not at all (`PageWriter`).
    public func write(to page: URL) throws {
        try PageWriter(page: page, text: text, chartFolder: chartFolder, files: files).write()
    }

    /// Writes to where `-o` pointed: a file with its charts, or a stream (the page alone, as on stdout).
    public func write(to target: OutputTarget) throws {
        switch target {
        case .file(let path): try write(to: URL(fileURLWithPath: path))
        case .stream(let path): try OutputTarget.writeThrough(text, to: path)
        }
    }

    /// Compares with a committed rendering at `page` (and the files beside it): nil when identical, else a report
    /// with a diff.
    public func differences(from page: URL) -> String? {
        var report: [String] = []
        let folder = page.deletingLastPathComponent()
        // A rendering checked out with CRLF line ends (git on Windows) is the same rendering.
        if let old = (try? String(contentsOf: page, encoding: .utf8))?.replacingOccurrences(of: "\r\n", with: "\n") {
            if old != text { report.append(TextDiff.unified(old: old, new: text, oldName: page.path, newName: "fresh rendering")) }
        } else {
            report.append("\(page.path) is missing: render it with `kvcalc run NOTEBOOK -o \(page.path)`")
        }
        for f in files {
            let url = folder.appendingPathComponent(f.path)
            guard let old = try? String(contentsOf: url, encoding: .utf8) else {
                report.append("\(url.path) is missing")
                continue
            }
            if old != f.contents { report.append(TextDiff.unified(old: old, new: f.contents, oldName: url.path, newName: "fresh rendering")) }
        }
        return report.isEmpty ? nil : report.joined(separator: "\n\n")
    }
}
