import KVLang
import XCTest

/// latency, max_throughput, cost and explain of a latency result, through the language, with the presets.
final class LatencyBuiltinTests: XCTestCase {
    /// The presets carry the fitted figures: through them, two published measurements within the issue's tolerances.
    func testPresetsReproduceMeasurements() {
        // gpt-fast, Llama-2-7B bf16 on one A100: 104.9 tokens/s (±15 %).
        let tps = Run.number("200 tokens / latency(llama2_7b, A100_80G, input: 5 tokens, output: 200 tokens).e2e")
        XCTAssertEqual(tps, 104.9, accuracy: 104.9 * 0.15)
        // TensorRT-LLM 0.9, Llama-2-7B fp8 on H100, 2,048-token prompt: TTFT 30.8 ms (±30 %).
        let ttft = Run.number("latency(llama2_7b, H100, input: 2048 tokens, output: 1 tokens, dtype: \"fp8\").ttft")
        XCTAssertEqual(ttft, 0.0308, accuracy: 0.0308 * 0.3)
    }

    func testRecordShapeAndUnits() {
        guard case .record(let r)? = Run.value("latency(llama3_8b, H100)") else { return XCTFail("not a record") }
        for f in ["ttft", "tpot", "e2e", "throughput", "prefill", "decode", "dtype", "kv_dtype", "gpu", "derivation"] {
            XCTAssertNotNil(r[f], f)
        }
        guard case .string(let dim)? = Run.value("dimension_of(latency(llama3_8b, H100).ttft)") else { return XCTFail() }
        XCTAssertEqual(dim, "Time")
        // e2e = ttft + 127 × tpot (the default 128 output tokens).
        let l = "let l = latency(llama3_8b, H100); "
        XCTAssertEqual(Run.number(l + "(l.e2e - l.ttft - 127 * l.tpot) -> s"), 0, accuracy: 1e-9)
        XCTAssertEqual(Run.number(l + "(l.throughput - 128 tokens / l.e2e) -> tokens/s"), 0, accuracy: 1e-6)
        guard case .string(let b)? = Run.value("latency(llama3_8b, H100, batch: 1).decode.bound") else { return XCTFail() }
        XCTAssertEqual(b, "memory")
        // fp8 on H100 defaults the KV cache to fp8; int8 is weight-only and keeps it bf16.
        guard case .string(let kv)? = Run.value("latency(llama3_8b, H100, dtype: \"fp8\").kv_dtype") else { return XCTFail() }
        XCTAssertEqual(kv, "fp8")
        guard case .string(let kv8)? = Run.value("latency(llama3_8b, H100, dtype: \"int8\").kv_dtype") else { return XCTFail() }
        XCTAssertEqual(kv8, "bf16")
    }

    func testAPrefixHitCutsTTFT() {
        let cold = Run.number("latency(llama3_8b, H100, input: 8192 tokens, output: 1 tokens).ttft")
        let warm = Run.number("latency(llama3_8b, H100, input: 8192 tokens, output: 1 tokens, cached: 4096 tokens).ttft")
        XCTAssertLessThan(warm, 0.6 * cold)
    }

    func testEfficienciesAreOverridable() {
        let base = Run.number("latency(llama3_8b, H100, output: 64 tokens).tpot")
        let slower = Run.number("latency(llama3_8b, H100 with {bandwidth_efficiency: 0.325}, output: 64 tokens).tpot")
        XCTAssertGreaterThan(slower, 1.6 * base)
        XCTAssertEqual(Run.number("latency(llama3_8b, H100 with {bandwidth_efficiency: 84 %}).tpot"),
                       Run.number("latency(llama3_8b, H100).tpot"))
    }

    func testExplainShowsTheDerivation() {
        guard case .table(let t)? = Run.value("explain(latency(llama3_8b, A100_80G))") else { return XCTFail("not a table") }
        XCTAssertEqual(t.columns, ["phase", "item", "derivation", "value"])
        XCTAssertTrue(t.rows.contains { row in
            if case .string("ttft") = row[1] { return true }
            return false
        })
    }

    func testMaxThroughputAndCost() {
        let mt = "max_throughput(llama3_8b, H100, input: 1024 tokens, output: 256 tokens, tpot_slo: 15 ms)"
        XCTAssertLessThanOrEqual(Run.number(mt + ".tpot"), 0.015)
        guard case .string(let lim)? = Run.value(mt + ".limited_by") else { return XCTFail() }
        XCTAssertEqual(lim, "tpot_slo")
        // The whole run's cost per million tokens, by hand from the batch and e2e: price × e2e / (batch × 1,280).
        let c = "cost(llama3_8b, H100, price: 3.6 USD/hour, input: 1024 tokens, output: 256 tokens)"
        let m = "max_throughput(llama3_8b, H100, input: 1024 tokens, output: 256 tokens)"
        let byHand = Run.number("let t = \(m); 3.6 USD/hour * t.e2e / (t.batch * 1280) * 1e6 -> USD")
        XCTAssertEqual(Run.number(c + ".per_million_total"), byHand, accuracy: byHand * 1e-9)
    }

