import KVLang
import KVRuntime

/// One Session for the whole fuzzing process: the stdlib is loaded once and every input starts from the state right
/// after it (a Session per input would spend the run loading the stdlib).
public final class ProgramHarness {
    public let session: Session
    private let start: Interpreter.Snapshot
    /// Calls one input may make, so an exponential program ends well inside libFuzzer's one-second timeout.
    public static let callBudget = 20_000

    public init() {
        do { session = try Session() } catch { fatalError("the stdlib failed to load: \(error.message)") }
        start = session.interpreter.snapshot()
    }

    /// Runs `text` as a program named `name`, prints every value as text and as JSON, and returns to the start state.
    /// An error must carry a location: an error that points nowhere is a finding.
    public func run(_ text: String, name: String = "fuzz.kv") {
        defer { session.interpreter.recover(start) }
        session.interpreter.callBudget = Self.callBudget
        do {
            for value in try session.run(SourceFile(name: name, text: text)) { render(value) }
        } catch {
            Self.check(error, in: text)
        }
    }

    public func render(_ value: Value) {
        _ = session.formatter.format(value)
        _ = try? session.json.encode(value)
    }

    /// A located, non-empty diagnostic, or a trap that libFuzzer records as a finding.
    public static func check(_ error: Diagnostic, in text: String) {
        let rendered = DiagnosticRenderer().render(error)
        guard !rendered.isEmpty, error.location != nil else {
            fatalError("an error without a location: \(error.message) (kind \(error.kind))")
        }
    }
}

/// Input bytes as text, invalid UTF-8 replaced (kvcalc reads files the same way).
public func text(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}
