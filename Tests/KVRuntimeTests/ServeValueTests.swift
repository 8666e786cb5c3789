import Foundation
import KVEngine
import KVLang
import XCTest

/// serve, serve_timeline and workload through the language, against figures worked out by hand or given by
/// replay, latency and kv_capacity.
final class ServeValueTests: XCTestCase {
    static let traces = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KVEngineTests/Fixtures/traces")

    private func numbers(_ program: String, file: StaticString = #filePath, line: UInt = #line) -> [Double] {
        guard case .list(let items)? = Run.value(program, file: file, line: line) else {
            XCTFail("not a list: \(program)", file: file, line: line)
            return []
        }
        return items.map { v in
            guard case .quantity(let q) = v else { return .nan }
            return q.value
        }
    }

    /// With every step instant and replay's cache, serve's hits are replay's, at every capacity.
    func testInstantLRUEqualsReplay() {
        let policies = Self.traces.appendingPathComponent("policies.jsonl").path
        for capacity in 1...7 {
            let pair = numbers("[serve(\"\(policies)\", llama3_8b, H100, trace_block_size: 4, capacity: \(capacity), "
                               + "cache: \"lru\", instant: true).hits, replay(\"\(policies)\", capacity: \(capacity), block_size: 4).hits]")
            XCTAssertEqual(pair.count, 2)
            XCTAssertEqual(pair.first, pair.last, "capacity \(capacity)")
        }
        // The real conversation trace (12,031 requests), at a capacity where eviction matters.
        let conversation = Self.traces.appendingPathComponent("conversation_trace.jsonl").path
        let real = numbers("[serve(\"\(conversation)\", llama3_8b, H100, capacity: 5000, cache: \"lru\", instant: true).hits, "
                           + "replay(\"\(conversation)\", capacity: 5000).hits]")
        XCTAssertEqual(real, [31840, 31840])
    }

