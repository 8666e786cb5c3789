import KVLang
@testable import KVRuntime
import XCTest

/// A builtin's shortcut (memory()'s sweep point) must answer exactly as the ordinary path: every program below is
/// run with shortcuts on and off, and what it prints, or the error it reports (message, hint, culprit), must be
/// the same. The programs cover what the shortcut takes and what it must hand back to the ordinary path.
final class BuiltinShortcutTests: XCTestCase {
    static let programs = [
        // The sweep form and the options it reads itself.
        "memory(llama3_8b, H100, batch: 8, seq: 2048)",
        "map(1..5, fn(b) = memory(llama3_8b, H100, batch: b, seq: 1024).total)",
        "memory(llama3_70b, H100, batch: 8, seq: 4096, tp: 4)",
        "memory(llama3_70b, H100, batch: 2, seq: 4096, tp: 2, pp: 3)",
        "memory(mixtral_8x7b, H100, batch: 4, seq: 2048, tp: 2, ep: 2)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, logits: \"all\")",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: 0.1)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: 10)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, version: \"anything\")",
        "memory(llama3_8b, H100 with {memory: 24 GiB}, batch: 64, seq: 8192)",
        "memory(llama3_8b with {layers: 16}, H100, batch: 1, seq: 100)",
        // What it leaves to the ordinary path: units on seq, dtypes, engines and their options.
        "memory(llama3_8b, H100, batch: 4, seq: 2048 tokens)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, dtype: fp8)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, kv_dtype: \"fp8\")",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, engine: \"vllm\")",
        // Errors, each reported by the ordinary path.
        "memory(llama3_8b, H100, batch: 0, seq: 2048)",
        "memory(llama3_8b, H100, batch: 2.5, seq: 2048)",
        "memory(llama3_8b, H100, batch: 4 GiB, seq: 2048)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048 s)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, tp: 3)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, tp: 0)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, pp: 100)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ep: 2)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: 11)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: -1)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, logits: \"first\")",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, engine: \"none\", max_num_seqs: 8)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, enforce_eager: true)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, version: 3)",
        "memory(llama3_8b, \"H100\", batch: 4, seq: 2048)",
        "memory(llama3_8b, {name: \"x\", memory: 80 GB, bandwith: 1 TB/s}, batch: 1)",
        "memory({layers: 32, hidden: 4096, heads: 32, kv_head: 8, intermediate: 14336, vocab: 128256}, H100)",
        "memory(llama3_8b with {layers: 0}, H100, batch: 1, seq: 2048)",
        "memory(llama3_8b, H100, batch: 1099511627776, seq: 1099511627776)",
    ]

    func outcome(_ program: String) -> String {
        let session = Run.session()
        do {
            let values = try session.run(SourceFile(name: "<test>", text: program))
            return values.map { ValueFormatter(units: session.interpreter.units).format($0) }.joined(separator: "\n")
        } catch {
            return "error: \(error.message) | \(error.hint ?? "") | \(error.span.text)"
        }
    }

    func testShortcutAnswersAsTheOrdinaryPath() {
        defer { BuiltinSpec.shortcutsEnabled.store(true, ordering: .relaxed) }
        for program in Self.programs {
            BuiltinSpec.shortcutsEnabled.store(true, ordering: .relaxed)
            let fast = outcome(program)
            BuiltinSpec.shortcutsEnabled.store(false, ordering: .relaxed)
            let ordinary = outcome(program)
            XCTAssertEqual(fast, ordinary, program)
            XCTAssertFalse(fast.isEmpty, program)
        }
    }

    /// The outcomes are not vacuous: a sweep point prints the plan, and the errors are the located ones.
    func testOutcomesAreThePlanAndTheErrors() {
        let plan = outcome("memory(llama3_8b, H100, batch: 1, seq: 2048)")
        XCTAssertTrue(plan.contains("kv_cache") && plan.contains("256 MiB"), plan)
        XCTAssertEqual(outcome("memory(llama3_8b, H100, batch: 2.5, seq: 2048)"),
                       "error: `batch` must be a whole number from 1 to 1099511627776, not 2.5 |  | 2.5")
    }
}
