import Foundation
import KVLang
import KVRuntime
import XCTest

/// Feeds thousands of generated and mutated programs through the whole pipeline (lexer, parser, interpreter,
/// printing, JSON) and checks that none crashes and every error points into the program. A trap anywhere fails
/// the test run. KVCALC_FUZZ_ITERATIONS scales it up; KVCALC_FUZZ_SEED reproduces a run.
final class FuzzTests: XCTestCase {
    /// SplitMix64: small, seedable, the same on every platform.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    static let fragments = [
        "0", "1", "2", "3.5", "1e9", "1e308", "-1", "1_000", ".5", "GiB", "GB", "KiB", "B", "s", "ms", "min", "token",
        "tokens", "req", "conv", "qps", "%", "Ki", "bf16", "param", "GPU", "x", "y", "f", "m", "map", "sum", "sqrt",
        "min", "max", "len", "filter", "assert_eq", "+", "-", "*", "/", "^", "**", "->", "to", "..", "==", "!=", "<",
        ">=", "and", "or", "not", "(", ")", "[", "]", "{", "}", ",", ":", ";", "\n", ".", "let", "fn", "if", "then",
        "else", "with", "true", "false", "\"s\"", "=", "@prefixes(metric)", "unit", "dimension", "native", "#c\n",
        "layers", "kv_heads", "µs", "×", "→", "\\\n", "\"", "$", "where", "mod", "div", "g", "fn h(p) = q where q =",
        // Pasted and invisible text: grouped numbers, odd spaces and line endings, look-alikes, deep nesting.
        "1,000", "419,430.4", "8,030,261,248", "1,2", "\u{A0}", "\u{200B}", "\u{200D}", "\u{2060}", "\u{FEFF}",
        "\r\n", "\r", "\u{0}", "\u{7}", "\u{3BC}s", "\u{2212}", "\u{201C}", "\u{2019}", "KiB/token", "GiB·s",
        "1e-320", "5e-324", "-0", "1e400", "[[[[[[[[[[[[1]]]]]]]]]]]]", "{a: {b: {c: {d: 1}}}}",
    ]

    static let prelude = "let x = 3 GiB\nlet y = 2\nfn f(a, b = 2 s) = a * b\nlet m = {layers: 2, kv_heads: 1}\n"
        + "fn g(p) = q * r\n  where q = 2\n    and r = q + p\n"

    func generated(_ rng: inout RNG) -> String {
        (0..<(1 + rng.below(30))).map { _ in rng.pick(FuzzTests.fragments) }.joined(separator: rng.below(3) == 0 ? "" : " ")
    }

    /// A random well-formed expression, so the interpreter (not only the parser) sees variety.
    func expression(_ rng: inout RNG, depth: Int = 0) -> String {
        if depth > 4 || rng.below(4) == 0 {
            return rng.pick(["1", "2.5", "0", "3 GiB", "2 s", "x", "y", "m.layers", "5 %", "4 Ki tokens", "[1, 2]",
                             "true", "\"a\"", "1e300", "f(2)", "m", "1e308", "5e-324", "160 KiB/token", "[[[[1]]]]",
                             "[1,2]", "1 \u{3BC}s"])
        }
        let a = expression(&rng, depth: depth + 1), b = expression(&rng, depth: depth + 1)
        switch rng.below(14) {
        case 0: return "(\(a)) \(rng.pick(["+", "-", "*", "/", "^"])) (\(b))"
        case 1: return "f(\(a), b: \(b))"
        case 2: return "if \(a) > \(b) then \(a) else \(b)"
        case 3: return "\(a) -> \(rng.pick(["GiB", "s", "%", "tokens", "KiB/token", "qps"]))"
        case 4: return "map([\(a), \(b)], fn(z) = z * \(a))"
        case 5: return "{k: \(a)} with {k: \(b)}"
        case 6: return "sqrt(\(a))"
        case 7: return "[\(a), \(b)][\(rng.below(3))]"
        case 8: return "sum([\(a), \(b)])"
        case 9: return "(\(a)) == (\(b))"
        case 10: return "max(\(a), \(b))"
        case 11: return "map([\(a)], fn(z) = w * z where w = \(b))"
        case 12: return "\(rng.pick(["mod", "div"]))(\(a), \(b))"
        default: return "\(a) .. \(b)"
        }
    }

    func mutated(_ base: String, _ rng: inout RNG) -> String {
        var chars = Array(base)
        for _ in 0..<(1 + rng.below(4)) where !chars.isEmpty {
            let i = rng.below(chars.count)
            switch rng.below(4) {
            case 0: chars.remove(at: i)
            case 1: chars.insert(rng.pick(Array("(){}[]+-*/^.,:;=<>\"#\n 0123456789GiBs%")), at: i)
            case 2: chars.insert(contentsOf: Array(rng.pick(FuzzTests.fragments)), at: i)
            default:
                let j = rng.below(chars.count)
                chars.swapAt(i, j)
            }
        }
        return String(chars)
    }

    func testGeneratedAndMutatedProgramsNeverCrash() throws {
        let env = ProcessInfo.processInfo.environment
        let iterations = Int(env["KVCALC_FUZZ_ITERATIONS"] ?? "") ?? 3000
        let seed = UInt64(env["KVCALC_FUZZ_SEED"] ?? "") ?? 20_261_123
        var rng = RNG(state: seed)
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        var corpus: [String] = []
        for folder in ["Examples", "Stdlib", "Errors"] {
            let dir = here.appendingPathComponent(folder)
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasSuffix(".kv") {
                corpus.append(try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8))
            }
        }
        let session = Eval.session()
        session.interpreter.callBudget = nil
        try session.run(SourceFile(name: "prelude", text: FuzzTests.prelude))
        var failures = 0, successes = 0
        for i in 0..<iterations {
            var program: String
            switch i % 3 {
            case 0: program = generated(&rng)
            case 1: program = expression(&rng)
            default: program = mutated(rng.pick(corpus), &rng)
            }
            // Now and then the same program as an editor might save it: a BOM, CRLF line endings.
            if rng.below(10) == 0 { program = "\u{FEFF}" + program.replacingOccurrences(of: "\n", with: "\r\n") }
            session.interpreter.callBudget = 20_000
            do {
                for v in try session.runAtomically(SourceFile(name: "fuzz", text: program)) {
                    let text = session.formatter.format(v)
                    XCTAssertFalse(text.contains("∞") || text.contains("NaN"), "\(program) printed \(text)")
                    if let json = try? session.json.encode(v) {
                        XCTAssertFalse(json.contains("inf") || json.contains("nan"), "\(program) encoded as \(json)")
                    }
                    // What is printed reads back as the same value or is rejected.
                    let printed = session.formatter.format(.list([v]))
                    if i % 2 == 0, printed.count < 500, let again = try? session.runAtomically(SourceFile(name: "again", text: printed)).last {
                        XCTAssertTrue(RoundTripTests.same(.list([v]), again),
                                      "\(program): \(printed) reads back as \(session.formatter.format(again))")
                    }
                }
                successes += 1
            } catch {
                failures += 1
                let rendered = DiagnosticRenderer().render(error)
                XCTAssertFalse(rendered.isEmpty)
                XCTAssertNotNil(error.location, "error without a place for program:\n\(program)\n\(rendered)")
            }
        }
        // Both outcomes must be common, or the generator is not exercising the interpreter.
        XCTAssertGreaterThan(successes, iterations / 10, "seed \(seed)")
        XCTAssertGreaterThan(failures, iterations / 10, "seed \(seed)")
    }
}