    /// Random prefix-chained traces written to a file, replayed through both at many capacities.
    func testInstantLRUEqualsReplayOnRandomTraces() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = Xoshiro256(seed: 13)
        for t in 0..<4 {
            // A tree of prefixes: each request extends a random earlier request's ids (or starts anew) by 1…4 blocks.
            var prompts: [[Int]] = [], nextId = 0, lines: [String] = []
            for r in 0..<60 {
                var ids = prompts.isEmpty || rng.next() % 4 == 0 ? [] : prompts[Int(rng.next() % UInt64(prompts.count))]
                ids = Array(ids.prefix(Int(rng.next() % UInt64(ids.count + 1))))
                for _ in 0..<(1 + Int(rng.next() % 4)) { ids.append(nextId); nextId += 1 }
                prompts.append(ids)
                let input = (ids.count - 1) * 4 + 1 + Int(rng.next() % 4)
                lines.append("{\"timestamp\": \(r * 10), \"input_length\": \(input), \"output_length\": \(1 + rng.next() % 5), "
                             + "\"hash_ids\": \(ids)}")
            }
            let path = dir.appendingPathComponent("t\(t).jsonl").path
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            for capacity in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 400] {
                let pair = numbers("[serve(\"\(path)\", llama3_8b, H100, trace_block_size: 4, capacity: \(capacity), "
                                   + "cache: \"lru\", instant: true).hits, replay(\"\(path)\", capacity: \(capacity), block_size: 4).hits]")
                XCTAssertEqual(pair.first, pair.last, "trace \(t), capacity \(capacity)")
            }
        }
    }

    /// Two requests of 100 prompt and 3 output tokens at once, a 100-token budget, 10 ms steps:
    ///   step 1 (0–10 ms):  A prefills 100 → A's 1st token at 10 ms;
    ///   step 2 (10–20 ms): A decodes (1), B prefills 99 of 100 → A's 2nd token at 20 ms;
    ///   step 3 (20–30 ms): A decodes, B its last prompt token → A's 3rd (done) and B's 1st token at 30 ms;
    ///   steps 4, 5: B's 2nd and 3rd at 40 and 50 ms.
    /// TTFT = first token + 1.5 ms request overhead: 11.5 and 31.5 ms (mean 21.5); TPOT 10 ms each; e2e 31.5 and
    /// 51.5 ms (mean 41.5); duration 50 ms; throughput 6 tokens / 50 ms = 120 tokens/s.
    func testHandComputedSteps() {
        let s = "let s = serve(workload(requests: 2, input: 100 tokens, output: 3 tokens), llama3_8b, H100, "
            + "step_time: 10 ms, max_num_batched_tokens: 100); "
        // Times in ms (the values are in seconds).
        let v = numbers(s + "[s.ttft.mean * 1000, s.ttft.p50 * 1000, s.tpot.mean * 1000, s.e2e.mean * 1000, "
                        + "s.e2e.p99 * 1000, s.duration * 1000, s.throughput, s.steps, s.preemptions, s.output_tokens]")
        // e2e p99 interpolates between 31.5 and 51.5 ms: 31.5 + 0.99 × 20.
        let want = [21.5, 21.5, 10, 41.5, 31.5 + 0.99 * 20, 50, 120, 5, 0, 6]
        XCTAssertEqual(v.count, want.count)
        for (got, w) in zip(v, want) { XCTAssertEqual(got, w, accuracy: 1e-9 * max(1, w)) }
        // A 50-token budget prefills one 100-token prompt in two steps: TTFT 20 + 1.5 ms.
        XCTAssertEqual(Run.number("serve(workload(requests: 1, input: 100 tokens, output: 2 tokens), llama3_8b, H100, "
                                  + "step_time: 10 ms, max_num_batched_tokens: 50).ttft.mean"), 0.0215, accuracy: 1e-12)
    }

    /// One request alone is latency()'s request: the same prefill pass and the same decode steps.
    func testOneRequestIsLatency() {
        let v = numbers("let s = serve(workload(requests: 1, input: 2048 tokens, output: 128 tokens), llama3_8b, H100); "
                        + "let l = latency(llama3_8b, H100, input: 2048 tokens, output: 128 tokens); "
                        + "[s.ttft.mean / l.ttft, s.tpot.mean / l.tpot, s.e2e.mean / l.e2e, s.throughput / l.throughput]")
        XCTAssertEqual(v.count, 4)
        for r in v.prefix(3) { XCTAssertEqual(r, 1, accuracy: 1e-9) }
        // serve's duration runs to the last token without the 1.5 ms request overhead latency() puts in e2e:
        // 0.979786 / (0.979786 − 0.0015) = 1.00153.
        XCTAssertEqual(v.last ?? 0, 1.00153, accuracy: 2e-5)
    }

    /// Conversations of 5 turns, each adding 512 tokens (whole 16-token blocks): with room for everything and no
    /// time, turn k finds the k − 1 earlier turns cached, so the hit rate is Σ(k − 1) / Σk = 10 / 15 = (T − 1)/(T + 1),
    /// the ceiling of hit_rate's token model.
    func testConversationsHitTheirHistory() {
        let w = "workload(requests: 50, input: 512 tokens, output: 16 tokens, arrival: 0.2 conv/s, turns: 5)"
        XCTAssertEqual(Run.number("serve(\(w), llama3_8b, H100, instant: true).hit_rate"), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(Run.number("serve(\(w), llama3_8b, H100, instant: true, cache: \"sglang\").hit_rate"), 2.0 / 3,
                       accuracy: 1e-12)
        XCTAssertEqual(Run.number("hit_rate(llama3_8b, 1 TB, turns: 5, arrival: 0.01 conv/s, interval: 5 s, seq: 512, "
                                  + "method: \"tokens\").hit_rate"), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(Run.number("serve(\(w), llama3_8b, H100, instant: true, cache: \"none\").hit_rate"), 0)
        // Independent requests share nothing.
        XCTAssertEqual(Run.number("serve(workload(requests: 20, arrival: 5 req/s), llama3_8b, H100, instant: true).hit_rate"), 0)
    }

    /// The pool: kv_capacity's tokens in whole blocks of the workload's size, or `capacity` in bytes, tokens or
    /// blocks. Llama-3-8B: 2 × 32 layers × 8 KV heads × 128 × 2 B = 131,072 B a token; 1 GiB / 131,072 B = 8192
    /// tokens; tp 2 halves the heads on each chip: 16,384.
    func testPool() {
        XCTAssertEqual(Run.number("serve(workload(), llama3_8b, H100, capacity: 1 GiB).capacity"), 8192)
        XCTAssertEqual(Run.number("serve(workload(), llama3_8b, H100, tp: 2, capacity: 1 GiB).capacity"), 16384)
        XCTAssertEqual(Run.number("serve(workload(), llama3_8b, H100, capacity: 2010 tokens).capacity"), 2000, "125 blocks of 16")
        XCTAssertEqual(Run.number("serve(workload(), llama3_8b, H100, capacity: 100).capacity_blocks"), 100)
        let auto = numbers("[serve(workload(), llama3_8b, H100).capacity, kv_capacity(llama3_8b, H100).tokens]")
        XCTAssertEqual(auto.first, ((auto.last ?? 0) / 16).rounded(.down) * 16)
        // The same engine flags reach the pool: gpu_memory_utilization 0.5 leaves less.
        let half = numbers("[serve(workload(), llama3_8b, H100, gpu_memory_utilization: 0.5).capacity, "
                           + "kv_capacity(llama3_8b, H100, gpu_memory_utilization: 0.5).tokens]")
        XCTAssertEqual(half.first, ((half.last ?? 0) / 16).rounded(.down) * 16)
        // A 512-token trace block: 811 blocks of kv_capacity's 415,584 tokens.
        let sglang = numbers("[serve(workload(), llama3_8b, H100, engine: \"sglang\").capacity, "
                             + "kv_capacity(llama3_8b, H100, engine: \"sglang\").tokens]")
        XCTAssertEqual(sglang.first, ((sglang.last ?? 0) / 16).rounded(.down) * 16)
        guard case .string(let c)? = Run.value("serve(workload(requests: 2), llama3_8b, H100, engine: \"sglang\").cache"),
              case .string(let v)? = Run.value("serve(workload(requests: 2), llama3_8b, H100).cache") else {
            return XCTFail("no cache field")
        }
        XCTAssertEqual([c, v], ["sglang", "vllm"])
        // A request that cannot fit even alone is an error, not a hang.
        let d = Run.error("serve(workload(requests: 1, input: 1000 tokens), llama3_8b, H100, capacity: 10)")
        XCTAssertEqual(Run.culprit(d), "10")
        XCTAssertTrue(d?.message.contains("needs") == true, d?.message ?? "")
    }

    func testDRAMTier() {
        // A pool of 128 blocks of 16 tokens holds one conversation's 5 turns at most; many at once evict each other.
        let w = "workload(requests: 200, input: 512 tokens, output: 8 tokens, arrival: 2 conv/s, turns: 5, interval: 10 s)"
        let v = numbers("[serve(\(w), llama3_8b, H100, capacity: 4096 tokens).hit_rate, "
                        + "serve(\(w), llama3_8b, H100, capacity: 4096 tokens, dram: 100 GB, dram_bandwidth: 25 GB/s).hit_rate, "
                        + "serve(\(w), llama3_8b, H100, capacity: 4096 tokens, dram: 100 GB, dram_bandwidth: 25 GB/s).dram_hit_rate]")
        XCTAssertEqual(v.count, 3)
        XCTAssertGreaterThan(v[1], v[0] + 0.1, "the second tier keeps what HBM evicts")
        XCTAssertGreaterThan(v[2], 0)
        let d = Run.error("serve(workload(), llama3_8b, H100, dram: 10 GB)")
        XCTAssertEqual(d?.message, "a DRAM tier needs `dram_bandwidth`, the rate its blocks reload at")
        XCTAssertEqual(Run.culprit(d), "10 GB")
        XCTAssertEqual(Run.error("serve(workload(), llama3_8b, H100, dram: 10 GB, dram_bandwidth: 1 GB/s, cache: \"lru\")")?
            .message, "a DRAM tier works with cache \"vllm\" or \"sglang\", not \"lru\"")
    }

    /// Every measure carries its unit.
    func testUnits() {
        let s = "let s = serve(workload(requests: 4), llama3_8b, H100); "
        for (field, dimension) in [("s.ttft.p50", "Time"), ("s.tpot.p99", "Time"), ("s.e2e.mean", "Time"),
                                   ("s.duration", "Time"), ("s.throughput", "Token/Time"), ("s.hit_rate", "Scalar"),
                                   ("s.requests", "Request"), ("s.capacity", "Token"), ("s.peak_kv_tokens", "Token")] {
            guard case .string(let d)? = Run.value(s + "dimension_of(\(field))") else { return XCTFail(field) }
            XCTAssertEqual(d, dimension, field)
        }
    }

    /// time_scale stretches arrivals: requests 1 s apart, instant steps, end at the last arrival.
    func testTimeScale() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-scale-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (0..<3).map { "{\"timestamp\": \($0 * 1000), \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [\($0)]}" }
            .joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let base = "serve(\"\(path)\", llama3_8b, H100, trace_block_size: 4, step_time: 0 s"
        XCTAssertEqual(Run.number(base + ").duration -> s"), 2, accuracy: 1e-12)
        XCTAssertEqual(Run.number(base + ", time_scale: 3).duration -> s"), 6, accuracy: 1e-12)
        XCTAssertEqual(Run.number(base + ", time_scale: 0.5).duration -> s"), 1, accuracy: 1e-12)
    }

    func testTimeline() {
        guard case .table(let t)? = Run.value("serve_timeline(workload(requests: 40, arrival: 4 req/s), llama3_8b, H100, points: 20)")
        else { return XCTFail("not a table") }
        XCTAssertEqual(t.columns, ["time", "running", "waiting", "kv_blocks", "cached_blocks"])
        XCTAssertGreaterThan(t.rows.count, 2)
        XCTAssertLessThanOrEqual(t.rows.count, 20)
        let times = t.rows.compactMap { row -> Double? in if case .quantity(let q) = row[0] { return q.value } else { return nil } }
        XCTAssertEqual(times, times.sorted())
        XCTAssertTrue(t.rows.contains { row in if case .quantity(let q) = row[1] { return q.value > 0 } else { return false } })
    }

    /// The record workload() returns is what serve reads: the same run either way, and a changed field is used.
    func testWorkloadRecordRoundTrips() {
        let direct = numbers("let s = serve(workload(requests: 30, arrival: 3 req/s, seed: 7), llama3_8b, H100); [s.ttft.p99, s.duration]")
        let literal = numbers("let s = serve({requests: 30, input: 1024 tokens, output: 128 tokens, arrival: 3 req/s, seed: 7, "
                              + "block_size: 16 tokens}, llama3_8b, H100); [s.ttft.p99, s.duration]")
        XCTAssertEqual(direct, literal)
        XCTAssertNotEqual(direct, numbers("let s = serve(workload(requests: 30, arrival: 3 req/s, seed: 7) with {seed: 8}, "
                                          + "llama3_8b, H100); [s.ttft.p99, s.duration]"))
        XCTAssertEqual(Run.number("serve(workload() with {requests: 7}, llama3_8b, H100, instant: true).requests"), 7)
    }

    /// `:help serve` (the declaration's documentation) states the scheduler, the cache policies and what is not
    /// modelled; workload and serve_timeline are documented too.
    func testHelpStatesSemanticsAndLimits() {
        let globals = Run.session().interpreter.globals
        func doc(_ name: String) -> String {
            guard case .function(let f)? = globals[name] else { return "" }
            return f.doc ?? ""
        }
        let serve = doc("serve")
        for phrase in ["max_num_batched_tokens", "chunked prefill", "preempted by recomputation", "\"vllm\"", "\"sglang\"",
                       "\"lru\"", "\"none\"", "dram_bandwidth", "Not modelled", "speculative decoding",
                       "disaggregated prefill", "CUDA graphs' batch", "replay(path, capacity, policy: \"lru\")"] {
            XCTAssertTrue(serve.contains(phrase), "serve's help lacks \(phrase)")
        }
        XCTAssertTrue(doc("workload").contains("all at once"))
        XCTAssertTrue(doc("serve_timeline").contains("cached_blocks"))
    }
}
