import KVLang
@testable import KVRuntime
import KVStdlib
import XCTest

/// Every builtin's spec against its `native fn` declaration, and the unit names Swift relies on against the stdlib.
final class BuiltinSpecTests: XCTestCase {
    /// A session loads only when they all agree (Session.init checks); and the check finds nothing to report.
    func testEveryBuiltinMatchesItsDeclaration() throws {
        let session = Run.session()
        XCTAssertEqual(Builtins.mismatches(Builtins.all, in: session.interpreter), [])
        XCTAssertEqual(KnownNames.missing(in: session.interpreter.units), [])
        // Every native function the stdlib declares has exactly one spec, and vice versa.
        let declared = session.interpreter.globals.compactMap { name, v -> String? in
            guard case .function(let f) = v, case .native = f.body else { return nil }
            return name
        }
        XCTAssertEqual(Set(declared), Set(Builtins.all.map(\.name)))
        XCTAssertEqual(declared.count, Builtins.all.count)
    }

    private func interpreter(declaring source: String, specs: [BuiltinSpec]) throws -> Interpreter {
        let i = Interpreter()
        Builtins.register(specs, in: i)
        try i.run(Parser.parse(SourceFile(name: "<decl>", text: source))) { _, _ in }
        return i
    }

    private static let pair = BuiltinSpec("pair", [ParameterSpec("a", .plain), ParameterSpec("b", .plain)]) { a throws(Diagnostic) in
        .number(try a.double("a") - a.double("b"))
    }

    /// Parameters renamed or reordered in the declaration would read each other's values: reported.
    func testRenamedOrReorderedParameterIsReported() throws {
        let swapped = try interpreter(declaring: "native fn pair(b, a)", specs: [Self.pair])
        XCTAssertEqual(Builtins.mismatches([Self.pair], in: swapped),
                       ["`native fn pair` declares (b, a) but its implementation reads (a, b)"])
        let renamed = try interpreter(declaring: "native fn pair(a, c = 1)", specs: [Self.pair])
        XCTAssertEqual(Builtins.mismatches([Self.pair], in: renamed).count, 1)
        // And a call refuses to run the body rather than read `c` as `b`.
        XCTAssertThrowsError(try renamed.run(Parser.parse(SourceFile(name: "<t>", text: "pair(1, 2)"))) { _, _ in }) {
            XCTAssertTrue(($0 as? Diagnostic)?.message.hasPrefix("internal: `pair` is declared with (a, c)") ?? false)
        }
        let same = try interpreter(declaring: "native fn pair(a, b = 1)", specs: [Self.pair])
        XCTAssertEqual(Builtins.mismatches([Self.pair], in: same), [])
        var values: [Value] = []
        try same.run(Parser.parse(SourceFile(name: "<t>", text: "pair(5)"))) { v, _ in values.append(v) }
        guard case .quantity(let q)? = values.first else { return XCTFail("no value") }
        XCTAssertEqual(q.value, 4)  // 5 − the default 1
    }

    func testImplementationWithoutDeclarationIsReported() throws {
        let i = try interpreter(declaring: "", specs: [Self.pair])
        XCTAssertEqual(Builtins.mismatches([Self.pair], in: i),
                       ["`pair` is implemented but no stdlib file declares `native fn pair`"])
        let rest = try interpreter(declaring: "native fn pair(a, b, ...)", specs: [Self.pair])
        XCTAssertEqual(Builtins.mismatches([Self.pair], in: rest), ["`native fn pair` and its implementation disagree about `...`"])
        XCTAssertEqual(Builtins.mismatches([Self.pair, Self.pair], in: i).last, "`pair` is implemented twice")
    }

    func testDeclarationWithoutImplementationFailsToLoad() {
        XCTAssertThrowsError(try interpreter(declaring: "native fn nowhere(x)", specs: [])) {
            XCTAssertEqual(($0 as? Diagnostic)?.message, "no native implementation of `nowhere`")
        }
    }

    /// A stdlib that lacks a unit Swift prints in is caught by name, not printed without its unit.
    func testMissingKnownNamesAreListed() throws {
        let bare = Interpreter()
        XCTAssertEqual(KnownNames.missing(in: bare.units).count, KnownNames.Dimension.all.count + KnownNames.Unit.all.count)
        let partial = try interpreter(declaring: "dimension Information\nunit B: Information\nunit GiB = 1073741824 B",
                                      specs: [])
        let missing = KnownNames.missing(in: partial.units)
        XCTAssertTrue(missing.contains("the stdlib declares no unit `KiB`"))
        XCTAssertTrue(missing.contains("the stdlib declares no dimension `Token`"))
        XCTAssertFalse(missing.contains("the stdlib declares no unit `GiB`"))
        XCTAssertFalse(missing.contains("the stdlib declares no dimension `Information`"))
    }

    /// The checked conversion: finite, whole and in range, or nil (never a trap).
    func testWholeNumber() {
        XCTAssertEqual(WholeNumber.exactly(16, in: 1...1024), 16)
        XCTAssertNil(WholeNumber.exactly(16.5, in: 1...1024))
        XCTAssertNil(WholeNumber.exactly(0, in: 1...1024))
        XCTAssertNil(WholeNumber.exactly(1e30, in: 0...Int.max))
        XCTAssertNil(WholeNumber.exactly(.nan, in: 0...10))
        XCTAssertNil(WholeNumber.exactly(.infinity, in: 0...Int.max))
        XCTAssertNil(WholeNumber.exactly(-Double.infinity, in: Int.min...0))
        XCTAssertEqual(WholeNumber.exactly(9007199254740992, in: 0...Int.max), 1 << 53)
        XCTAssertNil(WholeNumber.exactly(18014398509481984, in: 0...Int.max))  // 2^54: past exact doubles
    }
}

/// The check runs when a session starts: an altered stdlib is refused with the disagreement named.
final class SessionStartCheckTests: XCTestCase {
    private func failure(_ file: String, _ replace: String, with replacement: String) -> String? {
        let files = KVStdlib.files.map { f -> (name: String, text: String) in
            guard f.name == file else { return f }
            XCTAssertTrue(f.text.contains(replace), "\(file) no longer contains \(replace)")
            return (f.name, f.text.replacingOccurrences(of: replace, with: replacement))
        }
        do { _ = try Session(stdlib: files); return nil } catch { return error.message }
    }

    func testUnalteredStdlibLoads() {
        XCTAssertNoThrow(try Session(stdlib: KVStdlib.files))
    }

    func testRenamedParameterIsRefused() {
        let message = failure("stdlib/memory.kv", "native fn kv_per_token(model, kv_dtype = bf16)",
                              with: "native fn kv_per_token(model, dtype = bf16)")
        XCTAssertEqual(message, "internal: the builtins and the stdlib disagree: `native fn kv_per_token` declares "
                       + "(model, dtype) but its implementation reads (model, kv_dtype)")
    }

    func testMissingUnitIsRefused() {
        let message = failure("stdlib/units.kv", "unit qps = req / s", with: "unit rps = req / s")
        XCTAssertEqual(message, "internal: the builtins and the stdlib disagree: the stdlib declares no unit `qps`")
    }

    func testMissingDeclarationIsRefused() {
        let message = failure("stdlib/tables.kv", "native fn table(rows)", with: "")
        XCTAssertEqual(message, "internal: the builtins and the stdlib disagree: `table` is implemented but no stdlib "
                       + "file declares `native fn table`")
    }
}
