import XCTest
@testable import KVEngine

/// Small workloads with 1 s steps, every figure worked out by hand. The request overhead (1.5 ms, as `latency()`
/// adds it) is part of TTFT and e2e.
final class ServeSchedulerHandTests: XCTestCase {
    typealias R = ServeFixtures.Request
    let oh = LatencyConstants.requestOverhead

    func serve(_ requests: [R], bs: Int = 4, _ o: ServeOptions) throws -> ServeResult {
        try ServeFixtures.anyModel().serve(ServeFixtures.workload(requests, blockTokens: bs),
                                           gpu: CalibrationGPUs.h100, o)
    }

    /// One request of 10 tokens, budget 8: chunk 8 (t = 1), chunk 2 and the first token (t = 2), then one decode
    /// per token: tokens at 2, 3, 4 s.
    func testChunkedPrefillThenDecodes() throws {
        let r = try serve([R(input: 10, output: 3, ids: [0, 1, 2])], ServeFixtures.options(capacityTokens: 64, budget: 8))
        XCTAssertEqual(r.steps, 4)
        XCTAssertEqual(r.ttft.mean, 2 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.tpot.mean, (4 - 2) / 2, accuracy: 1e-12)
        XCTAssertEqual(r.e2e.mean, 4 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.duration, 4)
        XCTAssertEqual(r.throughput, 3.0 / 4, accuracy: 1e-12)
        // Blocks of 4 tokens held: step 1 two (8 tokens), steps 2–4 three (10, 11, 12 tokens scheduled).
        XCTAssertEqual(r.peakKVBlocks, 3)
        XCTAssertEqual(r.meanKVBlocks, (2 + 3 + 3 + 3) / 4.0, accuracy: 1e-12)
        // Tokens computed by the end of each step: 8, 10, 11, 12.
        XCTAssertEqual(r.peakKVTokens, 12)
        XCTAssertEqual(r.meanKVTokens, (8 + 10 + 11 + 12) / 4.0, accuracy: 1e-12)
    }

    /// max_num_seqs 1: the second request waits for the first. r0: prefill t = 1, decode t = 2 (done);
    /// r1: prefill t = 3, decode t = 4. TTFT 1 and 3; e2e 2 and 4.
    func testQueueingBehindMaxNumSeqs() throws {
        let r = try serve([R(input: 4, output: 2, ids: [0]), R(input: 4, output: 2, ids: [1])],
                          ServeFixtures.options(capacityTokens: 64, seqs: 1))
        XCTAssertEqual(r.steps, 4)
        XCTAssertEqual(r.ttft.mean, 2 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.ttft.p50, 2 + oh, accuracy: 1e-12)
        // numpy: p90 of [1, 3] is 1 + 0.9 × 2 = 2.8.
        XCTAssertEqual(r.ttft.p90, 2.8 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.e2e.mean, 3 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.tpot.mean, 1, accuracy: 1e-12)
    }

    /// Budget 8, both at t = 0: step 1 r0's 4 prompt tokens and r1's first 4; step 2 r0's decode (1) and r1's
    /// last 6 (7 ≤ 8), r1's only token; step 3 r0's last decode. TTFT 1 and 2, e2e 3 and 2.
    func testDecodesShareTheStepWithAPrefillChunk() throws {
        let r = try serve([R(input: 4, output: 3, ids: [0]), R(input: 10, output: 1, ids: [1, 2, 3])],
                          ServeFixtures.options(capacityTokens: 64, budget: 8))
        XCTAssertEqual(r.steps, 3)
        XCTAssertEqual(r.ttft.mean, 1.5 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.e2e.mean, 2.5 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.duration, 3)
        XCTAssertEqual(r.outputTokens, 4)
    }

    /// A later arrival waits for its time; the replica idles in between. r0 at 0 (4 tokens, 1 output): t = 1.
    /// r1 arrives at 5 s: its prefill ends at 6 s, TTFT 1 s; the run lasts 6 s.
    func testIdleUntilTheNextArrival() throws {
        let r = try serve([R(at: 0, input: 4, output: 1, ids: [0]), R(at: 5000, input: 4, output: 1, ids: [1])],
                          ServeFixtures.options(capacityTokens: 64))
        XCTAssertEqual(r.steps, 2)
        XCTAssertEqual(r.ttft.mean, 1 + oh, accuracy: 1e-12)
        XCTAssertEqual(r.duration, 6)
        XCTAssertEqual(r.meanKVBlocks, 2.0 / 6, accuracy: 1e-12)
    }

    /// Pool of 4 blocks (16 tokens), two requests of 8 prompt + 5 output tokens (12 tokens stored at most:
    /// 3 blocks each, 6 together). Step 1: both prefill (2 + 2 blocks), first tokens at t = 1. Step 2: r0's decode
    /// needs a 3rd block (9 tokens), none free: r1, the newest, is preempted (its 2 blocks freed, back to the
    /// queue; no admission in a step that preempted). Steps 2–5: r0 decodes alone (r1 needs 3 blocks for its
    /// 8 + 1 tokens, only 1 is free); r0 ends at t = 5. Step 6: r1 recomputes 9 tokens (its second token at
    /// t = 6), then decodes at 7, 8, 9. r0: TTFT 1, e2e 5, TPOT 1; r1: TTFT 1, e2e 9, TPOT (9 − 1) / 4 = 2.
    func testPreemptionByRecomputation() throws {
        let requests = [R(input: 8, output: 5, ids: [0, 1]), R(input: 8, output: 5, ids: [2, 3])]
        for cache in [ServeCachePolicy.none, .vllm, .sglang] {
            let r = try serve(requests, ServeFixtures.options(capacityTokens: 16, budget: 16, cache: cache))
            XCTAssertEqual(r.preemptions, 1, "\(cache)")
            XCTAssertEqual(r.steps, 9, "\(cache)")
            XCTAssertEqual(r.duration, 9, "\(cache)")
            XCTAssertEqual(r.ttft.mean, 1 + oh, accuracy: 1e-12, "\(cache)")
            XCTAssertEqual(r.e2e.mean, 7 + oh, accuracy: 1e-12, "\(cache)")
            XCTAssertEqual(r.tpot.mean, 1.5, accuracy: 1e-12, "\(cache)")
            XCTAssertEqual(r.peakKVBlocks, 4, "\(cache)")
        }
    }

    /// A request that can never fit is an error naming the capacity, not a hang: 8 + 5 − 1 = 12 tokens need
    /// 3 blocks of 4; a pool of 11 tokens holds 2.
    func testRequestLargerThanThePoolIsAnError() throws {
        for cache in [ServeCachePolicy.none, .vllm, .sglang] {
            XCTAssertThrowsError(try serve([R(input: 8, output: 5, ids: [0, 1])],
                                           ServeFixtures.options(capacityTokens: 11, cache: cache))) { e in
                XCTAssertEqual((e as? EngineError)?.argument, "capacity")
                XCTAssertTrue("\(e)".contains("request 1"), "\(e)")
            }
        }
        // `lru` does not limit running requests: the same run completes.
        let r = try serve([R(input: 8, output: 5, ids: [0, 1])], ServeFixtures.options(capacityTokens: 11, cache: .lru))
        XCTAssertEqual(r.steps, 5)
    }
}
