import Foundation
import KVLang
import KVRuntime

/// A chart as a standalone SVG: title, axes with their units, grid, lines or grouped bars, a legend for several
/// series. Coordinates are printed with one decimal, so the same chart gives the same bytes.
public struct SVGChart {
    public let chart: Chart
    let width = 640.0, height = 360.0
    let left = 86.0, right = 20.0, top = 40.0, bottom = 58.0
    static let palette = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5"]

    public init(_ chart: Chart) { self.chart = chart }

    public var svg: String {
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12" role="img" aria-label="\(xml(chart.title))">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(n(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="600" fill="#1f2328">\(xml(chart.title))</text>

            """
        let values = chart.series.flatMap(\.values).filter(\.isFinite)
        let yScale = Scale(ticksFor: min(0, values.min() ?? 0), max(0, values.max() ?? 1))
        let plotBottom = height - bottom, plotRight = width - right
        func y(_ v: Double) -> Double { plotBottom - yScale.fraction(v) * (plotBottom - top) }
        for t in yScale.ticks {
            out += line(left, y(t), plotRight, y(t), stroke: t == 0 ? "#57606a" : "#d0d7de")
            out += text(NumberFormat.format(t), x: left - 6, y: y(t) + 4, anchor: "end")
        }
        out += line(left, top, left, plotBottom, stroke: "#57606a")
        switch chart.kind {
        case .line: out += lines(y: y)
        case .bar: out += bars(y: y)
        }
        out += text(chart.x.label, x: (left + plotRight) / 2, y: height - 12, anchor: "middle", weight: "600")
        let yMid = (top + plotBottom) / 2
        out += "<text x=\"14\" y=\"\(n(yMid))\" text-anchor=\"middle\" font-weight=\"600\" fill=\"#1f2328\" "
            + "transform=\"rotate(-90 14 \(n(yMid)))\">\(xml(chart.y.label))</text>\n"
        if chart.series.count > 1 { out += legend() }
        return out + "</svg>\n"
    }

    /// Numeric x: a polyline with a dot at each point, per series.
    private func lines(y: (Double) -> Double) -> String {
        let xs = chart.xValues ?? chart.xLabels.indices.map(Double.init)
        let xScale = Scale(ticksFor: xs.min() ?? 0, xs.max() ?? 1)
        let plotRight = width - right, plotBottom = height - bottom
        func x(_ v: Double) -> Double { left + xScale.fraction(v) * (plotRight - left) }
        var out = ""
        for t in xScale.ticks {
            out += line(x(t), plotBottom, x(t), plotBottom + 5, stroke: "#57606a")
            out += text(NumberFormat.format(t), x: x(t), y: plotBottom + 18, anchor: "middle")
        }
        out += line(left, plotBottom, plotRight, plotBottom, stroke: "#57606a")
        for (k, s) in chart.series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            // Left to right, whatever the table's row order (a sweep over two lists revisits x).
            let points = zip(xs, s.values).filter { $0.0.isFinite && $0.1.isFinite }.enumerated()
                .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
            let path = points.map { "\(n(x($0.0))),\(n(y($0.1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for p in points {
                out += "<circle cx=\"\(n(x(p.0)))\" cy=\"\(n(y(p.1)))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
        }
        return out
    }

    /// Categories on x: a group of bars per category, one bar per series.
    private func bars(y: (Double) -> Double) -> String {
        let count = max(1, chart.xLabels.count)
        let plotRight = width - right, plotBottom = height - bottom
        let band = (plotRight - left) / Double(count)
        let barWidth = band * 0.8 / Double(max(1, chart.series.count))
        var out = line(left, plotBottom, plotRight, plotBottom, stroke: "#57606a")
        let maxChars = max(3, Int(band / 7))
        for (i, label) in chart.xLabels.enumerated() {
            let shown = label.count > maxChars ? String(label.prefix(maxChars - 1)) + "…" : label
            out += text(shown, x: left + band * (Double(i) + 0.5), y: plotBottom + 18, anchor: "middle")
        }
        for (k, s) in chart.series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            for (i, v) in s.values.enumerated() where v.isFinite {
                let x = left + band * Double(i) + band * 0.1 + barWidth * Double(k)
                let (y0, y1) = (min(y(v), y(0)), max(y(v), y(0)))
                out += "<rect x=\"\(n(x))\" y=\"\(n(y0))\" width=\"\(n(barWidth))\" height=\"\(n(y1 - y0))\" fill=\"\(color)\">"
                    + "<title>\(xml(chart.xLabels[i])): \(xml(NumberFormat.format(v))) \(xml(chart.y.unit))</title></rect>\n"
            }
        }
        return out
    }

    private func legend() -> String {
        var out = ""
        let x = width - right - 150
        for (k, s) in chart.series.enumerated() {
            let y = top + 6 + Double(k) * 16
            out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"10\" height=\"10\" fill=\"\(Self.palette[k % Self.palette.count])\"/>\n"
            out += text(s.name, x: x + 14, y: y + 9, anchor: "start")
        }
        return out
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\"/>\n"
    }

    private func text(_ s: String, x: Double, y: Double, anchor: String, weight: String? = nil) -> String {
        let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
        return "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(w) fill=\"#1f2328\">\(xml(s))</text>\n"
    }

    private func n(_ v: Double) -> String {
        let s = String(format: "%.1f", v)
        return s == "-0.0" ? "0.0" : s
    }

    private func xml(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// An axis range widened to round ticks (1, 2 or 5 times a power of ten), about five of them.
struct Scale {
    let low: Double
    let high: Double
    let ticks: [Double]

    init(ticksFor lo: Double, _ hi: Double) {
        var (lo, hi) = (lo, hi)
        if !(hi > lo) { (lo, hi) = (lo - 1, hi + 1) }
        let raw = (hi - lo) / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        low = first * step
        high = last * step
        // Multiplying (rather than adding steps) keeps 0.30000000000000004 out of the labels.
        ticks = stride(from: first, through: last, by: 1).map { ($0 * step * 1e12).rounded() / 1e12 }
    }

    func fraction(_ v: Double) -> Double { high > low ? (v - low) / (high - low) : 0.5 }
}
