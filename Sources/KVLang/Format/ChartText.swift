/// Charts as text, for the terminal: one horizontal bar per point, in eighths of a character, with its value.
/// Line and bar charts print alike; the SVG rendering (KVNotebook) draws them properly.
extension ValueFormatter {
    static let barWidth = 40

    func chart(_ c: Chart) -> String {
        var lines = [c.title]
        let labelWidth = c.xLabels.map(\.count).max() ?? 0
        let top = c.series.flatMap(\.values).map { Swift.abs($0) }.filter(\.isFinite).max() ?? 0
        for s in c.series {
            if c.series.count > 1 { lines.append(s.name + ":") }
            for (label, v) in zip(c.xLabels, s.values) {
                let eighths = top > 0 && v.isFinite ? Int((Swift.max(v, 0) / top * Double(Self.barWidth * 8)).rounded()) : 0
                let bar = String(repeating: "█", count: eighths / 8) + Self.partial(eighths % 8)
                let pad = String(repeating: " ", count: labelWidth - label.count)
                lines.append("\(pad)\(label) │\(bar) \(NumberFormat.format(v))")
            }
        }
        lines.append("x: \(c.x.label), y: \(c.y.label)")
        return lines.joined(separator: "\n")
    }

    private static func partial(_ eighths: Int) -> String {
        eighths == 0 ? "" : String(Array("▏▎▍▌▋▊▉")[eighths - 1])
    }
}
