import XCTest
@testable import KVEngine

/// With a pool larger than the whole trace, one chunk per prompt and every step instant, vLLM's hits follow from
/// the trace alone: a request hits the longest prefix of its full blocks that an earlier request computed, at
/// most (input − 1) / 512 blocks. Counted here independently with a set, on both traces. SGLang caches a chunk
/// only once computed, so requests scheduled in the same step miss each other: it hits at most as much.
final class ServeUnboundedCacheTests: XCTestCase {
    func expectedHits(_ t: Trace, bs: Int) -> Int {
        var seen = Set<Int32>()
        var hits = 0
        for r in 0..<t.requests {
            let ids = t.blocks[t.blockStart[r]..<t.blockStart[r + 1]]
            let full = t.inputLengths[r] / bs
            let limit = min(full, (t.inputLengths[r] - 1) / bs)
            var h = 0
            for id in ids.prefix(limit) { guard seen.contains(id) else { break }; h += 1 }
            hits += h * bs
            seen.formUnion(ids.prefix(full))
        }
        return hits
    }

    func check(_ name: String) throws {
        let t = try ServeFixtures.trace(name)
        var o = ServeOptions(capacityTokens: 1 << 40)
        o.instant = true
        o.maxNumBatchedTokens = 1 << 24
        o.maxNumSeqs = 1 << 16
        let w = ServeWorkload(trace: t)
        let vllm = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, o)
        XCTAssertEqual(vllm.hitTokens, expectedHits(t, bs: 512))
        XCTAssertEqual(vllm.preemptions, 0)
        o.cache = .sglang
        let sglang = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, o)
        XCTAssertLessThanOrEqual(sglang.hitTokens, vllm.hitTokens)
        XCTAssertGreaterThan(sglang.hitTokens, vllm.hitTokens * 9 / 10)
    }

    func testConversationTrace() throws { try check("conversation_trace.jsonl") }
    func testSyntheticTrace() throws { try check("synthetic_trace.jsonl") }
}

/// The synthetic trace under load in a pool of 420 blocks (its longest request needs 375): blocks held plus
/// blocks cached never exceed the pool, everything is released at the end, and a bounded pool hits no more than
/// an unbounded one.
final class ServeLoadedPoolTests: XCTestCase {
    func testAccountingUnderLoad() throws {
        let w = ServeWorkload(trace: try ServeFixtures.trace("synthetic_trace.jsonl"))
        var o = ServeOptions(capacityTokens: 420 * 512)
        o.fixedStepTime = 0.02
        var unbounded = o
        unbounded.capacityTokens = 1 << 40
        for cache in [ServeCachePolicy.vllm, .sglang, .none] {
            o.cache = cache
            unbounded.cache = cache
            let r = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, o)
            XCTAssertEqual(r.capacityBlocks, 420)
            XCTAssertTrue(r.timeline.allSatisfy { $0.blocksInUse + $0.cachedBlocks <= 420 }, "\(cache)")
            XCTAssertLessThanOrEqual(r.peakKVBlocks, 420)
            let last = try XCTUnwrap(r.timeline.last)
            XCTAssertEqual(last.running, 0)
            XCTAssertEqual(last.waiting, 0)
            XCTAssertEqual(last.blocksInUse, 0, "\(cache)")
            XCTAssertEqual(r.outputTokens, w.trace.outputLengths.reduce(0) { $0 + max(1, $1) })
            let free = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, unbounded)
            XCTAssertLessThanOrEqual(r.hitTokens, free.hitTokens, "\(cache)")
            XCTAssertEqual(free.preemptions, 0)
        }
    }
}
