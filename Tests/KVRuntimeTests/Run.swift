import KVLang
import KVRuntime
import XCTest

/// A fresh session per program; its result or the diagnostic it fails with.
enum Run {
    static func session() -> Session {
        do { return try Session() } catch {
            fatalError("stdlib failed to load: \(DiagnosticRenderer().render(error))")
        }
    }

    static func value(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Value? {
        do { return try session().run(SourceFile(name: "<test>", text: source)).last } catch {
            XCTFail("unexpected error: \(DiagnosticRenderer().render(error))", file: file, line: line)
            return nil
        }
    }

    static func number(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        guard case .quantity(let q)? = value(source, file: file, line: line) else {
            XCTFail("not a number: \(source)", file: file, line: line)
            return .nan
        }
        return q.value
    }

    static func error(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        do {
            try session().run(SourceFile(name: "<test>", text: source))
            XCTFail("expected an error from: \(source)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// The text the diagnostic's span covers.
    static func culprit(_ d: Diagnostic?) -> String? { d?.span.text }
}
