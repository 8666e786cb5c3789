import XCTest
@testable import KVEngine

final class ReplayCurveTests: XCTestCase {
    private func assertCurveMatchesReplay(_ trace: Trace, blockSize: Int, capacities: [Int],
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        let curve = try replayCurve(trace, blockSize: blockSize)
        for c in capacities {
            let r = try replay(trace, capacity: c, policy: .lru, blockSize: blockSize)
            let fromCurve = curve.result(capacity: c)
            XCTAssertEqual(fromCurve.hits, r.hits, "capacity \(c)", file: file, line: line)
            XCTAssertEqual(fromCurve.hitTokens, r.hitTokens, "capacity \(c)", file: file, line: line)
            XCTAssertEqual(fromCurve, r, file: file, line: line)
        }
    }

    func testHandMadeTraces() throws {
        for name in ["policies.jsonl", "order.jsonl"] {
            let trace = try TraceReader.read(path: TraceFixtures.fixture(name))
            try assertCurveMatchesReplay(trace, blockSize: 4, capacities: Array(0...8) + [.max])
        }
        // policies.jsonl at capacity 3: the hand-traced LRU answer, 4 hits and 16 tokens.
        let curve = try replayCurve(path: TraceFixtures.fixture("policies.jsonl"), blockSize: 4)
        XCTAssertEqual(curve.result(capacity: 3).hits, 4)
        XCTAssertEqual(curve.rows(capacities: [3]).first?.tokenHitRate, 16.0 / 39.0)
    }

    func testOnlyLRU() {
        XCTAssertThrowsError(try replayCurve(path: TraceFixtures.fixture("policies.jsonl"), policy: .fifo)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "policy")
        }
    }

    func testSharedTraces() throws {
        guard let path = TraceFixtures.shared("conversation_trace.jsonl") else {
            throw XCTSkip("../shared/traces/conversation_trace.jsonl is not here: skipping the curve check")
        }
        let trace = try TraceReader.read(path: path)
        try assertCurveMatchesReplay(trace, blockSize: 512, capacities: [1, 100, 1000, 7777, 50000, 182_790])
        let rows = try replayCurve(trace).rows(points: 30)
        XCTAssertEqual(rows.first?.capacity, 1)
        XCTAssertEqual(rows.last?.blockHitRate ?? 0, 105_710.0 / 288_500.0, accuracy: 1e-12)
        XCTAssertTrue(zip(rows, rows.dropFirst()).allSatisfy { $0.blockHitRate <= $1.blockHitRate })
    }
}
