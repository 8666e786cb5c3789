import Foundation
import XCTest
@testable import KVEngine

/// kv_capacity against the 18 real start-up logs of Fixtures/engine-logs/calibration.json (copied from
/// shared/measurements). Each case states the model, the GPU memory (the log's total where it prints one), the
/// release and the flags the source gives; the logged count is checked to appear in the log's own lines.
final class KVCapacityCalibrationTests: XCTestCase {
    struct Case {
        var id: String
        var model: () throws -> ModelSpec
        var gpu: Accelerator
        var engine: ServingEngine
        var version: String
        var options = MemoryOptions()
        var flags = EngineFlags()
        /// The logged count: tokens (SGLang, vLLM V1) or blocks (vLLM V0) as printed, and the text it appears as.
        var logged: Int
        var loggedText: String
        var isBlocks: Bool
        /// Whether the source states the flags that move the answer (the median is over these).
        var flagsKnown: Bool
        /// Allowed relative error, and why it is what it is.
        var tolerance: Double
        var why: String
    }

    static let gib = 1_073_741_824.0
    static func gpu(_ name: String, gib g: Double) -> Accelerator { Accelerator(name: name, capacity: g * gib) }
    static func flags(_ body: (inout EngineFlags) -> Void) -> EngineFlags { var f = EngineFlags(); body(&f); return f }
    static func options(dtype: DType = .bf16, tp: Int = 1, pp: Int = 1) -> MemoryOptions {
        MemoryOptions(dtype: dtype, tp: tp, pp: pp)
    }

    // Models the fixtures lack, from their config.json (text part).
    static func gemma3_27b() -> ModelSpec {
        ModelSpec(name: "gemma-3-27b", layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128,
                  intermediate: 21504, vocab: 262208, tiedEmbeddings: true, qkNorm: true, normsPerLayer: 4)
    }
    static func mistralNemo() -> ModelSpec {
        ModelSpec(name: "mistral-nemo", layers: 40, hidden: 5120, heads: 32, kvHeads: 8, headDim: 128,
                  intermediate: 14336, vocab: 131072)
    }
    static func qwen3_0_6b() -> ModelSpec {
        ModelSpec(name: "qwen3-0.6b", layers: 28, hidden: 1024, heads: 16, kvHeads: 8, headDim: 128,
                  intermediate: 3072, vocab: 151936, tiedEmbeddings: true, qkNorm: true)
    }
    /// OPT-125m as a llama-shaped model: the same KV bytes (12 layers × 2 × 768 × 2 B = 36,864 B/token); its
    /// ungated MLP makes the weights 28 M parameters heavier here (56 MB of a 125 GiB budget).
    static func opt125m() -> ModelSpec {
        ModelSpec(name: "opt-125m", layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 50272,
                  tiedEmbeddings: true)
    }

