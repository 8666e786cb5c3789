import XCTest
@testable import KVEngine

/// Each policy's hits and eviction order on small workloads, worked out by hand (blocks of 4 tokens, 1 s steps).
final class ServeCachePolicyTests: XCTestCase {
    typealias R = ServeFixtures.Request

    func serve(_ requests: [R], capacityTokens: Int, _ cache: ServeCachePolicy, dram: Double = 0,
               dramBandwidth: Double = 0) throws -> ServeResult {
        var o = ServeFixtures.options(capacityTokens: capacityTokens, cache: cache)
        o.dramBytes = dram
        o.dramBandwidth = dramBandwidth
        return try ServeFixtures.anyModel().serve(ServeFixtures.workload(requests, blockTokens: 4),
                                                  gpu: CalibrationGPUs.h100, o)
    }

    /// A prompt of 12 tokens (3 full blocks a, b, c) sent twice, far apart: the second hits only 2 blocks, as the
    /// last token is always computed ((12 − 1) / 4 = 2 blocks at most). With 13 tokens (a, b, c and a partial
    /// block) it hits all 3 full blocks; the partial one is never cached.
    func testLastTokenIsRecomputedAndPartialBlocksAreNotCached() throws {
        for cache in [ServeCachePolicy.vllm, .sglang] {
            let twice = try serve([R(at: 0, input: 12, output: 1, ids: [0, 1, 2]),
                                   R(at: 10_000, input: 12, output: 1, ids: [0, 1, 2])], capacityTokens: 64, cache)
            XCTAssertEqual(twice.hitTokens, 8, "\(cache)")
            XCTAssertEqual(twice.hitBlocks, 2, "\(cache)")
            XCTAssertEqual(twice.lookups, 6)
            let longer = try serve([R(at: 0, input: 13, output: 1, ids: [0, 1, 2, 3]),
                                    R(at: 10_000, input: 13, output: 1, ids: [0, 1, 2, 3])], capacityTokens: 64, cache)
            XCTAssertEqual(longer.hitTokens, 12, "\(cache)")
            XCTAssertEqual(longer.hitRate, 12.0 / 26, accuracy: 1e-12)
        }
        // none never hits; lru (replay) counts the whole prompt as replay does: 3 blocks, 12 tokens.
        let none = try serve([R(at: 0, input: 12, output: 1, ids: [0, 1, 2]),
                              R(at: 10_000, input: 12, output: 1, ids: [0, 1, 2])], capacityTokens: 64, .none)
        XCTAssertEqual(none.hitTokens, 0)
        let lru = try serve([R(at: 0, input: 12, output: 1, ids: [0, 1, 2]),
                             R(at: 10_000, input: 12, output: 1, ids: [0, 1, 2])], capacityTokens: 64, .lru)
        XCTAssertEqual(lru.hitTokens, 12)
    }

    /// vLLM hashes a block when the step that fills it is scheduled, so a request admitted later in the same step
    /// already hits it; SGLang inserts after the chunk is computed, so the same-step twin misses.
    /// Two requests of 9 tokens (a, b, partial) at t = 0: vllm hits 2 blocks (8 tokens), sglang none.
    func testSameStepHitsVLLMOnly() throws {
        let twins = [R(input: 9, output: 1, ids: [0, 1, 2]), R(input: 9, output: 1, ids: [0, 1, 3])]
        XCTAssertEqual(try serve(twins, capacityTokens: 64, .vllm).hitTokens, 8)
        XCTAssertEqual(try serve(twins, capacityTokens: 64, .sglang).hitTokens, 0)
    }

    /// vLLM's free queue. Pool of 4 blocks. r0 (t = 0: a, b, c, 12 tokens) takes blocks 0–2 and frees them in
    /// reverse: queue [3, 2(c), 1(b), 0(a)]. r1 (t = 10 s: d, e, 8 tokens) pops 3 and 2: c is evicted, its tail
    /// first. r2 (t = 20 s: a, b, c, x, 13 tokens) then hits a and b only: 8 tokens.
    func testVLLMEvictsAFreedRequestsTailFirst() throws {
        let r = try serve([R(at: 0, input: 12, output: 1, ids: [0, 1, 2]),
                           R(at: 10_000, input: 8, output: 1, ids: [3, 4]),
                           R(at: 20_000, input: 13, output: 1, ids: [0, 1, 2, 5])], capacityTokens: 16, .vllm)
        XCTAssertEqual(r.hitTokens, 8)
    }

