import XCTest
@testable import KVEngine

/// Llama-2-7B (32 layers, 32 KV heads, head_dim 128, fp16 KV, 14 GB of weights) on 80 GB.
func llama7B(memory: Double = 80e9, turns: Double = 5, arrival: Double = 0.1, interval: Double = 30,
             seq: Double = 512) -> HitRateWorkload {
    HitRateWorkload(layers: 32, kvHeads: 32, headDim: 128, kvBytes: 2, memory: memory, modelSize: 14e9,
                    turns: turns, arrival: arrival, interval: interval, seq: seq)
}

final class SeedModelTests: XCTestCase {
    func testCacheSufficient() throws {
        let r = try hitRate(llama7B())
        // per_token = 2 × 32 × 32 × 128 × 2 = 524,288 B
        XCTAssertEqual(r.memoryPerToken, 524_288)
        // room = 80e9 − 1.2 × 14e9 = 63.2e9 B; 63.2e9 / 524,288 = 120,544.43 → floor 120,544 tokens
        XCTAssertEqual(r.cacheMemory, 63.2e9)
        XCTAssertEqual(r.maxCachedTokens, 120_544)
        // fits = 120,544 / (5 × 512) = 47.0875 conversations; active = 0.1 × 5 × 30 = 15
        XCTAssertEqual(r.maxCachedConversations, 47.0875, accuracy: 1e-12)
        XCTAssertEqual(r.activeConversations, 15, accuracy: 1e-12)
        XCTAssertEqual(r.cachedConversations, 15, accuracy: 1e-12)
        // active ≤ fits → hit = 1 − 1/5 = 0.8
        XCTAssertEqual(r.hitRate, 0.8, accuracy: 1e-12)
        // utilization = 15 / 47.0875 = 0.318556
        XCTAssertEqual(r.cacheUtilization, 15 / 47.0875, accuracy: 1e-12)
        // qps = 0.1 × 5 = 0.5 req/s; tokens/s = 0.5 × 512 = 256; hits/s = 256 × 0.8 = 204.8
        XCTAssertEqual(r.qps, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.tokensPerSecond, 256, accuracy: 1e-12)
        XCTAssertEqual(r.cacheHitsPerSecond, 204.8, accuracy: 1e-12)
        // latency reduction = 0.8 × 0.30 = 0.24
        XCTAssertEqual(r.latencyReduction, 0.24, accuracy: 1e-12)
        // efficiency = 15 × 5 × 512 × 524,288 / 80e9 = 0.25165824
        XCTAssertEqual(r.memoryEfficiency, 0.25165824, accuracy: 1e-12)
        // Only the FP8 rule fires (hit ≥ 50 %, utilization ≥ 30 %, active ≤ 2 × cached).
        XCTAssertEqual(try suggest(llama7B()).map(\.kind), [.fp8KV])
        XCTAssertEqual(r.advice.count, 1)
    }

    func testCacheInsufficient() throws {
        let r = try hitRate(llama7B(arrival: 1))
        // active = 1 × 5 × 30 = 150 > 47.0875 → hit = 0.8 × 47.0875 / 150 = 0.251133…
        XCTAssertEqual(r.hitRate, 0.8 * 47.0875 / 150, accuracy: 1e-12)
        XCTAssertEqual(r.cachedConversations, 47.0875, accuracy: 1e-12)
        XCTAssertEqual(r.cacheUtilization, 1)
        // efficiency = 47.0875 × 2560 × 524,288 / 80e9 = 0.7899971584
        XCTAssertEqual(r.memoryEfficiency, 0.7899971584, accuracy: 1e-12)
        // hit < 50 %, FP16 KV, 150 > 2 × 47.09
        let advice = try suggest(llama7B(arrival: 1))
        XCTAssertEqual(advice.map(\.kind), [.moreMemory, .fp8KV, .scaleOut])
        // replicas = ceil(150 / 47.0875) = 4
        XCTAssertEqual(advice.last?.value, 4)
    }

    func testModelDoesNotFit() throws {
        // room = 16e9 − 16.8e9 < 0 → no cache at all
        let r = try hitRate(llama7B(memory: 16e9))
        XCTAssertEqual(r.maxCachedTokens, 0)
        XCTAssertEqual(r.maxCachedConversations, 0)
        XCTAssertEqual(r.hitRate, 0)
        XCTAssertEqual(r.cacheMemory, 0)
        XCTAssertEqual(r.cacheUtilization, 1)
        XCTAssertEqual(r.cacheHitsPerSecond, 0)
        XCTAssertEqual(try suggest(llama7B(memory: 16e9)).first?.kind, .noRoom)
    }

    func testLowUtilizationAndReasonable() throws {
        // fp8, light load: active = 0.01 × 5 × 30 = 1.5 of 2 × 47.0875 fits → utilization 1.6 % < 30 %
        var w = llama7B(arrival: 0.01)
        w.kvBytes = 1
        XCTAssertEqual(try suggest(w).map(\.kind), [.lessMemory])
        // 30 % utilization exactly: arrival = 0.3 × fits / (turns × interval)
        w.arrival = 0.3 * 94.175 / 150
        XCTAssertEqual(try suggest(w).map(\.kind), [.reasonable])
        XCTAssertEqual(try hitRate(w).advice, ["The configuration is reasonable."])
    }

    func testOneTurnNeverHits() throws {
        XCTAssertEqual(try hitRate(llama7B(turns: 1)).hitRate, 0)
    }

    func testBadInputsNameTheArgument() {
        for (w, arg) in [(llama7B(turns: 0.5), "turns"), (llama7B(arrival: 0), "arrival"),
                         (llama7B(interval: .nan), "interval"), (llama7B(seq: -1), "seq"),
                         (llama7B(memory: .infinity), "memory")] {
            XCTAssertThrowsError(try hitRate(w)) { XCTAssertEqual(($0 as? EngineError)?.argument, arg) }
        }
    }

    func testMemoryForShortcutAndExact() throws {
        let m = try memoryFor(llama7B(), target: 0.5)
        // shortcut: 15 × 0.5 = 7.5 conversations × 2560 tokens = 19,200 tokens
        //   memory = 16.8e9 + 19,200 × 524,288 = 26,866,329,600 B, which gives 0.8 × 7.5 / 15 = 0.4, not 0.5
        XCTAssertEqual(m.shortcutConversations, 7.5)
        XCTAssertEqual(m.shortcutMemory, 26_866_329_600)
        XCTAssertEqual(m.shortcutHitRate, 0.4, accuracy: 1e-12)
        // exact: 15 × 0.5 / 0.8 = 9.375 conversations × 2560 = 24,000 tokens → 16.8e9 + 12,582,912,000 B
        XCTAssertEqual(m.exactConversations, 9.375, accuracy: 1e-12)
        XCTAssertEqual(m.exactMemory, 29_382_912_000)
        XCTAssertEqual(try SeedModel.hitRate(llama7B(memory: m.exactMemory)), 0.5, accuracy: 1e-12)
    }

    func testMemoryForBeyondCeilingIsAnError() {
        // 5 turns saturate at 80 %
        XCTAssertThrowsError(try memoryFor(llama7B(), target: 0.85)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "target")
        }
        XCTAssertThrowsError(try memoryFor(llama7B(), target: -0.1))
        XCTAssertNoThrow(try memoryFor(llama7B(), target: 0.8))
    }
}
