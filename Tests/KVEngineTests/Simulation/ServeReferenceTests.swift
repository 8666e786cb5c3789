import Foundation
import XCTest
@testable import KVEngine

/// The simulator against an independent Python implementation of the same stated semantics
/// (Fixtures/serve/reference_serve.py, written plainly with dicts, lists and a tree; its output committed as
/// reference.json): 30 random workloads with shared prefixes, small pools (preemptions happen), small budgets and
/// 1 s steps, under none, vllm and sglang. Steps, preemptions, hit tokens and duration must agree exactly, and so
/// must the mean and percentiles of TTFT and e2e computed from every request's first and last token times.
/// (Reversing vLLM's free order, or pushing SGLang's new leaves with a wrong time, breaks it in several cases.)
final class ServeReferenceTests: XCTestCase {
    struct Case: Decodable {
        struct Workload: Decodable {
            var bs: Int
            var at: [Double]
            var input: [Int]
            var output: [Int]
            var ids: [[Int32]]
        }
        struct Expected: Decodable {
            var steps: Int
            var preemptions: Int
            var hit_tokens: Int
            var duration: Double
            var first: [Double]
            var last: [Double]
        }
        var workload: Workload
        var policy: String
        var capacity_blocks: Int
        var budget: Int
        var seqs: Int
        var expected: Expected
    }

    func testAgreesWithTheReference() throws {
        let url = TraceFixtures.testsDir.appendingPathComponent("Fixtures/serve/reference.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        XCTAssertEqual(cases.count, 90)
        XCTAssertGreaterThan(cases.map(\.expected.preemptions).reduce(0, +), 100)
        let model = try ServeFixtures.anyModel()
        for (k, c) in cases.enumerated() {
            let w = c.workload
            let requests = w.at.indices.map {
                ServeFixtures.Request(at: w.at[$0], input: w.input[$0], output: w.output[$0], ids: w.ids[$0])
            }
            var o = ServeFixtures.options(capacityTokens: c.capacity_blocks * w.bs, budget: c.budget, seqs: c.seqs,
                                          cache: try XCTUnwrap(ServeCachePolicy(rawValue: c.policy)))
            o.timelinePoints = 2
            let r = try model.serve(ServeFixtures.workload(requests, blockTokens: w.bs), gpu: CalibrationGPUs.h100, o)
            let e = c.expected
            let what = "case \(k) (\(c.policy))"
            XCTAssertEqual(r.steps, e.steps, what)
            XCTAssertEqual(r.preemptions, e.preemptions, what)
            XCTAssertEqual(r.hitTokens, e.hit_tokens, what)
            XCTAssertEqual(r.duration, e.duration, accuracy: 1e-9, what)
            // Per-request times through the means and percentiles of TTFT and e2e.
            let oh = LatencyConstants.requestOverhead
            XCTAssertEqual(r.ttft, Percentiles(of: e.first.map { $0 + oh }), what)
            XCTAssertEqual(r.e2e, Percentiles(of: e.last.map { $0 + oh }), what)
        }
    }
}
