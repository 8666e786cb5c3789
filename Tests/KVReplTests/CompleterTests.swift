import KVLang
import KVRuntime
import KVRepl
import XCTest

/// What Tab offers, given the line up to the cursor.
final class CompleterTests: XCTestCase {
    private var session: Session!

    override func setUp() {
        session = ScriptedSession.freshSession()
        _ = try? session.run(SourceFile(name: "<setup>", text: """
            let llama = {layers: 32, kv_heads: 8, attention: {heads: 32, head_dim: 128}}
            let layer_count = 80
            fn kv_bytes(m) = m.layers * 1 B
            """))
    }

    private func complete(_ line: String) -> [String] { Completer(session: session).complete(line: line).candidates }

    func testVariablesFunctionsAndBuiltins() {
        XCTAssertEqual(complete("lay"), ["layer_count"])
        XCTAssertEqual(complete("2 * kv_b"), ["kv_bytes"])
        XCTAssertEqual(complete("2 * kv_"), ["kv_bytes", "kv_cache", "kv_capacity", "kv_per_token"])
        XCTAssertEqual(complete("sq"), ["sqrt"])
        XCTAssertEqual(complete("llama3_1"), ["llama3_1_405b", "llama3_1_70b", "llama3_1_8b"])
    }

    func testUnitsWithoutAFloodOfPrefixes() {
        let empty = complete("3 ")
        XCTAssertTrue(empty.contains("B") && empty.contains("token") && empty.contains("sqrt"))
        XCTAssertFalse(empty.contains("GiB") || empty.contains("kB") || empty.contains("ms"), "\(empty)")
        // The prefix spelled out: its prefixed forms, and nothing of the other prefixes.
        XCTAssertEqual(complete("80 Gi"), ["Gi", "GiB", "Gibit"])
        XCTAssertEqual(complete("80 G"), ["GB", "GFLOP", "GFLOPS", "GPU", "GPUs", "Gbit", "Gi"])
        XCTAssertEqual(complete("3 to"), ["tok", "token", "tokens"])
        // Nothing unprefixed matches: the prefixed forms the word begins.
        XCTAssertEqual(complete("2 gib"), ["gibibits", "gibibyte", "gibibytes"])
    }

    func testOnlyUnitsAfterAnArrowOrTo() {
        XCTAssertEqual(complete("1 GiB -> M"), ["MB", "MFLOP", "MFLOPS", "Mbit", "Mi"])
        XCTAssertFalse(complete("x -> m").contains("max"))
        XCTAssertTrue(complete("x -> m").contains("min"), "min is also a unit")
        XCTAssertEqual(complete("2 GiB to Mi"), ["Mi", "MiB", "Mibit"])
        XCTAssertEqual(complete("3 GiB/s -> GiB/"), complete("3 -> ").filter { !$0.isEmpty })
        XCTAssertTrue(complete("sq").contains("sqrt"), "names again outside a conversion")
    }

    func testRecordFieldsAfterADot() {
        XCTAssertEqual(complete("llama."), ["attention", "kv_heads", "layers"])
        XCTAssertEqual(complete("2 * llama.l"), ["layers"])
        XCTAssertEqual(complete("llama.attention.h"), ["head_dim", "heads"])
        XCTAssertEqual(complete("layer_count."), [])
        XCTAssertEqual(complete("nothing.x"), [])
    }

    func testCommandsAndTheirArguments() {
        XCTAssertEqual(complete(":"), [":help", ":info", ":list", ":load", ":quit", ":reset", ":save"])
        XCTAssertEqual(complete(":l"), [":list", ":load"])
        XCTAssertEqual(complete(":list "), ["functions", "gpus", "models", "units", "variables"])
        XCTAssertEqual(complete(":list m"), ["models"])
        XCTAssertEqual(complete(":help sq"), ["sqrt"])
        XCTAssertEqual(complete(":help whe"), ["where"], "keywords have help too")
        XCTAssertEqual(complete(":info llama3_1_4"), ["llama3_1_405b"])
        XCTAssertEqual(complete(":save fi"), [])
        XCTAssertEqual(complete("x :"), [], "a command only starts a line")
    }

    func testTheWordIsWhatFollowsTheLastBreak() {
        let (word, _) = Completer(session: session).complete(line: "f(1 GiB,llama.kv")
        XCTAssertEqual(word, "kv")
    }
}