    static var cases: [Case] { [
        Case(id: "vllm-12330-llama3-8b-a100-40g", model: { try Fixtures.model("llama-3-8b") },
             gpu: gpu("A100 40GB", gib: 39.50), engine: .vllm, version: "0.6.5",
             flags: flags { $0.maxModelLen = 8192 }, logged: 5691, loggedText: "# GPU blocks: 5691", isBlocks: true,
             flagsKnown: false, tolerance: 0.80,
             why: "flags not shown: the log's 9.37 GiB activation peak needs a profile batch ~7× the default one"),
        Case(id: "vllm-10702-llama31-70b-tp8-h200", model: { try Fixtures.model("llama-3-70b") },
             gpu: gpu("H200", gib: 139.72), engine: .vllm, version: "0.6.4.post1", options: options(tp: 8),
             flags: flags { $0.gpuMemoryUtilization = 0.95; $0.maxModelLen = 131072; $0.maxNumSeqs = 256
                 $0.maxNumBatchedTokens = 512; $0.enableChunkedPrefill = true },
             logged: 175884, loggedText: "# GPU blocks: 175884", isBlocks: true, flagsKnown: true, tolerance: 0.03,
             why: "rank 0's non-torch memory (7.71 GiB) is the fit of NonTorchModel.hopper"),
        Case(id: "vllm-16378-gemma3-27b-tp4-a100-40g", model: { gemma3_27b() },
             gpu: gpu("A100 40GB", gib: 39.38), engine: .vllm, version: "0.8.0rc3", options: options(tp: 4),
             flags: flags { $0.maxModelLen = 65536; $0.maxNumSeqs = 64; $0.maxNumBatchedTokens = 16384
                 $0.enableChunkedPrefill = true; $0.useV1 = false },
             logged: 9526, loggedText: "# cuda blocks: 9526", isBlocks: true, flagsKnown: true, tolerance: 0.22,
             why: "optimistic: the profile runs the SigLIP vision tower on 50 images (3.73 GiB logged against 0.82 "
                 + "GiB for the text model) and the tower's weights (0.6 GiB a rank); multimodal is not modelled"),
        Case(id: "vllm-15766-gemma3-27b-tp8-16gb", model: { gemma3_27b() },
             gpu: gpu("16 GB card (V100/T4 class)", gib: 14.56), engine: .vllm, version: "0.8.2",
             options: options(dtype: .fp16, tp: 8),
             flags: flags { $0.gpuMemoryUtilization = 0.85; $0.maxModelLen = 16384; $0.maxNumSeqs = 16
                 $0.enforceEager = true; $0.useV1 = false },
             logged: 4097, loggedText: "# cuda blocks: 4097", isBlocks: true, flagsKnown: true, tolerance: 0.42,
             why: "optimistic: the vision profile (1.66 GiB logged against 0.57 GiB for the text model) and the "
                 + "tower's weights (0.45 GiB) on 3.88 GiB of KV; multimodal is not modelled"),
        Case(id: "vllm-16141-qwen25-0.5b-awq-a6000", model: { try Fixtures.model("qwen2.5-0.5b") },
             gpu: gpu("RTX A6000", gib: 44.55), engine: .vllm, version: "0.8.3", options: options(dtype: .int4),
             flags: flags { $0.gpuMemoryUtilization = 0.1; $0.maxModelLen = 512; $0.maxNumSeqs = 1
                 $0.maxNumBatchedTokens = 2048; $0.useV1 = false },
             logged: 21186, loggedText: "# cuda blocks: 21186", isBlocks: true, flagsKnown: true, tolerance: 0.03,
             why: "V0 run of the same server"),
        Case(id: "vllm-16141-qwen25-0.5b-awq-a6000", model: { try Fixtures.model("qwen2.5-0.5b") },
             gpu: gpu("RTX A6000", gib: 44.55), engine: .vllm, version: "0.8.3", options: options(dtype: .int4),
             flags: flags { $0.gpuMemoryUtilization = 0.1; $0.maxModelLen = 512; $0.maxNumSeqs = 1
                 $0.maxNumBatchedTokens = 2048 },
             logged: 314_272, loggedText: "GPU KV cache size: 314,272 tokens", isBlocks: false, flagsKnown: true,
             tolerance: 0.03, why: "V1 counts the CUDA context (NonTorchModel.ampere's context is fitted here)"),
        Case(id: "vllm-15360-qwen25-7b-a10g", model: { try Fixtures.model("qwen2.5-7b") },
             gpu: gpu("A10G", gib: 21.99), engine: .vllm, version: "0.8.1",
             flags: flags { $0.maxModelLen = 6600; $0.useV1 = false },
             logged: 4741, loggedText: "# cuda blocks: 4741", isBlocks: true, flagsKnown: true, tolerance: 0.05,
             why: "4.05 GiB of KV on a 22 GiB card: 0.1 GiB of activation error is 2.5 %"),
        Case(id: "vllm-7878-mistral-nemo-fp8-pp2-l4", model: { mistralNemo() },
             gpu: gpu("L4", gib: 22.03), engine: .vllm, version: "0.5.5", options: options(dtype: .fp8, pp: 2),
             flags: flags { $0.maxModelLen = 128000; $0.maxNumSeqs = 256; $0.blockSize = 16 },
             logged: 9650, loggedText: "# GPU blocks: 9650", isBlocks: true, flagsKnown: true, tolerance: 0.06,
             why: "the L4's total is not in the log (22.03 GiB assumed); online fp8 keeps bf16 embeddings"),
        Case(id: "vllm-15394-opt125m-h200", model: { opt125m() },
             gpu: gpu("H200", gib: 139.72), engine: .vllm, version: "0.8.1", options: options(dtype: .fp16),
             flags: flags { $0.maxModelLen = 2048; $0.maxNumSeqs = 1024; $0.maxNumBatchedTokens = 16384 },
             logged: 3_581_232, loggedText: "GPU KV cache size: 3,581,232 tokens", isBlocks: false, flagsKnown: true,
             tolerance: 0.03, why: "V1 run, LLM-class defaults"),
        Case(id: "vllm-15394-opt125m-h200", model: { opt125m() },
             gpu: gpu("H200", gib: 139.72), engine: .vllm, version: "0.8.1", options: options(dtype: .fp16),
             flags: flags { $0.maxModelLen = 2048; $0.useV1 = false },
             logged: 227_182, loggedText: "# cuda blocks: 227182", isBlocks: true, flagsKnown: false, tolerance: 0.03,
             why: "V0 rerun with speculative ngram; its flags are not shown"),
        Case(id: "vllm-mi300x-llama31-8b-tp8", model: { try Fixtures.model("llama-3-8b") },
             gpu: gpu("MI300X", gib: 191.98), engine: .vllm, version: "0.6.4.dev5", options: options(tp: 8),
             flags: flags { $0.maxModelLen = 131072; $0.enableChunkedPrefill = false },
             logged: 645_227, loggedText: "# GPU blocks: 645227", isBlocks: true, flagsKnown: true, tolerance: 0.03,
             why: "rank 0's RCCL memory (8.02 GiB) is the fit of NonTorchModel.cdna3"),
        Case(id: "sglang-6753-llama3-8b-h200", model: { try Fixtures.model("llama-3-8b") },
             gpu: gpu("H200", gib: 139.80), engine: .sglang, version: "0.4.6.post5",
             flags: flags { $0.chunkedPrefillSize = 16384 },
             logged: 871_371, loggedText: "max_total_num_tokens=871371", isBlocks: false, flagsKnown: true,
             tolerance: 0.03, why: "the default fraction 0.8718 is derived, not given"),
        Case(id: "sglang-7495-qwen3-0.6b-fp8-h100", model: { qwen3_0_6b() },
             gpu: gpu("H100 80GB HBM3", gib: 79.18), engine: .sglang, version: "0.4.7.post1", options: options(dtype: .fp8),
             logged: 606_832, loggedText: "#tokens: 606832", isBlocks: false, flagsKnown: true, tolerance: 0.06,
             why: "optimistic: 4.2 GiB was in use before loading (75.02 GB free of 79.18), another process's; "
                 + "non_torch: 4.2 GiB reproduces it"),
        Case(id: "sglang-1386-qwen2-72b-tp8-h100", model: { try Fixtures.model("qwen2.5-72b") },
             gpu: gpu("H100 80GB HBM3", gib: 79.18), engine: .sglang, version: "0.3.0", options: options(tp: 8),
             logged: 1_218_251, loggedText: "max_total_num_tokens=1218251", isBlocks: false, flagsKnown: true,
             tolerance: 0.03, why: "Qwen2-72B has Qwen2.5-72B's shapes"),
        Case(id: "sglang-1191-mixtral-8x7b-tp8-l4", model: { try Fixtures.model("mixtral-8x7b") },
             gpu: gpu("L4", gib: 22.03), engine: .sglang, version: "0.2.13", options: options(tp: 8),
             flags: flags { $0.enforceEager = true },
             logged: 463_405, loggedText: "max_total_num_tokens=463405", isBlocks: false, flagsKnown: true,
             tolerance: 0.05, why: "the L4's total is assumed (22.03 GiB); the pool is a third of the card"),
        Case(id: "sglang-6001-deepseek-r1-tp8-mi308x", model: { try Fixtures.model("deepseek-v3") },
             gpu: gpu("MI308X", gib: 191.98), engine: .sglang, version: "0.4.6.post2", options: options(dtype: .fp8, tp: 8),
             flags: flags { $0.memFractionStatic = 0.7 },
             logged: 720_206, loggedText: "#tokens: 720206", isBlocks: false, flagsKnown: true, tolerance: 0.08,
             why: "optimistic: SGLang holds 81.66 GiB of weights a rank (logged) against 79.3 GiB for an fp8 count "
                 + "of DeepSeek-R1; the 2.4 GiB are not modelled"),
        Case(id: "sglang-3451-deepseek-v2-lite-a40", model: { try Fixtures.model("deepseek-v2-lite") },
             gpu: gpu("A40-48Q", gib: 44.55), engine: .sglang, version: "0.4.2.post3",
             logged: 313_444, loggedText: "max_total_num_tokens=313444", isBlocks: false, flagsKnown: true,
             tolerance: 0.07, why: "optimistic: an A40-48Q vGPU profile, whose total is not logged (the bare A40's 44.55 "
                 + "GiB assumed; 43.85 GiB free before loading says 0.4 GiB less)"),
    ] }

