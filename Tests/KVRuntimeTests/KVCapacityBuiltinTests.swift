import KVLang
import XCTest

/// kv_capacity, explain of its result and memory()'s engine option, through the language.
final class KVCapacityBuiltinTests: XCTestCase {
    func testHandComputedCaseThroughTheLanguage() {
        // KVEngineTests.KVCapacityTests.testVLLMProfilerFamilyByHand: 28,108 blocks of 16 tokens.
        let k = "kv_capacity(llama3_8b, H100, version: \"0.9.2\", max_num_seqs: 256, max_num_batched_tokens: 2048)"
        XCTAssertEqual(Run.number(k + ".tokens"), 449_728)
        XCTAssertEqual(Run.number(k + ".blocks"), 28_108)
        guard case .string(let family)? = Run.value(k + ".family") else {
            return XCTFail("family is not a string")
        }
        XCTAssertEqual(family, "v1-profiler")
    }

    func testTokenFlagsTakeTokensOrPlainNumbers() {
        let plain = Run.number("kv_capacity(llama3_8b, H100, version: \"0.6.3\", max_model_len: 32768, max_num_batched_tokens: 32768).tokens")
        let tokens = Run.number("kv_capacity(llama3_8b, H100, version: \"0.6.3\", max_model_len: 32 Ki tokens, max_num_batched_tokens: 32 Ki tokens).tokens")
        XCTAssertEqual(plain, tokens)
        XCTAssertEqual(Run.number("kv_capacity(llama3_8b, H100, max_num_batched_tokens: 4096 tokens).profile_tokens"), 4096)
        XCTAssertEqual(Run.number("kv_capacity(llama3_8b, H100, engine: \"sglang\", chunked_prefill_size: 4 Ki tokens).profile_tokens"), 4096)
        // "auto" is the release's default.
        XCTAssertEqual(Run.number("kv_capacity(llama3_8b, A100_80G, max_num_batched_tokens: \"auto\").profile_tokens"), 2048)
        XCTAssertEqual(Run.number("kv_capacity(llama3_8b, H100, max_num_batched_tokens: \"auto\").profile_tokens"), 8192)
    }

    func testBadFlagsAreLocatedErrors() {
        let cases: [(String, String, String)] = [
            ("kv_capacity(llama3_8b, H100, max_num_batched_tokens: 4096 GiB)", "4096 GiB",
             "`max_num_batched_tokens` must be tokens, not Information"),
            ("kv_capacity(llama3_8b, H100, max_model_len: 1e30)", "1e30",
             "`max_model_len` must be a whole number of tokens from 1 to 1099511627776, not 1e30"),
            ("kv_capacity(llama3_8b, H100, max_num_seqs: -1)", "-1",
             "`max_num_seqs` must be a whole number from 1 to 1048576, not -1"),
            ("kv_capacity(llama3_8b, H100, gpu_memory_utilization: 1.5)", "1.5",
             "`gpu_memory_utilization` must be a number from 0.01 to 1, not 1.5"),
            ("kv_capacity(llama3_8b, H100, gpu_memory_utilization: \"atuo\")", "\"atuo\"",
             "`gpu_memory_utilization` must be \"auto\" or a value, not \"atuo\""),
            ("kv_capacity(llama3_8b, H100, mem_fraction_static: 0.8)", "0.8",
             "`mem_fraction_static` is an SGLang flag; engine is \"vllm\""),
            ("kv_capacity(llama3_8b, H100, engine: \"sglang\", max_num_seqs: 8)", "8",
             "`max_num_seqs` is a vLLM flag; engine is \"sglang\""),
            ("kv_capacity(llama3_8b, H100, enable_chunked_prefill: false)", "llama3_8b",
             "the V1 engine always chunks prefills; enable_chunked_prefill: false needs a V0 release (use_v1: false up to 0.10)"),
            ("kv_capacity(llama3_8b, H100, version: \"0.6.3\", use_v1: true)", "true",
             "use_v1 chooses between engines only in vLLM 0.8 … 0.10 (V0 before, V1 only after); leave it \"auto\" for 0.6.3"),
        ]
        for (source, culprit, message) in cases {
            let d = Run.error(source)
            XCTAssertEqual(d?.message, message, source)
            if culprit != "llama3_8b" { XCTAssertEqual(Run.culprit(d), culprit, source) }
        }
        XCTAssertEqual(Run.error("kv_capacity(llama3_8b, H100, gpu_memory_utilization: \"aut\")")?.hint,
                       "did you mean `auto`?")
    }

