import KVLang
import KVRuntime

/// A notebook with its results as Markdown (DESIGN §4): prose with inline values, each cell's code (unless
/// hidden) and its results, errors under their cells. Deterministic: the same notebook and parameters give the
/// same bytes.
public struct MarkdownRenderer {
    /// How charts appear: SVG files in a folder beside the Markdown (linked), or markers the HTML page replaces
    /// with inline SVG.
    public enum ChartMode {
        case files(folder: String)
        case placeholders
    }

    public let notebook: Notebook
    public let run: NotebookRun
    public let charts: ChartMode

    public init(notebook: Notebook, run: NotebookRun, charts: ChartMode) {
        self.notebook = notebook
        self.run = run
        self.charts = charts
    }

    /// The Markdown, and the charts in order with the name each was given (`folder/cell-3.svg`, or the marker).
    public func render() -> (markdown: String, charts: [(name: String, chart: Chart)]) {
        var out = Output()
        out.block("<!-- Rendered by `kvcalc run` from \(notebook.name): edit the notebook, not this file. -->\n")
        for block in notebook.blocks {
            switch block {
            case .prose(let segments):
                out.prose(segments.map(prose).joined())
            case .cell(let cell):
                self.cell(cell, into: &out)
                if run.stoppedAtCell == cell.number { out.block(Self.stopNote("this error")) }
            }
        }
        if run.stopped, run.stoppedAtCell == nil { out.block(Self.stopNote("the inline error marked ⚠ above")) }
        return (out.text.trimmingTrailingNewlines + "\n", out.charts.map { ($0.name, $0.chart) })
    }

    /// Without --keep-going the run stops at its first error; the cells after it show their code only.
    static func stopNote(_ at: String) -> String {
        "*The run stopped at \(at); nothing after it ran. `kvcalc run --keep-going` runs past it.*\n"
    }

    private func prose(_ segment: ProseSegment) -> String {
        switch segment {
        case .text(let t): return t
        case .inline(let e):
            switch run.outcome(of: e) {
            case .value(let v): return MarkdownText.escapeInline(run.formatter.cell(v))
            case .failed(let message):
                let head = message.split(separator: "\n").first.map(String.init) ?? message
                return "**⚠ \(MarkdownText.escapeInline(head))**"
            case .notRun: return "`\(e.code)`"
            }
        }
    }

    private func cell(_ cell: Cell, into out: inout Output) {
        if !cell.options.hideCode { out.block(MarkdownText.fenced(cell.code, info: "kv")) }
        let outcome = run.outcome(of: cell)
        if cell.isParameters, !cell.options.hideOutput, !run.parameters.isEmpty {
            out.block(MarkdownText.table(
                header: ["parameter", "value", "set by"],
                rows: run.parameters.map { [$0.name, run.formatter.cell($0.value), $0.overridden ? "-p" : "default"] },
                rightAligned: [false, true, false]))
        }
        switch outcome {
        case .values(let values):
            if !cell.options.hideOutput { self.values(values, cell: cell, into: &out) }
        case .expectedError(let values, let message):
            guard !cell.options.hideOutput else { break }
            self.values(values, cell: cell, into: &out)
            out.block("Fails, as expected:\n\n" + MarkdownText.fenced(message, info: "error"))
        case .failed(let values, let message):
            self.values(values, cell: cell, into: &out)
            out.block("**Error:**\n\n" + MarkdownText.fenced(message, info: "error"))
        case .skipped:
            out.block("*Not run (`skip`).*\n")
        case .notRun:
            break
        }
    }

    /// Plain values gather into one text block; records and tables become Markdown tables, charts images.
    private func values(_ values: [Value], cell: Cell, into out: inout Output) {
        var text: [String] = []
        func flush() {
            if !text.isEmpty { out.block(MarkdownText.fenced(text.joined(separator: "\n"), info: "text")) }
            text = []
        }
        for v in values {
            switch v {
            case .record(let r) where !r.isEmpty:
                flush()
                out.block(MarkdownText.record(r, formatter: run.formatter))
            case .table(let t) where !t.columns.isEmpty:
                flush()
                out.block(MarkdownText.table(t, formatter: run.formatter))
            case .chart(let c):
                flush()
                let number = out.charts.filter { $0.cell == cell.number }.count + 1
                let base = number == 1 ? cell.name : "\(cell.name)-\(number)"
                switch charts {
                case .files(let folder):
                    let name = "\(folder)/\(base).svg"
                    out.charts.append((name, c, cell.number))
                    out.block("![\(MarkdownText.escapeInline(c.title))](\(name))\n")
                case .placeholders:
                    let name = HTMLPage.placeholder(out.charts.count)
                    out.charts.append((name, c, cell.number))
                    out.block(name + "\n")
                }
            default:
                text.append(run.formatter.format(v))
            }
        }
        flush()
    }

    /// The text so far, kept so that every generated block stands apart by one blank line.
    private struct Output {
        var text = ""
        var charts: [(name: String, chart: Chart, cell: Int)] = []
        var afterBlock = false

        mutating func block(_ s: String) {
            separate()
            text += s
            afterBlock = true
        }

        mutating func prose(_ s: String) {
            if afterBlock, !s.hasPrefix("\n") { separate() }
            text += s
            afterBlock = false
        }

        private mutating func separate() {
            guard !text.isEmpty else { return }
            if !text.hasSuffix("\n") { text += "\n" }
            if !text.hasSuffix("\n\n") { text += "\n" }
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
