import XCTest
@testable import KVEngine

/// `cache: .lru` is replay's cache inside the simulator: its hits must equal `replay(…, policy: .lru)` exactly,
/// at any capacity, whatever the step times (first-come-first-served admission keeps replay's order).
final class ServeReplayIdentityTests: XCTestCase {
    func check(_ trace: Trace, capacities: [Int], blockTokens: Int = 512, instant: Bool = true,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try ServeFixtures.anyModel()
        // The pool is floor(capacityTokens / blockTokens) blocks; with 1-token blocks a pool of 0 cannot be asked.
        for capacity in capacities where capacity > 0 || blockTokens > 1 {
            let expected = try replay(trace, capacity: capacity, policy: .lru, blockSize: blockTokens)
            var o = ServeOptions(capacityTokens: capacity * blockTokens + blockTokens - 1)
            o.cache = .lru
            o.instant = instant
            if !instant { o.fixedStepTime = 0.01 }
            let got = try model.serve(ServeWorkload(trace: trace, blockTokens: blockTokens), gpu: CalibrationGPUs.h100, o)
            XCTAssertEqual(got.hitBlocks, expected.hits, "capacity \(capacity)", file: file, line: line)
            XCTAssertEqual(got.hitTokens, expected.hitTokens, "capacity \(capacity)", file: file, line: line)
            XCTAssertEqual(got.lookups, expected.lookups, file: file, line: line)
            XCTAssertEqual(got.promptTokens, expected.inputTokens, file: file, line: line)
        }
    }

    func testConversationTrace() throws {
        try check(ServeFixtures.trace("conversation_trace.jsonl"), capacities: [0, 7, 1000, 30_000, 1_000_000])
    }

    func testSyntheticTrace() throws {
        try check(ServeFixtures.trace("synthetic_trace.jsonl"), capacities: [1, 500, 20_000, 1_000_000])
    }

    /// Time does not change the order: with 10 ms steps (requests overlap and queue) the hits are the same.
    func testConversationTraceWithStepTimes() throws {
        try check(ServeFixtures.trace("conversation_trace.jsonl"), capacities: [3000], instant: false)
    }

    /// Random prefix-chained traces (a random tree of ids, shared prefixes, equal timestamps) at many capacities.
    func testRandomTraces() throws {
        var rng = Xoshiro256(seed: 13)
        for round in 0..<40 {
            let bs = [1, 4, 16][round % 3]
            var nextId: Int32 = 0
            var children: [Int32: [Int32]] = [:]   // parent (-1: root) → ids seen after it
            var requests: [ServeFixtures.Request] = []
            var t = 0.0
            for _ in 0..<(20 + Int(rng.next() % 60)) {
                let blocks = 1 + Int(rng.next() % 12)
                var ids: [Int32] = [], parent: Int32 = -1
                for _ in 0..<blocks {
                    let known = children[parent] ?? []
                    let id: Int32
                    if !known.isEmpty, rng.next() % 3 != 0 {
                        id = known[Int(rng.next() % UInt64(known.count))]
                    } else {
                        id = nextId
                        nextId += 1
                        children[parent, default: []].append(id)
                    }
                    ids.append(id)
                    parent = id
                }
                let input = (blocks - 1) * bs + 1 + Int(rng.next() % UInt64(bs))
                if rng.next() % 2 == 0 { t += Double(rng.next() % 100) }
                requests.append(.init(at: t, input: input, output: 1 + Int(rng.next() % 5), ids: ids))
            }
            let trace = ServeFixtures.workload(requests, blockTokens: bs).trace
            try check(trace, capacities: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 1000], blockTokens: bs,
                      instant: round % 2 == 0)
        }
    }
}
