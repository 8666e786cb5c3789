import KVLang
import KVRuntime
import XCTest

/// Inputs that used to trap (exit 132), hang or be silently replaced by a default: each is now a located error.
final class TrapRegressionTests: XCTestCase {
    static let trace = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KVEngineTests/Fixtures/traces/policies.jsonl").path

    func testReplayCapacityInBytesTooLargeForBlocks() {
        // 1e30 B / (512 tokens × 131,072 B/token) = 1.49e22 blocks: more than an Int holds.
        let d = Run.error("replay(\"\(Self.trace)\", capacity: 1e30 B, model: llama3_8b)")
        XCTAssertEqual(d?.message, "`capacity` of 1e30 B is 1.490116e22 blocks of 512 tokens; it must come to 0 … 2^53 blocks")
        XCTAssertEqual(Run.culprit(d), "1e30 B")
        XCTAssertEqual(Run.error("replay(\"\(Self.trace)\", capacity: -1)")?.message,
                       "`capacity` in blocks must be a whole number of at least 0, not -1")
    }

    func testKVCapacityBlockSize() {
        let d = Run.error("kv_capacity(llama3_8b, H100, block_size: 1e30)")
        XCTAssertEqual(d?.message, "`block_size` must be a whole number from 1 to 1048576, not 1e30")
        XCTAssertEqual(Run.culprit(d), "1e30")
        XCTAssertEqual(Run.error("kv_capacity(llama3_8b, H100, block_size: -16)")?.message,
                       "`block_size` must be a whole number from 1 to 1048576, not -16")
        XCTAssertEqual(Run.error("kv_capacity(llama3_8b, H100, engine: \"sglang\", mem_fraction_static: -0.5)")?.message,
                       "`mem_fraction_static` must be a number from 0.01 to 1, not -0.5")
        XCTAssertEqual(Run.error("kv_capacity(llama3_8b, H100, engine: \"vlm\")")?.hint, "did you mean `vllm`?")
        // "auto" (the default) is the engine's default: vLLM's 16-token blocks.
        XCTAssertEqual(Run.number("kv_capacity(llama3_8b, H100).block_size"), 16)
        XCTAssertEqual(Run.number("kv_capacity(llama3_8b, H100, block_size: 32).block_size"), 32)
    }

    func testNegativeLayersWithSlidingWindow() {
        let d = Run.error("params({layers: -1, hidden: 8, heads: 2, intermediate: 8, vocab: 10, sliding_window: 16})")
        XCTAssertEqual(d?.message, "the model's `layers` must be a whole number from 1 to 100000, not -1")
    }

    /// 65,536⁴ = 2^64 rows: the old check converted that Double to Int and trapped.
    func testSweepRowCountOverflow() {
        let d = Run.error("let l = 1..65536; sweep(fn(a, b, c, d) = 1, a: l, b: l, c: l, d: l)")
        XCTAssertEqual(d?.kind, .limit)
        XCTAssertEqual(d?.message, "a sweep of 65536 × 65536 × 65536 × 65536 rows is longer than the limit of 2097152")
        // Within the limit it runs: 3 × 4 rows.
        guard case .table(let t)? = Run.value("sweep(fn(a, b) = a * b, a: [1, 2, 3], b: [1, 2, 3, 4])") else {
            return XCTFail("not a table")
        }
        XCTAssertEqual(t.rows.count, 12)
    }

    /// `> 0 ? x : default` used to swallow negative, NaN and huge values.
    func testNoSilentFallbacks() {
        XCTAssertEqual(Run.error("simulate(seed_llama2_7b, memory: 80 GB, conversations: -5)")?.message,
                       "`conversations` must be a whole number from 0 to 10000000, not -5")
        // (How the value itself prints is the number formatter's business.)
        XCTAssertTrue(Run.error("simulate(seed_llama2_7b, memory: 80 GB, conversations: 1e9)")?.message
            .hasPrefix("`conversations` must be a whole number from 0 to 10000000, not ") ?? false)
        XCTAssertEqual(Run.error("simulate(seed_llama2_7b, memory: 80 GB, think: \"fixd\")")?.hint, "did you mean `fixed`?")
        XCTAssertEqual(Run.error("activation(llama3_8b, ratio: -10%)")?.message, "`ratio` must be a number from 0 to 10, not -0.1")
        XCTAssertEqual(Run.error("memory(llama3_8b, H100, tp: 0)")?.message,
                       "`tp` must be a whole number from 1 to 1048576, not 0")
        XCTAssertEqual(Run.error("memory(llama3_8b, H100, seq: 0/0)")?.kind, .numeric)
        XCTAssertEqual(Run.error("kv_capacity(llama3_8b, H100, non_torch: -1 GiB)")?.message,
                       "`non_torch` must be a finite, non-negative amount of Information")
        XCTAssertEqual(Run.error("replay_curve(\"\(Self.trace)\", points: 1)")?.message,
                       "`points` must be a whole number from 2 to 100000, not 1")
        XCTAssertEqual(Run.error("weights(llama3_8b, dtype: 0.3 B/param)")?.message,
                       "`dtype` of 0.3 B/param is not a whole number of bits from 1 to 64")
        XCTAssertEqual(Run.error("weights(llama3_8b, dtype: \"fp9\")")?.hint, "did you mean `fp8`?")
    }

    /// max_batch used to stop at 2^39 and return that as if it were the answer.
    func testMaxBatchPastTheSearchLimitIsAnError() {
        let d = Run.error("max_batch(llama3_8b, {memory: 1e30 B})")
        XCTAssertEqual(d?.message, "more than 1099511627776 sequences of 2048 tokens fit on gpu (2^40, where the search "
                       + "stops): is its memory right?")
        XCTAssertEqual(Run.culprit(d), "{memory: 1e30 B}")
        // A real answer: Llama-3-8B on an H100 at 2048 tokens (checked in memory_test.kv's figures) is in range.
        let batch = Run.number("max_batch(llama3_8b, H100)")
        XCTAssertGreaterThan(batch, 1)
        XCTAssertLessThan(batch, 1000)
    }

    /// min_devices used to try pp = 2, 3, … layers, each try O(layers): quadratic. 20,000 layers now take well
    /// under a second of engine work (the old loop: 20,000 tries × 20,000 layers).
    func testMinDevicesIsNotQuadraticInLayers() {
        let start = Date()
        let pp = Run.number("min_devices(llama3_70b with {layers: 20000}, H100, seq: 16).pp")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        // 64 chips of tp; 20,000 layers of 70B/80 per layer need about 20000 × 1.72 GB / 64 / 75 GB ≈ 7 stages.
        XCTAssertGreaterThan(pp, 2)
        XCTAssertLessThan(pp, 20)
    }
}

extension TrapRegressionTests {
    /// replay's model is only needed for a capacity in bytes, but one that is there is still checked.
    func testReplayModelIsCheckedEvenWhenUnused() {
        XCTAssertEqual(Run.error("replay(\"\(Self.trace)\", capacity: 3, model: {layers: 2})")?.message,
                       "the model is missing the field `heads`")
        XCTAssertEqual(Run.error("replay(\"\(Self.trace)\", capacity: 3, model: 5)")?.kind, .type)
        // The policies fixture: 3 blocks of LRU, as the README's replay example shows.
        XCTAssertEqual(Run.number("replay(\"\(Self.trace)\", capacity: 3, block_size: 4, model: llama3_8b).requests"), 4)
    }
}
