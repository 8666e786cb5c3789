import KVLang
import KVRuntime

/// What running a notebook produced: each cell's outcome, each inline value, the parameters used, and the errors.
public struct NotebookRun {
    public enum Outcome {
        /// Ran; its top-level values in order.
        case values([Value])
        /// Failed as `expect-error` asked: the values before the error and the rendered diagnostic.
        case expectedError([Value], String)
        /// An unexpected error (or an `expect-error` cell that succeeded): the values before it and the message.
        case failed([Value], String)
        /// `skip`: shown, not run.
        case skipped
        /// After an error, without `--keep-going`.
        case notRun
    }

    public enum InlineOutcome {
        case value(Value)
        case failed(String)
        case notRun
    }

    /// A parameter as the rendering lists it.
    public struct Parameter {
        public let name: String
        public let value: Value
        /// Set with `-p` rather than the notebook's default.
        public let overridden: Bool
    }

    /// By cell number.
    public internal(set) var cells: [Int: Outcome] = [:]
    /// By line and column of the inline expression.
    public internal(set) var inline: [InlineKey: InlineOutcome] = [:]
    public internal(set) var parameters: [Parameter] = []
    /// Every unexpected error, rendered (`file:line:col: error: …` with its snippet), in notebook order.
    public internal(set) var errors: [String] = []
    /// Formats the values (the session's units).
    public let formatter: ValueFormatter

    /// True when an error stopped the run (without `--keep-going`); `stoppedAtCell` is its cell, nil for an
    /// inline expression.
    public internal(set) var stopped = false
    public internal(set) var stoppedAtCell: Int?

    public var failed: Bool { !errors.isEmpty }

    public struct InlineKey: Hashable {
        public let line: Int
        public let column: Int

        public init(_ e: InlineExpression) {
            line = e.line
            column = e.column
        }
    }

    public func outcome(of cell: Cell) -> Outcome { cells[cell.number] ?? .notRun }

    public func outcome(of e: InlineExpression) -> InlineOutcome { inline[InlineKey(e)] ?? .notRun }
}
