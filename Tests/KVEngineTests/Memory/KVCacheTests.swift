import XCTest
@testable import KVEngine

final class KVCacheTests: XCTestCase {
    func testPerTokenAgainstMeasurements() throws {
        // activation-h100.json kv_bytes_per_token_per_layer: Llama-2-7B 16384 (× 32 layers), Qwen2.5-0.5B 512 (× 24).
        XCTAssertEqual(try Fixtures.model("llama-2-7b").kvPerToken(), 16384 * 32)
        XCTAssertEqual(try Fixtures.model("qwen2.5-0.5b").kvPerToken(), 512 * 24)
        // Llama-3-8B: 2 · 32 layers · 8 kv heads · 128 · 2 B = 131,072 B/token.
        XCTAssertEqual(try Fixtures.model("llama-3-8b").kvPerToken(), 131_072)
        XCTAssertEqual(try Fixtures.model("llama-3-8b").kvPerToken(kvDtype: .fp8), 65_536)
    }

    func testCacheAgainstMeasuredKVBytes() throws {
        // Measured kv_bytes: Llama-2-7B 1 × 2048 → 1,073,741,824; Qwen2.5-0.5B 16 × 2048 → 402,653,184.
        XCTAssertEqual(try Fixtures.model("llama-2-7b").kvCache(batch: 1, seq: 2048).bytes, 1_073_741_824)
        XCTAssertEqual(try Fixtures.model("qwen2.5-0.5b").kvCache(batch: 16, seq: 2048).bytes, 402_653_184)
    }

    func testMLALatent() throws {
        // DeepSeek-V3: 61 · (512 + 64) · 2 B = 70,272 B/token, the same on every tp rank (replicated).
        let m = try Fixtures.model("deepseek-v3")
        XCTAssertEqual(try m.kvPerToken(), 70_272)
        XCTAssertEqual(try m.kvCache(batch: 1, seq: 4096, tp: 8).bytes, 70_272 * 4096)
    }

    func testTensorParallelReplicatesKVHeads() throws {
        // Llama-3-8B: tp = 4 → 2 heads per chip: 131,072 / 4 per token. tp = 16 → 1 head each (replicated):
        // 2 · 32 · 1 · 128 · 2 = 16,384 B/token, not 131,072 / 16 = 8,192.
        let m = try Fixtures.model("llama-3-8b")
        XCTAssertEqual(try m.kvCache(batch: 1, seq: 1000, tp: 4).bytes, 32_768 * 1000)
        XCTAssertEqual(try m.kvCache(batch: 1, seq: 1000, tp: 16).bytes, 16_384 * 1000)
    }

    func testSlidingWindowCapsLength() throws {
        // Mistral-7B v0.1 (window 4096 on all 32 layers), 1 × 8192: 32 · 2 · 8 · 128 · 2 · 4096 = 536,870,912.
        XCTAssertEqual(try Fixtures.model("mistral-7b-v0.1").kvCache(batch: 1, seq: 8192).bytes, 536_870_912)
        // Gemma-2-9B, 1 × 8192: 21 full layers · 8192 + 21 sliding · 4096 tokens, 2 · 8 · 256 · 2 = 8192 B each.
        XCTAssertEqual(try Fixtures.model("gemma-2-9b").kvCache(batch: 1, seq: 8192).bytes, 21 * 8192 * 12288)
        // Below the window nothing is capped.
        XCTAssertEqual(try Fixtures.model("gemma-2-9b").kvCache(batch: 2, seq: 100).bytes, 2 * 100 * 42 * 8192)
    }

    func testPipelineTakesLargestStage() throws {
        // Llama-2-7B pp = 3 → stages of 11, 11, 10 layers: 11 · 16,384 · 1024 = 184,549,376.
        let kv = try Fixtures.model("llama-2-7b").kvCache(batch: 1, seq: 1024, pp: 3)
        XCTAssertEqual(kv.bytes, 184_549_376)
        XCTAssertEqual(kv.layers, 11)
    }

    func testBadInput() throws {
        let m = try Fixtures.model("llama-3-8b")
        XCTAssertThrowsError(try m.kvCache(batch: 0, seq: 1)) { XCTAssertEqual(($0 as? EngineError)?.argument, "batch") }
        XCTAssertThrowsError(try m.kvCache(batch: 1, seq: 0)) { XCTAssertEqual(($0 as? EngineError)?.argument, "seq") }
        XCTAssertThrowsError(try m.kvCache(batch: 1, seq: 1, tp: 12)) { XCTAssertEqual(($0 as? EngineError)?.argument, "tp") }
    }
}
