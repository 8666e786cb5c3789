import KVLang
import KVRuntime
import XCTest

/// Helpers shared by the language tests: evaluate a program in a fresh session and look at the result as text,
/// as a value, or as the diagnostic it fails with.
enum Eval {
    static func session() -> Session {
        do { return try Session() } catch {
            fatalError("stdlib failed to load: \(DiagnosticRenderer().render(error))")
        }
    }

    /// The printed form of the last top-level value.
    static func text(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let s = session()
        do {
            let values = try s.run(SourceFile(name: "<test>", text: source))
            guard let last = values.last else { XCTFail("no value", file: file, line: line); return "" }
            return s.formatter.format(last)
        } catch {
            XCTFail("unexpected error: \(DiagnosticRenderer().render(error))", file: file, line: line)
            return ""
        }
    }

    static func json(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let s = session()
        do {
            guard let last = try s.run(SourceFile(name: "<test>", text: source)).last else { return "" }
            return try s.json.encode(last)
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return ""
        }
    }

    /// The last value as a quantity: its value in base units and the name of its dimension.
    static func quantity(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> (Double, String) {
        let s = session()
        do {
            guard case .quantity(let q)? = try s.run(SourceFile(name: "<test>", text: source)).last else {
                XCTFail("not a quantity", file: file, line: line)
                return (.nan, "")
            }
            return (q.value, s.interpreter.units.name(of: q.dimension))
        } catch {
            XCTFail("unexpected error: \(DiagnosticRenderer().render(error))", file: file, line: line)
            return (.nan, "")
        }
    }

    /// The diagnostic a program fails with.
    static func error(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        let s = session()
        do {
            try s.run(SourceFile(name: "<test>", text: source))
            XCTFail("expected an error from: \(source)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }
}