    /// Pool of 4 blocks. r0 (a, b: 8 prompt tokens, 4 outputs, 11 stored: blocks 0, 1 and 2 for the decodes)
    /// frees them in reverse: queue [3, 2, 1(b), 0(a)]. r1 (c: 4 tokens) pops 3 and frees it: [2, 1(b), 0(a),
    /// 3(c)]. r2 (d, e: 8 tokens) pops 2 (empty) and 1: b is evicted. SGLang: nodes a, b, c and one free block;
    /// r2 needs 2, so one leaf goes, the least recently used: b (released before c). Both then serve r3
    /// (a, b, y: 9 tokens) with a only: 4 tokens.
    func testBothPoliciesEvictTheOlderPrefix() throws {
        let requests = [R(at: 0, input: 8, output: 4, ids: [0, 1]),
                        R(at: 10_000, input: 4, output: 1, ids: [2]),
                        R(at: 20_000, input: 8, output: 1, ids: [3, 4]),
                        R(at: 30_000, input: 9, output: 1, ids: [0, 1, 5])]
        XCTAssertEqual(try serve(requests, capacityTokens: 16, .vllm).hitTokens, 4)
        XCTAssertEqual(try serve(requests, capacityTokens: 16, .sglang).hitTokens, 4)
    }

    /// SGLang evicts least recently used leaves, a parent only after its children. Pool of 5 blocks.
    /// r0 (t = 0: a, b, c) and r1 (t = 10 s: a, d) leave the tree a → {b → c, d}; r1 refreshed a at 10 s.
    /// r2 (t = 20 s: e, f, 8 tokens) needs 2 blocks with 1 free: evicts the oldest leaf, c (released at 1 s);
    /// r3 (t = 30 s: a, b, c, x) then hits a and b: 8 tokens. Under vLLM the queue after r0 and r1 is
    /// [3, 2(c), 1(b), 0(a)] less a (hit by r1), then r1's [4(d), 0(a)]: r2 pops 3 and 2, evicting c too.
    func testRadixEvictsLeastRecentlyUsedLeaves() throws {
        let requests = [R(at: 0, input: 12, output: 1, ids: [0, 1, 2]),
                        R(at: 10_000, input: 8, output: 1, ids: [0, 3]),
                        R(at: 20_000, input: 8, output: 1, ids: [4, 5]),
                        R(at: 30_000, input: 13, output: 1, ids: [0, 1, 2, 6])]
        // r1's hit: a (4 tokens) in both; r3's: a and b.
        XCTAssertEqual(try serve(requests, capacityTokens: 20, .sglang).hitTokens, 4 + 8)
        XCTAssertEqual(try serve(requests, capacityTokens: 20, .vllm).hitTokens, 4 + 8)
    }

    /// The DRAM tier keeps what HBM evicts. Pool of 3 blocks; r0 (a, b: 8 tokens) leaves a and b cached; r1
    /// (d, e, f: 12 tokens) needs all 3 blocks and evicts b, then a, into DRAM; r2 (a, b, x: 9 tokens) finds none
    /// in HBM and a, b in DRAM: 8 tokens hit, reloaded. Without DRAM it hits nothing. The reload adds
    /// 2 × block bytes / bandwidth to r2's step: Llama-3-8B stores 32 layers × 2 × 8 heads × 128 × 2 bytes =
    /// 131,072 bytes per token, 524,288 per 4-token block.
    func testDRAMTierServesWhatHBMEvicted() throws {
        let requests = [R(at: 0, input: 8, output: 1, ids: [0, 1]),
                        R(at: 10_000, input: 12, output: 1, ids: [2, 3, 4]),
                        R(at: 20_000, input: 9, output: 1, ids: [0, 1, 5])]
        for cache in [ServeCachePolicy.vllm, .sglang] {
            let without = try serve(requests, capacityTokens: 12, cache)
            XCTAssertEqual(without.hitTokens, 0, "\(cache)")
            let with = try serve(requests, capacityTokens: 12, cache, dram: 1e9, dramBandwidth: 1e9)
            XCTAssertEqual(with.hitTokens, 8, "\(cache)")
            XCTAssertEqual(with.dramHitBlocks, 2, "\(cache)")
            // r2 arrives at 20 s; its one step takes 1 s plus 2 × 524,288 B at 1 GB/s.
            XCTAssertEqual(with.duration, 21 + 2 * 524_288 / 1e9, accuracy: 1e-12, "\(cache)")
            // A DRAM of 1 block keeps the last evicted, a: r2 reloads a (4 tokens), b misses.
            let small = try serve(requests, capacityTokens: 12, cache, dram: 524_288, dramBandwidth: 1e9)
            XCTAssertEqual(small.hitTokens, 4, "\(cache)")
            XCTAssertEqual(small.dramHitBlocks, 1, "\(cache)")
        }
    }
}
