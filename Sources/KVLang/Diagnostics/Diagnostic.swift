/// Every error kvcalc reports about a program: what went wrong, where, and how to fix it.
/// Content only; `DiagnosticRenderer` is the one place that turns it into text.
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case syntax = "syntax error"
        case name = "unknown name"
        case dimension = "dimension mismatch"
        case type = "type error"
        case argument = "argument error"
        case numeric = "numeric error"
        case limit = "limit exceeded"
        case assertion = "assertion failed"
        case engine = "error"
        case io = "i/o error"
    }

    public var kind: Kind
    public var message: String
    public var span: Span
    public var hint: String?
    /// Secondary places worth showing, e.g. the operands of a mismatched operator.
    public var notes: [(String, Span)]

    public init(_ kind: Kind, _ message: String, at span: Span, hint: String? = nil, notes: [(String, Span)] = []) {
        self.kind = kind
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
    }

    public static func == (a: Diagnostic, b: Diagnostic) -> Bool {
        a.kind == b.kind && a.message == b.message && a.span == b.span && a.hint == b.hint
    }

    /// `file:line:col` of the span's start, or nil for a diagnostic without a place.
    public var location: (file: String, line: Int, column: Int)? {
        guard let file = span.file else { return nil }
        let (line, column) = file.location(of: span.start)
        return (file.name, line, column)
    }
}
