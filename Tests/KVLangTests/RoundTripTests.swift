import Foundation
import KVLang
import KVRuntime
import XCTest

/// What kvcalc prints, pasted back in, is the same value or an error: never a different value.
///
/// "The same" is to the printed precision: numbers print with 7 significant digits (whole numbers below 10^15
/// exactly), so a value read back equals the original to a relative 5e-7. Printed forms that cannot be read
/// back (thousands separators, `1/s` units, `[…]`, functions, tables) must be rejected with an error.
final class RoundTripTests: XCTestCase {
    static let programs = [
        "1", "-1", "0", "-0", "0.1", "1/3", "2/3", "1234", "12345", "-98765.4321", "419430.4 token",
        "8030261248 param", "123456789012345", "1e15", "1.5e20", "-2.5e-7", "0.0001", "5e-324", "1e308", "-1e308",
        "160 KiB/token", "64 GiB / (160 KiB/token)", "50 %", "99.99999999 %", "1/3 * 100 %", "3 GiB * 2 s",
        "1 / (2 s)", "2 GiB^2", "2 GiB^(1/2)", "100 token/s", "1 TB/s", "0.00001 s", "5 µs", "90 min", "1 GiB -> B",
        "1 GiB -> MiB", "[2 GiB, 4 GiB] -> MiB", "1e9 B -> GiB", "3.35 TB/s * 0.001 s", "[1, 2.5, -3 GiB]",
        "[[1, 2], [3, [4]]]", "1..30", "[]", "{}", "true", "[true, false]", "\"a\\\"b\"", "[\"x\\ny\", \"t\\tu\", \"\\\\\"]",
        "{a: 1, b: [2 s, 3 ms], c: \"q\\\"\"}",
        "{layers: 32, hidden: 4096, heads: 32, kv_heads: 8, head_dim: 128, vocab: 128256, name: \"llama\"}",
        "map(1..12, fn(i) = i * 1000.5 GiB)", "2^53", "2^53 + 1", "1e14 + 0.5", "7 * 24 h", "fn(x) = x",
        "-(5 KiB/token)", "[-0.5 %, 1e-5 %]", "mod(130 s, 1 min)", "mod(2 h, 45 min)", "mod(-7.5, 2)",
        "div(-1e308, 3)", "mod(1e308 B, 7 GiB)",
    ]

    /// Equal to the printed precision, or nil when they are not comparable at all.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.quantity(let x), .quantity(let y)):
            guard x.dimension == y.dimension else { return false }
            if x.value == y.value { return true }
            return abs(x.value - y.value) <= 5e-7 * max(abs(x.value), abs(y.value))
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.record(let x), .record(let y)):
            return Array(x.keys) == Array(y.keys) && zip(x.values, y.values).allSatisfy { same($0, $1) }
        default: return false
        }
    }

    func testPrintedValuesReadBackAsThemselvesOrAreRejected() throws {
        let s = Eval.session()
        var readBack = 0, rejected = 0
        for program in RoundTripTests.programs {
            let value = try XCTUnwrap(try s.run(SourceFile(name: "p", text: program)).last, program)
            // A top-level string prints bare, as a message; inside a list it prints quoted, as code.
            let printed = s.formatter.format(.list([value]))
            let grouped = printed.range(of: #"\d,\d{3}"#, options: .regularExpression) != nil
            do {
                guard let again = try s.run(SourceFile(name: "again", text: printed)).last else {
                    XCTFail("\(printed) reads back as nothing")
                    continue
                }
                XCTAssertTrue(RoundTripTests.same(.list([value]), again),
                              "\(program) printed as \(printed) reads back as \(s.formatter.format(again))")
                XCTAssertFalse(grouped, "\(printed) has thousands separators and was read back")
                readBack += 1
            } catch {
                rejected += 1
                // Rejected forms are the ones kvcalc knows it prints unreadably.
                let known = grouped || printed.contains("1/") || printed.contains("<fn") || printed.contains("…")
                XCTAssertTrue(known, "\(program) printed as \(printed) is rejected: \(error)")
            }
        }
        // Most printed forms read back; the grouped ones are refused.
        XCTAssertGreaterThan(readBack, 40)
        XCTAssertGreaterThan(rejected, 5)
    }

    func testGroupedFormsAreRefusedNamingTheNumber() throws {
        let s = Eval.session()
        for (program, culprit) in [("419430.4 token", "419,430.4"), ("8030261248 param", "8,030,261,248"),
                                   ("[12345, 1]", "12,345"), ("{n: 1e6 B -> B}", "1,000,000")] {
            let printed = try s.formatter.format(XCTUnwrap(s.run(SourceFile(name: "p", text: program)).last))
            XCTAssertTrue(printed.contains(culprit), printed)
            do {
                try s.run(SourceFile(name: "again", text: printed))
                XCTFail("\(printed) was read back")
            } catch {
                XCTAssertEqual(error.message, "`\(culprit)` looks like a number with thousands separators")
            }
        }
    }

    func testPrintedUnitsMeanUnitsEvenWhereVariablesShareTheirNames() throws {
        // kvcalc prints `KiB/token` and `GiB·s` without spaces; read back, each name there is the unit.
        XCTAssertEqual(Eval.text("let token = 5\nlet s = 2\n[160 KiB/token, 6 GiB·s, 6 GiB*s, 80 KiB/(token·s)]"),
                       "[160 KiB/token, 6 GiB·s, 6 GiB·s, 80 KiB/(token·s)]")
        XCTAssertEqual(Eval.text("let x = 4\n8 GiB/(x + 4)"), "1 GiB")
        XCTAssertEqual(Eval.text("let m = {n: 4}\n8 GiB/m.n"), "2 GiB")
        XCTAssertEqual(Eval.text("let l = [4]\n8 GiB/l[0]"), "2 GiB")
        XCTAssertEqual(Eval.text("let m = {n: 4}\n8 GiB/(m with {n: 2}).n"), "4 GiB")
        // With spaces, `/ name` after a quantity is the variable, as before.
        XCTAssertEqual(Eval.text("let n = 4\n8 GiB / n"), "2 GiB")
        XCTAssertEqual(Eval.text("fn n() = 4\n8 GiB/n()"), "2 GiB")
    }
}
