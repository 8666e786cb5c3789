import XCTest
@testable import kvcalc

/// `PlainEval` reads `kvcalc eval …` without ArgumentParser only where the two readings cannot differ: every shape
/// it takes must give the expression and `--json` that ArgumentParser gives, and every shape it refuses is left to
/// ArgumentParser.
final class PlainEvalTests: XCTestCase {
    /// What ArgumentParser makes of the arguments, when they name `eval`.
    private func parsed(_ arguments: [String]) -> (expression: String, json: Bool)? {
        guard let command = try? KVCalc.parseAsRoot(arguments), let eval = command as? EvalCommand else { return nil }
        return (eval.expression.joined(separator: " "), eval.json)
    }

    func testTakenShapesReadAsArgumentParserReadsThem() throws {
        let taken: [[String]] = [
            ["eval", "1"], ["eval", "--json", "2 GiB"], ["eval", "80 GB -> GiB"], ["eval", "json"],
            ["eval", "--json", "json"], ["eval", "eval"], ["eval", "replay(\"t.jsonl\", capacity: 100000)"],
            ["eval", " -1"], ["eval", "µs"], ["eval", "1\n2"], ["eval", "--json", "x"],
        ]
        for arguments in taken {
            let plain = try XCTUnwrap(PlainEval.recognise(arguments), "\(arguments)")
            let full = try XCTUnwrap(parsed(arguments), "\(arguments)")
            XCTAssertEqual(plain.expression, full.expression, "\(arguments)")
            XCTAssertEqual(plain.json, full.json, "\(arguments)")
        }
    }

    func testEverythingElseIsLeftToArgumentParser() {
        let refused: [[String]] = [
            [], ["eval"], ["eval", "--json"], ["eval", "-1"], ["eval", "--help"], ["eval", "-h"], ["eval", "--"],
            ["eval", "--", "1"], ["eval", "1", "+", "2"], ["eval", "--json", "1", "2"], ["eval", ""],
            ["eval", "1", "--json"], ["eval", "--json", "--json", "1"], ["--json", "eval", "1"], ["run", "x.kvnb"],
            ["script", "eval"], ["x.kv"], ["--version"], ["help", "eval"], ["EVAL", "1"], ["eval", "--JSON", "1"],
        ]
        for arguments in refused {
            XCTAssertNil(PlainEval.recognise(arguments), "\(arguments)")
        }
    }
}
