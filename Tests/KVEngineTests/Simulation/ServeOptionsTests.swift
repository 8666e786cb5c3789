import XCTest
@testable import KVEngine

/// Malformed options and workloads are errors naming the argument; a loaded run ends with every request served.
final class ServeOptionsTests: XCTestCase {
    typealias R = ServeFixtures.Request

    func argument(_ change: (inout ServeOptions) -> Void, workload: ServeWorkload? = nil) throws -> String? {
        var o = ServeOptions(capacityTokens: 1 << 20)
        change(&o)
        let w = try workload ?? syntheticWorkload(requests: 4, input: 100, output: 10, arrival: .allAtOnce)
        do {
            _ = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, o)
            return nil
        } catch {
            return (error as? EngineError)?.argument
        }
    }

    func testMalformedOptionsNameTheArgument() throws {
        XCTAssertNil(try argument { _ in })
        XCTAssertEqual(try argument { $0.capacityTokens = 0 }, "capacity")
        XCTAssertEqual(try argument { $0.capacityTokens = -5 }, "capacity")
        XCTAssertEqual(try argument { $0.tp = 0 }, "tp")
        XCTAssertEqual(try argument { $0.pp = -1 }, "pp")
        XCTAssertEqual(try argument { $0.maxNumBatchedTokens = 0 }, "max_num_batched_tokens")
        XCTAssertEqual(try argument { $0.maxNumBatchedTokens = Int.max }, "max_num_batched_tokens")
        XCTAssertEqual(try argument { $0.maxNumSeqs = 0 }, "max_num_seqs")
        XCTAssertEqual(try argument { $0.dramBytes = -1 }, "dram")
        XCTAssertEqual(try argument { $0.dramBytes = .infinity }, "dram")
        XCTAssertEqual(try argument { $0.dramBytes = 1e9 }, "dram_bandwidth")
        XCTAssertEqual(try argument { $0.dramBandwidth = .nan }, "dram_bandwidth")
        XCTAssertEqual(try argument { $0.dramBytes = 1e9; $0.dramBandwidth = 1e9; $0.cache = .lru }, "dram")
        XCTAssertEqual(try argument { $0.dramBytes = 1e9; $0.dramBandwidth = 1e9; $0.cache = .none }, "dram")
        XCTAssertEqual(try argument { $0.fixedStepTime = -1 }, "step_time")
        XCTAssertEqual(try argument { $0.fixedStepTime = .nan }, "step_time")
        XCTAssertEqual(try argument { $0.timelinePoints = 1 }, "points")
        // tp 2 on a GPU without an interconnect figure: the latency engine's error.
        var bare = CalibrationGPUs.h100
        bare.performance.interconnect = 0
        var o = ServeOptions(capacityTokens: 1 << 20)
        o.tp = 2
        let w = try syntheticWorkload(requests: 1, input: 10, output: 2, arrival: .allAtOnce)
        XCTAssertThrowsError(try ServeFixtures.anyModel().serve(w, gpu: bare, o)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "gpu")
        }
    }

    /// A pool the simulator would need more than 2^25 blocks for is refused before anything is allocated: one
    /// request of 1 + 2^26 tokens in 1-token blocks, in a pool of 2^40 tokens. An empty workload serves nothing.
    func testHugePoolsAreRefusedAndEmptyWorkloadsServeNothing() throws {
        let long = ServeFixtures.workload([R(input: 1, output: 1 << 26, ids: [0])], blockTokens: 1)
        XCTAssertEqual(try argument({ $0.capacityTokens = 1 << 40 }, workload: long), "capacity")
        let empty = ServeFixtures.workload([], blockTokens: 16)
        let r = try ServeFixtures.anyModel().serve(empty, gpu: CalibrationGPUs.h100, ServeOptions(capacityTokens: 64))
        XCTAssertEqual(r.requests, 0)
        XCTAssertEqual(r.steps, 0)
        XCTAssertEqual(r.hitRate, 0)
        XCTAssertEqual(r.throughput, 0)
    }

    /// A workload whose ids do not cover its prompts (3 ids for 20 tokens in 4-token blocks need 5), or an empty
    /// prompt, or a block size of 0, is refused.
    func testMalformedWorkloadsAreRefused() throws {
        let short = ServeFixtures.workload([R(input: 20, output: 1, ids: [0, 1, 2])], blockTokens: 4)
        XCTAssertEqual(try argument({ _ in }, workload: short), "workload")
        let empty = ServeFixtures.workload([R(input: 0, output: 1, ids: [])], blockTokens: 4)
        XCTAssertEqual(try argument({ _ in }, workload: empty), "workload")
        let never = ServeFixtures.workload([R(at: .infinity, input: 4, output: 1, ids: [0])], blockTokens: 4)
        XCTAssertEqual(try argument({ _ in }, workload: never), "workload")
        var zero = ServeFixtures.workload([R(input: 4, output: 1, ids: [0])], blockTokens: 4)
        zero.blockTokens = 0
        XCTAssertEqual(try argument({ _ in }, workload: zero), "block_size")
        // The malformed-trace fixture never reaches serve: the reader refuses it with a location.
        XCTAssertThrowsError(try ServeFixtures.trace("malformed.jsonl"))
    }

    /// 64 requests of 512 + 256 tokens at once in a pool of 4,096 tokens (8 requests' worth at their longest):
    /// requests are preempted, and still every one is served, under each policy, and KV in use never exceeds
    /// the pool.
    func testPreemptionUnderLoadStillEnds() throws {
        let w = try syntheticWorkload(requests: 64, input: 512, output: 256, arrival: .allAtOnce, blockTokens: 16)
        for cache in [ServeCachePolicy.vllm, .sglang, .none] {
            var o = ServeOptions(capacityTokens: 4096)
            o.cache = cache
            let r = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, o)
            XCTAssertGreaterThan(r.preemptions, 0, "\(cache)")
            XCTAssertEqual(r.outputTokens, 64 * 256)
            XCTAssertLessThanOrEqual(r.peakKVBlocks, 256, "\(cache)")
            XCTAssertGreaterThan(r.ttft.p99, r.ttft.p50)
            XCTAssertTrue(r.e2e.p99.isFinite && r.e2e.p99 <= r.duration + LatencyConstants.requestOverhead)
            XCTAssertLessThanOrEqual(r.timeline.count, 500)
            XCTAssertTrue(r.timeline.allSatisfy { $0.blocksInUse + $0.cachedBlocks <= 256 })
            XCTAssertTrue(zip(r.timeline, r.timeline.dropFirst()).allSatisfy { $0.time < $1.time })
        }
    }

    /// The timeline keeps at most `timelinePoints` samples, spread over the whole run.
    func testTimelineIsBoundedAndSpansTheRun() throws {
        let w = try syntheticWorkload(requests: 300, input: 200, output: 50, arrival: .poisson(rate: 20))
        var o = ServeOptions(capacityTokens: 1 << 20)
        o.timelinePoints = 16
        let r = try ServeFixtures.anyModel().serve(w, gpu: CalibrationGPUs.h100, o)
        XCTAssertLessThanOrEqual(r.timeline.count, 16)
        XCTAssertGreaterThanOrEqual(r.timeline.count, 8)
        XCTAssertGreaterThan(r.timeline.last!.time, r.duration / 2)
        XCTAssertTrue(r.timeline.allSatisfy { $0.running <= o.maxNumSeqs && $0.time > 0 })
    }
}
