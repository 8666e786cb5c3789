import XCTest
@testable import KVEngine

/// `syntheticWorkload`: ids, lengths and arrival times against hand counts and the exponential's mean.
final class SyntheticWorkloadTests: XCTestCase {
    func ids(_ w: ServeWorkload, _ r: Int) -> [Int32] {
        Array(w.trace.blocks[w.trace.blockStart[r]..<w.trace.blockStart[r + 1]])
    }

    /// Independent requests share nothing: 3 requests of 10 tokens in 4-token blocks have 3 ids each, 9 distinct.
    func testIndependentRequestsShareNoBlock() throws {
        let w = try syntheticWorkload(requests: 3, input: 10, output: 5, arrival: .allAtOnce, blockTokens: 4)
        XCTAssertEqual(w.trace.inputLengths, [10, 10, 10])
        XCTAssertEqual(w.trace.outputLengths, [5, 5, 5])
        XCTAssertEqual(w.trace.timestamps, [0, 0, 0])
        XCTAssertEqual(w.trace.distinctBlocks, 9)
        XCTAssertNoThrow(try w.validate())
    }

    /// One conversation of 3 turns, 10 new tokens each, 4-token blocks: prompts of 10, 20, 30 tokens. Turn 1:
    /// stream blocks s0, s1 and its own partial p1; turn 2: s0 … s4; turn 3: s0 … s6 and its partial p3.
    /// With an unbounded cache, replay hits 2 blocks on turn 2 and 5 on turn 3.
    func testConversationTurnsResendTheConversation() throws {
        let w = try syntheticWorkload(requests: 3, input: 10, output: 2,
                                      arrival: .conversations(rate: 1, turns: 3, interval: 5), blockTokens: 4)
        XCTAssertEqual(w.trace.inputLengths, [10, 20, 30])
        let (t1, t2, t3) = (ids(w, 0), ids(w, 1), ids(w, 2))
        XCTAssertEqual(t1.count, 3)
        XCTAssertEqual(t2.count, 5)
        XCTAssertEqual(t3.count, 8)
        XCTAssertEqual(Array(t1.prefix(2)), Array(t2.prefix(2)))
        XCTAssertEqual(t2, Array(t3.prefix(5)))
        XCTAssertNotEqual(t1[2], t2[2])
        XCTAssertEqual(w.trace.distinctBlocks, 7 + 2)
        let r = try replay(w.trace, capacity: 100, policy: .lru, blockSize: 4)
        XCTAssertEqual(r.hits, 2 + 5)
        // Turns are ordered in time within the conversation.
        XCTAssertLessThan(w.trace.timestamps[0], w.trace.timestamps[1])
        XCTAssertLessThan(w.trace.timestamps[1], w.trace.timestamps[2])
    }

    /// Poisson arrivals at 4 requests/s: 20,000 gaps average 250 ms within 3 % (the standard error of the mean of
    /// an exponential is mean / √n = 1.8 ms); the same seed gives the same times, another seed others.
    func testPoissonArrivals() throws {
        let w = try syntheticWorkload(requests: 20_001, input: 1, output: 1, arrival: .poisson(rate: 4), seed: 7)
        let t = w.trace.timestamps
        XCTAssertEqual(t[0], 0)
        XCTAssertEqual(t.last! / 20_000, 250, accuracy: 250 * 0.03)
        let again = try syntheticWorkload(requests: 20_001, input: 1, output: 1, arrival: .poisson(rate: 4), seed: 7)
        XCTAssertEqual(again.trace.timestamps, t)
        let other = try syntheticWorkload(requests: 20_001, input: 1, output: 1, arrival: .poisson(rate: 4), seed: 8)
        XCTAssertNotEqual(other.trace.timestamps, t)
    }

    /// Conversations cut at `requests`: 10 requests of 4 turns are 2 whole conversations and half of a third.
    func testConversationsAreCutAtTheRequestCount() throws {
        let w = try syntheticWorkload(requests: 10, input: 8, output: 1,
                                      arrival: .conversations(rate: 2, turns: 4, interval: 1), blockTokens: 8)
        XCTAssertEqual(w.requests, 10)
        XCTAssertEqual(w.trace.inputLengths.sorted(), [8, 8, 8, 16, 16, 16, 24, 24, 32, 32])
        XCTAssertNoThrow(try w.validate())
    }

    func testMalformedArgumentsNameTheArgument() {
        func argument(_ f: () throws -> ServeWorkload) -> String? {
            do { _ = try f(); return nil } catch { return (error as? EngineError)?.argument }
        }
        XCTAssertEqual(argument { try syntheticWorkload(requests: 0, input: 1, output: 1, arrival: .allAtOnce) }, "requests")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 1, input: 0, output: 1, arrival: .allAtOnce) }, "input")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 1, input: 1, output: -1, arrival: .allAtOnce) }, "output")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 1, input: 1, output: 1, arrival: .allAtOnce,
                                                        blockTokens: 0) }, "block_size")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 2, input: 1, output: 1, arrival: .poisson(rate: 0)) },
                       "arrival")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 2, input: 1, output: 1,
                                                        arrival: .poisson(rate: .nan)) }, "arrival")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 2, input: 1, output: 1,
                                                        arrival: .conversations(rate: 1, turns: 0, interval: 1)) }, "turns")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 2, input: 1, output: 1,
                                                        arrival: .conversations(rate: 1, turns: 2, interval: -1)) }, "interval")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 3, input: 1, output: 1,
                                                        arrival: .poisson(rate: 1e-300)) }, "arrival")
        XCTAssertEqual(argument { try syntheticWorkload(requests: 3, input: 1, output: 1,
                                                        arrival: .conversations(rate: 1, turns: 3, interval: 1e300)) },
                       "arrival")
        // 10 M requests of 2^30 tokens in 1-token blocks would need 10^16 ids: refused, not allocated.
        XCTAssertEqual(argument { try syntheticWorkload(requests: 10_000_000, input: 1 << 30, output: 1,
                                                        arrival: .allAtOnce, blockTokens: 1) }, "requests")
    }
}

/// Percentiles as numpy computes them (`np.percentile(x, q)`, linear): for 1 … 100, p50 = 50.5, p90 = 90.1,
/// p99 = 99.01; for [4, 1, 3] (sorted 1, 3, 4): p50 = 3, p90 = 3.8, p99 = 3.98.
final class ServePercentileTests: XCTestCase {
    func testLinearInterpolationAsNumpy() {
        let a = Percentiles(of: (1...100).map(Double.init))
        XCTAssertEqual(a.mean, 50.5, accuracy: 1e-12)
        XCTAssertEqual(a.p50, 50.5, accuracy: 1e-12)
        XCTAssertEqual(a.p90, 90.1, accuracy: 1e-12)
        XCTAssertEqual(a.p99, 99.01, accuracy: 1e-12)
        let b = Percentiles(of: [4, 1, 3])
        XCTAssertEqual(b.p50, 3, accuracy: 1e-12)
        XCTAssertEqual(b.p90, 3.8, accuracy: 1e-12)
        XCTAssertEqual(b.p99, 3.98, accuracy: 1e-12)
        XCTAssertEqual(Percentiles(of: []), Percentiles())
        XCTAssertEqual(Percentiles(of: [2]), Percentiles(mean: 2, p50: 2, p90: 2, p99: 2))
    }
}