    func testBadInputsAreLocatedErrors() {
        let cases: [(String, String, String)] = [
            ("latency(llama3_8b, H100, dtype: int8)", "int8", "`dtype` of 1 B/param is ambiguous"),
            ("latency(llama3_8b, H100, cached: 2048 tokens)", "2048 tokens", "cached must be at least 0 and below input"),
            ("latency(llama3_8b, H100, output: 0 tokens)", "0 tokens", "`output` must be"),
            ("latency(llama3_8b, H100, input: 5 GiB)", "5 GiB", "`input` must be tokens"),
            ("latency(llama3_8b, H100 with {bandwidth_efficiency: 1.5})", "H100 with {bandwidth_efficiency: 1.5}",
             "`bandwidth_efficiency` must be above 0 and at most 1"),
            ("latency(llama3_8b, H100 with {interconnect: 5 s})", "H100 with {interconnect: 5 s}",
             "`interconnect` must be Bandwidth"),
            ("latency(llama3_8b, {name: \"x\", memory: 80 GB, bandwith: 3 TB/s, flops: 1 PFLOPS})",
             "{name: \"x\", memory: 80 GB, bandwith: 3 TB/s, flops: 1 PFLOPS}", "unknown field `bandwith`"),
            ("latency(llama3_8b, {name: \"x\", memory: 80 GB})", "{name: \"x\", memory: 80 GB}", "has no `bandwidth`"),
            ("latency(llama3_70b, Ascend910B, tp: 4)", "Ascend910B", "no `interconnect` bandwidth"),
            ("max_throughput(llama3_8b, H100, tpot_slo: 5 GB)", "5 GB", "`tpot_slo` must be a time"),
            ("max_throughput(llama3_8b, H100, tpot_slo: 1 µs)", "1 µs", "batch 1 already misses the SLO"),
            ("cost(llama3_8b, H100, price: 2.5 USD)", "2.5 USD", "`price` must be MoneyRate"),
            ("cost(llama3_8b, H100, price: 0 USD/hour)", "0 USD/hour", "`price` must be above 0"),
        ]
        for (source, culprit, message) in cases {
            let d = Run.error(source)
            XCTAssertEqual(Run.culprit(d), culprit, source)
            XCTAssertTrue(d?.message.contains(message) ?? false, "\(source): \(d?.message ?? "no error")")
        }
    }
}

/// hit_rate with gpu: the latency model's TTFT beside the baseline's assumed 30 %.
final class HitRateLatencyTests: XCTestCase {
    func testTTFTWithAndWithoutHitsByHand() {
        let h = "hit_rate(llama3_8b, H100, turns: 2, arrival: 0.01 conv/s, interval: 30 s, seq: 1024, method: \"tokens\", gpu: H100)"
        // Two turns: 1,024 then 2,048 prompt tokens; a hit serves the first 1,024 of the second.
        let t1 = "latency(llama3_8b, H100, input: 1024 tokens, output: 1 tokens).ttft"
        let t2 = "latency(llama3_8b, H100, input: 2048 tokens, output: 1 tokens).ttft"
        let t2warm = "latency(llama3_8b, H100, input: 2048 tokens, output: 1 tokens, cached: 1024 tokens).ttft"
        XCTAssertEqual(Run.number(h + ".ttft_cold"), Run.number("(\(t1) + \(t2)) / 2"), accuracy: 1e-12)
        XCTAssertEqual(Run.number(h + ".ttft_all_hits"), Run.number("(\(t1) + \(t2warm)) / 2"), accuracy: 1e-12)
        // Everything fits at this arrival rate: the tokens method is at its ceiling (1/3), every later turn hits.
        XCTAssertEqual(Run.number(h + ".hit_rate"), 1.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(Run.number(h + ".ttft"), Run.number(h + ".ttft_all_hits"), accuracy: 1e-12)
        XCTAssertEqual(Run.number(h + ".ttft_reduction"), Run.number("1 - \(h).ttft / \(h).ttft_cold"), accuracy: 1e-12)
        // The baseline's figure stays, labelled as an assumption.
        XCTAssertEqual(Run.number(h + ".latency_reduction"), 0.1, accuracy: 1e-9)
        guard case .string(let basis)? = Run.value(h + ".latency_reduction_basis") else { return XCTFail() }
        XCTAssertTrue(basis.hasPrefix("assumed"))
    }

    func testGPUNeedsAFullModelAndAnAccelerator() {
        let seedShape = Run.error("hit_rate(seed_llama2_7b, 80 GB, gpu: H100)")
        XCTAssertEqual(Run.culprit(seedShape), "seed_llama2_7b")
        XCTAssertTrue(seedShape?.message.contains("needs a full model record") ?? false)
        let notGPU = Run.error("hit_rate(llama3_8b, 80 GB, gpu: 5)")
        XCTAssertEqual(Run.culprit(notGPU), "5")
        let halfTurn = Run.error("hit_rate(llama3_8b, 80 GB, turns: 2.5, gpu: H100)")
        XCTAssertEqual(Run.culprit(halfTurn), "2.5")
    }
}