    /// Logs not predicted, and why.
    static let excluded = [
        "vllm-pr10511-llama3-8b-h100": "no block count printed (kv bytes only); a development build",
        "vllm-15196-deepseek-coder-v2-lite-l40s-offload": "30 GB of weights offloaded to the CPU (--cpu-offload-gb)",
        "vllm-pr12126-llama32-11b-vision-h100": "cross-attention vision model; its 36.63 GiB profile is the images",
    ]

    struct Row {
        var id: String, version: String, family: String, logged: Int, predicted: Int, error: Double, known: Bool
    }

    func rows() throws -> [Row] {
        try Self.cases.map { c in
            let release = try EngineRelease.resolve(engine: c.engine, version: c.version, useV1: c.flags.useV1)
            let k = try c.model().kvCapacity(gpu: c.gpu, release: release, options: c.options, flags: c.flags)
            let predicted = c.isBlocks ? k.blocks : k.tokens
            if ProcessInfo.processInfo.environment["KVCALC_CAPACITY_DEBUG"] != nil {
                let g = Self.gib
                print(c.id, String(format: "budget %.2f weights %.2f act %.2f nontorch %.2f graphs %.2f kv %.2f frac %.4f ptok %d",
                                   k.budget / g, k.weights / g, k.activation / g, k.nonTorch / g, k.cudaGraphs / g,
                                   k.bytes / g, k.fraction, k.profileTokens))
            }
            return Row(id: c.id, version: c.version, family: k.family, logged: c.logged, predicted: predicted,
                       error: Double(predicted - c.logged) / Double(c.logged), known: c.flagsKnown)
        }
    }

