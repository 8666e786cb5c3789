/// A chart of a table's columns, as `plot(table, x:, y:)` makes it: the numbers are already in the units the axes
/// show, so every renderer (text, SVG) draws the same thing.
/// A class: a chart is immutable and large, and a Value holding it inline would make every Value copy large.
public final class Chart: Sendable {
    public enum Kind: String, Sendable { case line, bar }

    /// One plotted column.
    public struct Series: Sendable {
        public let name: String
        /// One value per point, in `Axis.unit`.
        public let values: [Double]

        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    /// An axis: its title (the column names) and the unit its numbers are in (empty for plain numbers).
    public struct Axis: Sendable {
        public let title: String
        public let unit: String

        public init(title: String, unit: String) {
            self.title = title
            self.unit = unit
        }

        /// `batch`, `KV cache (GiB)`.
        public var label: String { unit.isEmpty || unit == title ? title : "\(title) (\(unit))" }
    }

    public let kind: Kind
    public let title: String
    public let x: Axis
    public let y: Axis
    /// The x position of each point, in `x.unit`; nil for a bar chart of categories.
    public let xValues: [Double]?
    /// Each point's x as text: the category of a bar, the number of a line point.
    public let xLabels: [String]
    public let series: [Series]
    /// The table it was drawn from, for JSON.
    public let table: Table

    public init(kind: Kind, title: String, x: Axis, y: Axis, xValues: [Double]?, xLabels: [String], series: [Series],
         table: Table) {
        self.kind = kind
        self.title = title
        self.x = x
        self.y = y
        self.xValues = xValues
        self.xLabels = xLabels
        self.series = series
        self.table = table
    }
}
