import XCTest
@testable import kvcalc

/// `PlainCommandLine` reads a command line without ArgumentParser only where the two readings cannot differ: every
/// shape it takes must mean what ArgumentParser makes of it, and every shape it refuses is left to ArgumentParser.
final class PlainCommandLineTests: XCTestCase {
    /// What ArgumentParser makes of the arguments, in the same terms (nil for any other command or an error).
    private func parsed(_ arguments: [String]) -> PlainCommandLine? {
        guard let command = try? KVCalc.parseAsRoot(arguments) else { return nil }
        if let eval = command as? EvalCommand { return .eval(expression: eval.expression.joined(separator: " "), json: eval.json) }
        if let script = command as? ScriptCommand { return .script(file: script.file) }
        return nil
    }

    func testTakenShapesReadAsArgumentParserReadsThem() throws {
        let taken: [[String]] = [
            ["eval", "1"], ["eval", "--json", "2 GiB"], ["eval", "80 GB -> GiB"], ["eval", "json"],
            ["eval", "--json", "json"], ["eval", "eval"], ["eval", "replay(\"t.jsonl\", capacity: 100000)"],
            ["eval", " -1"], ["eval", "µs"], ["eval", "1\n2"], ["eval", "--json", "x"], ["eval", "--json", "run"],
            [], ["model.kv"], ["notes/run.kv"], ["evaluate"], ["Eval"], ["x y.kv"], ["µ.kv"], ["1"],
        ]
        for arguments in taken {
            let plain = try XCTUnwrap(PlainCommandLine.recognise(arguments), "\(arguments)")
            XCTAssertEqual(plain, parsed(arguments), "\(arguments)")
        }
    }

    func testEverythingElseIsLeftToArgumentParser() {
        let refused: [[String]] = [
            ["eval"], ["eval", "--json"], ["eval", "-1"], ["eval", "--help"], ["eval", "-h"], ["eval", "--"],
            ["eval", "--", "1"], ["eval", "1", "+", "2"], ["eval", "--json", "1", "2"], ["eval", ""],
            ["eval", "1", "--json"], ["eval", "--json", "--json", "1"], ["--json", "eval", "1"], ["run", "x.kvnb"],
            ["script", "eval"], ["script"], ["repl"], ["run"], ["help"], ["--version"], ["--help"], ["-h"],
            ["help", "eval"], ["eval", "--JSON", "1"], ["a.kv", "b.kv"], ["-"], [""], ["--", "x.kv"],
        ]
        for arguments in refused {
            XCTAssertNil(PlainCommandLine.recognise(arguments), "\(arguments)")
        }
    }
}