    func testEveryCaseIsALogOfTheFixture() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("engine-logs/calibration.json")))
        let logs = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(logs.count, 18)
        var seen = Set<String>()
        for c in Self.cases {
            let log = try XCTUnwrap(logs.first { $0["id"] as? String == c.id }, c.id)
            let lines = (log["log_lines"] as? [String] ?? []).joined(separator: "\n")
            XCTAssertTrue(lines.contains(c.loggedText), "\(c.id): \(c.loggedText)")
            seen.insert(c.id)
        }
        // Every log is either predicted or excluded with a reason.
        for log in logs {
            let id = log["id"] as? String ?? ""
            XCTAssertTrue(seen.contains(id) || Self.excluded[id] != nil, id)
        }
    }

    func testPredictionsAgainstLogs() throws {
        let rows = try rows()
        var table = "| log | version | family | logged | predicted | error |\n|---|---|---|---:|---:|---:|\n"
        for (r, c) in zip(rows, Self.cases) {
            table += "| \(r.id) | \(r.version) | \(r.family) | \(r.logged) | \(r.predicted) | "
                + String(format: "%+.1f %%", r.error * 100) + (r.known ? "" : " (flags unknown)") + " |\n"
            XCTAssertLessThanOrEqual(abs(r.error), c.tolerance, "\(c.id): \(c.why)")
        }
        let known = rows.filter(\.known).map(\.error).sorted()
        let median = known.count % 2 == 1 ? known[known.count / 2]
            : (known[known.count / 2 - 1] + known[known.count / 2]) / 2
        table += String(format: "\nmedian error over %d predictions whose flags are known: %+.2f %%", known.count, median * 100)
        print(table)
        // The bar: median within ±3 %.
        XCTAssertLessThanOrEqual(abs(median), 0.03)
    }
}
