import Foundation
import XCTest
@testable import KVEngine

/// `replay(path:)` replays LRU and FIFO while reading, when the requests are in timestamp order, and otherwise
/// parses, sorts and replays; either way it must give exactly what replaying the parsed trace gives, and the same
/// errors. The random traces of PolicyDifferentialTests (ties, out-of-order timestamps, ids of every kind) are
/// written to a file in both line shapes, in their own order and sorted, and replayed both ways.
final class ReplayStreamingTests: XCTestCase {
    private let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replay-streaming-\(getpid())")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func write(_ text: String, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testStreamingAgreesWithTheParsedTrace() throws {
        var rng = PolicyDifferentialTests.RNG(state: 314)
        var streamedOrdered = 0
        for n in 0..<120 {
            var requests = PolicyDifferentialTests.randomTrace(&rng)
            if n % 2 == 0 { requests.sort { $0.timestamp < $1.timestamp } }  // stable: ties keep their order
            let text = PolicyDifferentialTests.jsonLines(requests, outputLength: n % 3 != 0)
            let path = try write(text, "t\(n).jsonl")
            let trace = try TraceReader.parse(Data(text.utf8), name: path)
            let ordered = zip(requests, requests.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }
            for capacity in [0, 1, 2, 3, trace.distinctBlocks / 2, trace.distinctBlocks, Int.max] {
                for policy in EvictionPolicy.allCases {
                    let blockSize = [1, 4, 512][n % 3]
                    let expected = try replay(trace, capacity: capacity, policy: policy, blockSize: blockSize)
                    XCTAssertEqual(try replay(path: path, capacity: capacity, policy: policy, blockSize: blockSize),
                                   expected, "trace \(n), \(policy), capacity \(capacity):\n\(text)")
                    let streamed = try replayStreaming(Data(text.utf8), name: path, capacity: capacity,
                                                       policy: policy, blockSize: blockSize)
                    // Streaming happens exactly for LRU and FIFO on ordered traces, and then agrees.
                    XCTAssertEqual(streamed != nil, ordered && policy != .lfu, "trace \(n), \(policy)")
                    if let streamed {
                        XCTAssertEqual(streamed, expected, "trace \(n), \(policy), capacity \(capacity)")
                        streamedOrdered += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(streamedOrdered, 500)
    }

    /// A malformed line after good ones is the same located error streamed or not, and so is one after a request
    /// out of order (the stream stops there, the full parse then finds the error).
    func testErrorsAreTheSame() throws {
        let good = "{\"timestamp\": 5, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [1, 2]}\n"
        let bad = "{\"timestamp\": 6, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [1, x]}\n"
        let early = "{\"timestamp\": 1, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [3]}\n"
        for (k, text) in [good + good + bad, good + early + bad, bad].enumerated() {
            let path = try write(text, "bad\(k).jsonl")
            let expected: String
            do {
                _ = try TraceReader.parse(Data(text.utf8), name: path)
                return XCTFail("\(text) parsed")
            } catch {
                expected = (error as? EngineError)?.message ?? "\(error)"
            }
            XCTAssertTrue(expected.hasPrefix("\(path):"), expected)
            for policy in EvictionPolicy.allCases {
                XCTAssertThrowsError(try replay(path: path, capacity: 2, policy: policy)) {
                    XCTAssertEqual(($0 as? EngineError)?.message, expected)
                }
            }
        }
    }
}
