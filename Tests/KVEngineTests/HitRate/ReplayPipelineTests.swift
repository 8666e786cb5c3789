import Foundation
import XCTest
@testable import KVEngine

/// The two-thread replay (ReplayPipeline.swift) must give exactly what replaying the parsed trace gives, and the
/// same errors, wherever the chunk boundaries fall: tiny chunk shapes put them after every request, inside runs
/// of empty requests, and right before a malformed line.
final class ReplayPipelineTests: XCTestCase {
    private let shapes = [ReplayPipeline.Shape(ids: 1, requests: 1, chunks: 2),
                          ReplayPipeline.Shape(ids: 3, requests: 2, chunks: 2),
                          ReplayPipeline.Shape(ids: 5, requests: 100, chunks: 3),
                          ReplayPipeline.Shape()]

    private func pipelined(_ text: String, capacity: Int, policy: EvictionPolicy, blockSize: Int = 512,
                           shape: ReplayPipeline.Shape, name: String = "t.jsonl") throws -> ReplayPipeline.Outcome {
        try ReplayPipeline.replay(Data(text.utf8), name: name, capacity: capacity, refreshOnHit: policy == .lru,
                                  blockSize: blockSize, shape: shape)
    }

    func testPipelineAgreesWithTheParsedTrace() throws {
        var rng = PolicyDifferentialTests.RNG(state: 2_611_30)
        var compared = 0, unordered = 0
        for n in 0..<100 {
            var requests = PolicyDifferentialTests.randomTrace(&rng)
            if n % 3 != 0 { requests.sort { $0.timestamp < $1.timestamp } }  // stable: ties keep their order
            let text = PolicyDifferentialTests.jsonLines(requests, outputLength: n % 2 == 0)
            let trace = try TraceReader.parse(Data(text.utf8), name: "t.jsonl")
            let ordered = zip(requests, requests.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }
            for capacity in [0, 1, 3, trace.distinctBlocks / 2, trace.distinctBlocks, Int.max] {
                for policy in [EvictionPolicy.lru, .fifo] {
                    let blockSize = [1, 4, 512][n % 3]
                    let expected = try replay(trace, capacity: capacity, policy: policy, blockSize: blockSize)
                    let shape = shapes[(n + capacity % 7) % shapes.count]
                    let outcome = try pipelined(text, capacity: capacity, policy: policy, blockSize: blockSize,
                                                shape: shape)
                    switch outcome {
                    case .done(let result):
                        XCTAssertTrue(ordered, "trace \(n): an unordered trace was replayed")
                        XCTAssertEqual(result, expected, "trace \(n), \(policy), capacity \(capacity), \(shape)")
                        compared += 1
                    case .unordered:
                        XCTAssertFalse(ordered, "trace \(n): an ordered trace was refused")
                        unordered += 1
                    case .unavailable:
                        XCTFail("no second thread")
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 500)
        XCTAssertGreaterThan(unordered, 50)
    }

    /// Empty id lists (a chunk boundary reached by the request count alone) and runs of them.
    func testEmptyRequestsAcrossChunks() throws {
        var t = 0
        func line(_ input: Int, _ ids: String) -> String {
            t += 1
            return "{\"timestamp\": \(t), \"input_length\": \(input), \"output_length\": 1, \"hash_ids\": [\(ids)]}\n"
        }
        let text = [(10, ""), (10, ""), (600, "0, 1"), (10, ""), (600, "0, 1"), (600, "0, 1"), (10, ""), (10, ""),
                    (10, "")].map { line($0.0, $0.1) }.joined()
        let expected = try replay(TraceReader.parse(Data(text.utf8), name: "t"), capacity: 1, policy: .lru)
        // By hand: 9 requests, 3 × 2 look-ups, 6 × 10 + 3 × 600 input tokens. Capacity 1 holds only block 1 after
        // each [0, 1] (0 is evicted for it), so a later [0, 1] misses at its first block: no hits.
        XCTAssertEqual(expected.requests, 9)
        XCTAssertEqual(expected.lookups, 6)
        XCTAssertEqual(expected.hits, 0)
        XCTAssertEqual(expected.inputTokens, 6 * 10 + 3 * 600)
        for shape in shapes {
            guard case .done(let r) = try pipelined(text, capacity: 1, policy: .lru, shape: shape) else {
                return XCTFail("\(shape) did not replay")
            }
            XCTAssertEqual(r, expected)
        }
        // Capacity 2 keeps both: the second and third [0, 1] hit twice each (512 tokens a block, capped at 600).
        guard case .done(let r) = try pipelined(text, capacity: 2, policy: .lru, shape: shapes[0]) else {
            return XCTFail("did not replay")
        }
        XCTAssertEqual(r.hits, 4)
        XCTAssertEqual(r.hitTokens, 2 * 600)
    }

    /// The reader thread's errors are the sequential parser's: the first in file order with its line:column,
    /// whether it is in the first line, the middle, the last line (no newline), or the line after a chunk
    /// boundary; and a request out of order before the error means "unordered" (the caller's full parse then
    /// reports the error).
    func testErrorsAreTheSequentialParsersWhereverTheChunksEnd() throws {
        func line(_ t: Int, _ ids: String) -> String {
            "{\"timestamp\": \(t), \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [\(ids)]}\n"
        }
        let good = (0..<7).map { line(10 + $0, "\($0), \($0 + 1), \($0 + 2)") }.joined()
        let bad = line(50, "1, x")
        let badAtEnd = "{\"timestamp\": 60, \"input_length\": 4, \"hash_ids\": [1, 2"
        let cases: [(String, String)] = [
            (bad + good, "t.jsonl:1:"), (good + bad + good, "t.jsonl:8:"), (good + bad, "t.jsonl:8:"),
            (good + badAtEnd, "t.jsonl:8:"), (good + bad + bad, "t.jsonl:8:"),
            (good + "{\"timestamp\": 70, \"input_length\": -4, \"hash_ids\": [1]}\n" + good, "t.jsonl:8:"),
        ]
        for (text, location) in cases {
            let expected: String
            do {
                _ = try TraceReader.parse(Data(text.utf8), name: "t.jsonl")
                return XCTFail("parsed:\n\(text)")
            } catch {
                expected = (error as? EngineError)?.message ?? "\(error)"
            }
            XCTAssertTrue(expected.hasPrefix(location), expected)
            // Chunks of 1, 2 or 3 requests put a boundary right before the bad line in some of them.
            for shape in shapes + [ReplayPipeline.Shape(ids: 100, requests: 3, chunks: 2)] {
                for policy in [EvictionPolicy.lru, .fifo] {
                    XCTAssertThrowsError(try pipelined(text, capacity: 2, policy: policy, shape: shape)) {
                        XCTAssertEqual(($0 as? EngineError)?.message, expected, "\(shape)")
                    }
                }
            }
        }
        // Out of order first: the pipeline stops there (no error yet); replay(path:) then reports the error.
        let text = line(10, "1") + line(5, "2") + bad
        XCTAssertTrue(try {
            if case .unordered = try pipelined(text, capacity: 2, policy: .lru, shape: shapes[0]) { return true }
            return false
        }())
    }

    /// The fuzz target's entry: one thread (chunkIds 0) or two, nil for LFU and for a trace out of order.
    func testReplayWhileReadingForTheFuzzTarget() throws {
        let text = "{\"timestamp\": 1, \"input_length\": 900, \"hash_ids\": [0, 1]}\n"
            + "{\"timestamp\": 2, \"input_length\": 900, \"hash_ids\": [0, 1, 2]}\n"
        // By hand, capacity 2 (LRU): 0, 1 miss; then 0, 1 hit (a 2-block prefix, 900 tokens at most), 2 misses.
        for ids in [0, 1, 2] {
            let r = try replayWhileReading(Data(text.utf8), name: "t", capacity: 2, policy: .lru, chunkIds: ids)
            XCTAssertEqual(r?.lookups, 5)
            XCTAssertEqual(r?.hits, 2)
            XCTAssertEqual(r?.hitTokens, 900)
            XCTAssertEqual(r?.inputTokens, 1800)
            XCTAssertNil(try replayWhileReading(Data(text.utf8), name: "t", capacity: 2, policy: .lfu, chunkIds: ids))
        }
        let unordered = "{\"timestamp\": 3, \"input_length\": 1, \"hash_ids\": [0]}\n" + text
        XCTAssertNil(try replayWhileReading(Data(unordered.utf8), name: "t", capacity: 2, policy: .fifo, chunkIds: 1))
        XCTAssertThrowsError(try replayWhileReading(Data(text.utf8), name: "t", capacity: -1, policy: .lru,
                                                    chunkIds: 1))
    }

    /// The line cap holds on the reader thread: a line over 16 MiB is the general parser's error, not a chunk
    /// overflow (each chunk has room for a whole line past its target size).
    func testOverlongLineIsRefusedWithItsLocation() throws {
        let head = "{\"timestamp\": 1, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [0, 1]}\n"
        var long = "{\"timestamp\": 2, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": ["
        let ids = String(repeating: "1, ", count: TraceReader.maxLineBytes / 3 + 1)
        long += ids + "1]}\n"
        let text = head + long + head
        XCTAssertThrowsError(try pipelined(text, capacity: 2, policy: .lru, shape: shapes[1])) {
            let message = ($0 as? EngineError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("t.jsonl:2:1: the line is"), message)
            XCTAssertTrue(message.contains("over the 16 MiB limit"), message)
        }
    }

    /// `replay(path:)` takes the pipeline for a trace past `minimumBytes` (where a second processor exists) and
    /// gives what the parsed trace gives: a Mooncake-shaped trace of conversations, written out here.
    func testReplayOfALargeFileUsesThePipelineAndAgrees() throws {
        var lines: [String] = []
        var next = 0
        var conversations: [[Int]] = []
        var rng = PolicyDifferentialTests.RNG(state: 77)
        while lines.count < 6000 {
            var ids: [Int]
            if !conversations.isEmpty, rng.below(2) == 0 {
                let c = rng.below(conversations.count)
                let k = 1 + rng.below(4)
                conversations[c] += (0..<k).map { next + $0 }
                next += k
                ids = conversations[c]
            } else {
                ids = (0..<(1 + rng.below(12))).map { next + $0 }
                next += ids.count
                conversations.append(ids)
            }
            lines.append("{\"timestamp\": \(lines.count / 3), \"input_length\": \(ids.count * 512 - 100), "
                         + "\"output_length\": 7, \"hash_ids\": [\(ids.map(String.init).joined(separator: ", "))]}")
        }
        let text = lines.joined(separator: "\n") + "\n"
        XCTAssertGreaterThan(text.utf8.count, ReplayPipeline.minimumBytes)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(getpid()).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trace = try TraceReader.parse(Data(text.utf8), name: path)
        for capacity in [10, 1000, trace.distinctBlocks] {
            for policy in [EvictionPolicy.lru, .fifo] {
                let expected = try replay(trace, capacity: capacity, policy: policy)
                XCTAssertEqual(try replay(path: path, capacity: capacity, policy: policy), expected)
                guard case .done(let r) = try ReplayPipeline.replay(Data(text.utf8), name: path, capacity: capacity,
                                                                    refreshOnHit: policy == .lru, blockSize: 512)
                else { return XCTFail("the pipeline did not replay") }
                XCTAssertEqual(r, expected)
                XCTAssertGreaterThan(r.hits, 0)
            }
        }
    }
}