    func testUnknownEngineOrVersionListsTheKnownOnes() {
        let e = Run.error("kv_capacity(llama3_8b, H100, engine: \"tgi\")")
        XCTAssertEqual(e?.message, "`engine` must be \"vllm\" or \"sglang\", not \"tgi\"")
        let v = Run.error("kv_capacity(llama3_8b, H100, version: \"0.1.0\")")
        XCTAssertEqual(Run.culprit(v), "\"0.1.0\"")
        XCTAssertTrue(v?.message.hasPrefix("vLLM 0.1.0 is not covered; known vllm rule families: 0.2.0 … 0.2.4 (v0-allocated)") ?? false)
        let s = Run.error("kv_capacity(llama3_8b, H100, engine: \"sglang\", version: \"latest-ish\")")
        XCTAssertTrue(s?.message.contains("0.1.17 … 0.4.5 (tp-table)") ?? false, s?.message ?? "")
        XCTAssertTrue(Run.error("kv_capacity(llama3_8b, H100, version: \"\")")?.message.contains("not a release number") ?? false)
    }

    func testExplainShowsEachSubtraction() {
        guard case .table(let t)? = Run.value("explain(kv_capacity(llama3_8b, H100, version: \"0.9.2\"))") else {
            return XCTFail("explain of a kv_capacity result is not a table")
        }
        XCTAssertEqual(t.columns, ["component", "item", "factors", "bytes"])
        let components = t.rows.map { row -> String in
            if case .string(let s) = row[0] { return s }
            return ""
        }
        // budget, weights, activation, the cuBLAS workspace (the only non-torch increase on one H100), KV.
        XCTAssertEqual(components, ["budget", "weights", "activation", "non_torch", "kv_cache"])
        let e = Run.error("explain(llama3_8b)")
        XCTAssertEqual(e?.message, "explain of a model needs `gpu`, an accelerator record such as H100")
        XCTAssertEqual(Run.error("explain(3, H100)")?.message,
                       "`model` must be a model record or a kv_capacity result, not a number")
    }

    func testMemoryWithAnEngine() {
        // The example: 182 GiB of activation as one HF forward pass, about a GiB in vLLM's 8192-token steps.
        let hf = Run.number("memory(deepseek_v3, gpu: H200, dtype: fp8, tp: 8, batch: 32, seq: 8 Ki tokens).activation")
        XCTAssertGreaterThan(hf, 150 * 1_073_741_824)
        let served = "memory(deepseek_v3, gpu: H200, dtype: fp8, tp: 8, batch: 32, seq: 8 Ki tokens, engine: \"vllm\")"
        XCTAssertLessThan(Run.number(served + ".activation"), 2 * 1_073_741_824)
        XCTAssertEqual(Run.number(served + ".step_tokens"), 8192)
        guard case .bool(let fits)? = Run.value(served + ".fits") else { return XCTFail("fits") }
        XCTAssertTrue(fits)
        // SGLang: the step is chunked_prefill_size, the capacity the whole GPU.
        let sglang = "memory(llama3_8b, H100, batch: 4, seq: 8 Ki tokens, engine: \"sglang\", version: \"0.4.2\")"
        XCTAssertEqual(Run.number(sglang + ".step_tokens"), 8192)
        XCTAssertEqual(Run.number(sglang + ".capacity"), 85_017_493_504)
        XCTAssertEqual(Run.error(sglang.dropLast() + ", gpu_memory_utilization: 0.5)")?.message,
                       "`gpu_memory_utilization` is a vLLM flag; engine is \"sglang\"")
        // Engine flags without an engine are refused, not ignored.
        XCTAssertEqual(Run.error("memory(llama3_8b, H100, max_num_seqs: 8)")?.message,
                       "`max_num_seqs` needs engine: \"vllm\" or \"sglang\"")
    }
}
