import XCTest
@testable import KVEngine

final class KVCapacityTests: XCTestCase {
    let gib = 1_073_741_824.0

    func release(_ engine: ServingEngine, _ version: String, useV1: Bool? = nil) throws -> EngineRelease {
        try EngineRelease.resolve(engine: engine, version: version, useV1: useV1)
    }

    /// The OpenAI server's pre-0.9 defaults, given explicitly (0.9+ raises them on H100-class GPUs).
    var serverFlags: EngineFlags {
        var f = EngineFlags()
        f.maxNumSeqs = 256
        f.maxNumBatchedTokens = 2048
        return f
    }

    func testVLLMProfilerFamilyByHand() throws {
        // Llama-3-8B, one H100 (85,017,493,504 B), vLLM 0.9.2 (v1-profiler), 256 sequences, 2048 tokens:
        // budget 0.9 × total = 76,515,744,153.6; weights 16,060,522,496;
        // profile: V1 chunks 2048 tokens over 256 sequences; the MLP's 2H + 3I = 51,200 elements a token
        // (209,715,200 B) is below the sampler's 256 × 128,256 × 40 B = 1,313,341,440 B;
        // non-torch increase: the Hopper workspace 0.18 GiB = 193,273,528.32 B (no context: measured after it);
        // available 58,948,606,689.28 B / (16 × 131,072 B) = 28,108.6 → 28,108 blocks = 449,728 tokens.
        let c = try Fixtures.model("llama-3-8b").kvCapacity(gpu: h100, release: release(.vllm, "0.9.2"),
                                                            flags: serverFlags)
        XCTAssertEqual(c.family, "v1-profiler")
        XCTAssertEqual(c.weights, 16_060_522_496)
        XCTAssertEqual(c.activation, 1_313_341_440)
        XCTAssertEqual(c.nonTorch, 0.18 * gib, accuracy: 1)
        XCTAssertEqual(c.profileTokens, 2048)
        XCTAssertEqual(c.blocks, 28_108)
        XCTAssertEqual(c.tokens, 449_728)
        // The derivation adds up: budget + the subtractions = what is left, of which the blocks take whole blocks.
        let left = c.steps.filter { $0.component != "kv_cache" }.map(\.bytes).reduce(0, +)
        XCTAssertEqual(left, 58_948_606_689.28, accuracy: 1)
        XCTAssertEqual(c.steps.last?.bytes, 449_728 * 131_072)
    }

    func testV1PeakCountsTheContextAndCUDAGraphsComeLater() throws {
        let m = try Fixtures.model("llama-3-8b")
        let v09 = try m.kvCapacity(gpu: h100, release: release(.vllm, "0.9.2"), flags: serverFlags)
        let v08 = try m.kvCapacity(gpu: h100, release: release(.vllm, "0.8.4"), flags: serverFlags)
        let v21 = try m.kvCapacity(gpu: h100, release: release(.vllm, "0.21.0"), flags: serverFlags)
        // 0.8's V1 measures total − free, so the 0.5 GiB CUDA context is subtracted: 256 blocks fewer.
        XCTAssertEqual(v08.family, "v1-peak")
        XCTAssertEqual(v08.nonTorch - v09.nonTorch, 0.5 * gib, accuracy: 1)
        XCTAssertEqual(v09.blocks - v08.blocks, 256)
        // 0.21 subtracts the profiled CUDA graphs (0.5 GiB by default), 256 blocks; enforce_eager has none.
        XCTAssertEqual(v21.cudaGraphs, 0.5 * gib)
        XCTAssertEqual(v09.blocks - v21.blocks, 256)
        var eager = serverFlags
        eager.enforceEager = true
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.21.0"), flags: eager).blocks, v09.blocks)
        // The default version is the newest family.
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.vllm, "latest")).family, "v1-cudagraph")
    }

    func testV1BatchDefaultsByGPU() throws {
        let m = try Fixtures.model("llama-3-8b")
        // From 0.9.0 a GPU of 70 GiB or more other than the A100 gets 8192 tokens and 1024 sequences …
        let big = try m.kvCapacity(gpu: h100, release: release(.vllm, "0.9.0"))
        XCTAssertEqual(big.profileTokens, 8192)
        XCTAssertEqual(big.profileSequences, 1024)
        // … so the sampler's 1024 × 128,256 × 40 B = 5,253,365,760 B is the profile's peak.
        XCTAssertEqual(big.activation, 5_253_365_760)
        // 0.8.x, the A100 and smaller GPUs keep 2048 and 256.
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.8.4")).profileTokens, 2048)
        let a100 = Accelerator(name: "A100 80GB", capacity: 85_198_045_184)
        XCTAssertEqual(try m.kvCapacity(gpu: a100, release: release(.vllm, "0.10.1")).profileSequences, 256)
        let l40s = Accelerator(name: "L40S", capacity: 47_803_596_800)
        XCTAssertEqual(try m.kvCapacity(gpu: l40s, release: release(.vllm, "0.10.1")).profileTokens, 2048)
    }

    func testSGLangTableFamilyByHand() throws {
        // SGLang 0.3.0, tp 1 → mem_fraction_static 0.88. Free before loading: total − the Hopper context
        // (0.5 GiB) = 84,480,622,592; after loading 68,420,100,096; rest = after − before × 0.12 =
        // 58,282,425,384.96 → ⌊/ 131,072⌋ = 444,659 tokens.
        let c = try Fixtures.model("llama-3-8b").kvCapacity(gpu: h100, release: release(.sglang, "0.3.0"))
        XCTAssertEqual(c.family, "tp-table")
        XCTAssertEqual(c.fraction, 0.88)
        XCTAssertEqual(c.tokens, 444_659)
        XCTAssertEqual(SGLangFamily.table(tp: 8), 0.83)
        XCTAssertEqual(SGLangFamily.table(tp: 16), 0.79)
    }

    func testSGLangDefaultFractionsByFamily() {
        // 0.4.6 on an H200 (log: 0.8717961202189594 with nvidia-smi's 143,771 MiB):
        // min(0.88 + 48 × 1024 × 0.12 / 143771, (143771 − 18432) / 143771) = 0.87179…
        let h200 = 143_771 * 1_048_576.0
        XCTAssertEqual(SGLangFamily.largeGPU.memFractionStatic(gpuBytes: h200, tp: 1, chunkedPrefillSize: 8192,
                                                                cudaGraphMaxBs: 160), 0.8717961202189594, accuracy: 1e-12)
        // 0.4.7 on an H100 (81,079.5 MiB): (81079.5 − 10240) / 81079.5 = 0.8737 → 0.874 (the log's figure).
        XCTAssertEqual(SGLangFamily.reserveFloor.memFractionStatic(gpuBytes: h100.capacity, tp: 1,
                                                                    chunkedPrefillSize: 8192, cudaGraphMaxBs: 160), 0.874)
        // 0.5.4: reserved = 512 + 1.5 × 8192 + 2 × 256 + 1/8 × 1024 = 13,440 MiB;
        // (81079.5 − 13440) / 81079.5 = 0.83424 → 0.834.
        let d = SGLangFamily.reservedMem.defaults(gpuMiB: h100.capacity / 1_048_576, tp: 1)
        XCTAssertEqual(d.chunked, 8192)
        XCTAssertEqual(d.graphBs, 256)
        XCTAssertEqual(SGLangFamily.reservedMem.memFractionStatic(gpuBytes: h100.capacity, tp: 1, chunkedPrefillSize: 8192,
                                                                   cudaGraphMaxBs: 256), 0.834)
    }

    func testTheLimitingRankIsRankZero() throws {
        // Rank 0 holds the other ranks' contexts (vLLM 0.6.4, tp 8 on an H200): it has the fewest blocks.
        var f = EngineFlags()
        f.gpuMemoryUtilization = 0.95
        f.maxNumBatchedTokens = 512
        f.enableChunkedPrefill = true
        f.maxModelLen = 131_072
        let gpu = Accelerator(name: "H200", capacity: 139.72 * gib)
        let c = try Fixtures.model("llama-3-70b").kvCapacity(gpu: gpu, release: release(.vllm, "0.6.4.post1"),
                                                             options: MemoryOptions(tp: 8), flags: f)
        XCTAssertEqual(c.rank, 0)
        XCTAssertEqual(c.family, "v0-peak")
        // 80 layers × 1 KV head × 128 × 2 × 2 B per rank.
        XCTAssertEqual(c.bytesPerToken, 40_960)
    }

    func testVLLM02AgainstPR2031() throws {
        // vLLM PR #2031 (Dec 2023) quotes block counts on A100-80GB before its change (the 0.2.4 rule: torch's
        // allocated peak) and after it (0.2.5: total − free, with PR #2151's all-reduce retention still in).
        // Not fitted: a check of the families against published figures. max_model_len 4096 (Llama-2).
        let a100 = Accelerator(name: "A100 80GB", capacity: 85_198_045_184)
        var f = EngineFlags()
        f.maxModelLen = 4096
        func blocks(_ model: String, _ version: String, tp: Int) throws -> Double {
            Double(try Fixtures.model(model).kvCapacity(gpu: a100, release: release(.vllm, version),
                                                        options: MemoryOptions(tp: tp), flags: f).blocks)
        }
        XCTAssertEqual(try blocks("llama-2-7b", "0.2.4", tp: 1), 7449, accuracy: 7449 * 0.02)
        XCTAssertEqual(try blocks("llama-2-7b", "0.2.5", tp: 1), 7351, accuracy: 7351 * 0.02)
        XCTAssertEqual(try blocks("llama-2-70b", "0.2.4", tp: 4), 31615, accuracy: 31615 * 0.02)
        // 11 % optimistic: NCCL's own buffers of late 2023 (beyond the all-reduce inputs) are not fitted.
        XCTAssertEqual(try blocks("llama-2-70b", "0.2.5", tp: 4), 20865, accuracy: 20865 * 0.12)
    }

    func testProfileBatchFollowsChunkedPrefillDefaults() throws {
        let m = try Fixtures.model("qwen2.5-7b")
        var f = EngineFlags()
        f.maxModelLen = 32768
        // 0.6.3 V0 with max_model_len 32768: not above 32K, so no chunked prefill: the profile is 32,768 tokens
        // (the RTX 4090 case).
        let whole = try m.kvCapacity(gpu: h100, release: release(.vllm, "0.6.3.post1"), flags: f)
        XCTAssertFalse(whole.chunkedPrefill)
        XCTAssertEqual(whole.profileTokens, 32768)
        // Above 32K V0 turns chunked prefill on by itself (512 tokens before 0.7, 2048 after); not on AMD.
        f.maxModelLen = 32769
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.6.3"), flags: f).profileTokens, 512)
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.7.2"), flags: f).profileTokens, 2048)
        let mi300 = Accelerator(name: "MI300X", capacity: 191.98 * gib)
        XCTAssertEqual(try m.kvCapacity(gpu: mi300, release: release(.vllm, "0.6.3"), flags: f).profileTokens, 32769)
        // Before 0.5.5 it never did.
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.5.4"), flags: f).profileTokens, 32769)
    }

    func testFlagErrors() throws {
        let m = try Fixtures.model("llama-3-8b")
        var f = EngineFlags()
        f.enableChunkedPrefill = false
        XCTAssertThrowsError(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.9.2"), flags: f)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "enable_chunked_prefill")
        }
        f = EngineFlags()
        f.maxModelLen = 8192
        f.maxNumBatchedTokens = 4096
        XCTAssertThrowsError(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.6.3"), flags: f)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "max_num_batched_tokens")
        }
        for bad in [Double.nan, -0.1, 1.5, .infinity] {
            f = EngineFlags()
            f.gpuMemoryUtilization = bad
            XCTAssertThrowsError(try m.kvCapacity(gpu: h100, release: release(.vllm, "0.9.2"), flags: f)) {
                XCTAssertEqual(($0 as? EngineError)?.argument, "gpu_memory_utilization")
            }
        }
        f = EngineFlags()
        f.nonTorch = -1
        XCTAssertThrowsError(try m.kvCapacity(gpu: h100, release: release(.sglang, "0.4.2"), flags: f))
        f.nonTorch = 100 * gib  // more than the GPU: no room, 0 tokens, not a trap
        XCTAssertEqual(try m.kvCapacity(gpu: h100, release: release(.sglang, "0.4.2"), flags: f).tokens, 0)
        XCTAssertEqual(try m.kvCapacity(gpu: Accelerator(name: "small", capacity: 8e9), release: release(.vllm, "0.9.2")).tokens, 0)
    }

    func testVersionsMapToFamilies() throws {
        let vllm: [(String, String)] = [
            ("0.2.0", "v0-allocated"), ("0.2.4", "v0-allocated"), ("0.2.5", "v0-total"), ("0.2.7", "v0-total"),
            ("0.3.0", "v0-total"), ("0.3.3", "v0-init"), ("0.4.0", "v0-init"), ("0.5.4", "v0-init"),
            ("0.6.3.post1", "v0-init"), ("0.6.4", "v0-peak"), ("0.6.4.post1", "v0-peak"), ("0.6.5", "v0-profiler"),
            ("0.7.2", "v0-profiler"), ("0.8.0rc3", "v1-peak"), ("0.8.0rc3.dev5+g5eeabc2a", "v1-peak"),
            ("0.8.4", "v1-peak"), ("v0.9.0", "v1-peak"), ("0.9.1", "v1-peak"), ("0.9.2", "v1-profiler"), ("0.10.1", "v1-profiler"), ("0.20.2", "v1-profiler"),
            ("0.21.0", "v1-cudagraph"), ("0.27.1", "v1-cudagraph"), ("1.0.0", "v1-cudagraph"), ("0.10.x", "v1-profiler"),
        ]
        for (v, family) in vllm {
            XCTAssertEqual(try release(.vllm, v).vllm?.rawValue, family, v)
        }
        XCTAssertEqual(try release(.vllm, "0.8.3", useV1: false).vllm, .v0Profiler)
        XCTAssertEqual(try release(.vllm, "0.10.1", useV1: false).vllm, .v0Profiler)
        let sglang: [(String, String)] = [
            ("0.1.17", "tp-table"), ("0.2.13", "tp-table"), ("0.3.0", "tp-table"), ("0.4.5", "tp-table"),
            ("0.4.6.post2", "large-gpu"), ("0.4.7.post1", "reserve-floor"), ("0.5.3", "reserve-floor"),
            ("0.5.4", "reserved-mem"), ("0.5.x", "reserved-mem"),
        ]
        for (v, family) in sglang {
            XCTAssertEqual(try release(.sglang, v).sglang?.rawValue, family, v)
        }
        XCTAssertTrue(EngineVersion.parse("0.8.0rc3")! < EngineVersion.parse("0.8.0")!)
        XCTAssertTrue(EngineVersion.parse("0.6.3.post1")! < EngineVersion.parse("0.6.4")!)
    }

    func testMalformedVersionsAreErrorsListingTheFamilies() {
        let bad = ["", " ", "0", "banana", "0.x.1", "0.6.3.4.5", "0.8.0rc", "-1.2", "0..3", "1e9", "\u{0}\u{1}",
                   "0.６.3", String(repeating: "9", count: 10_000), String(repeating: "1.", count: 40) + "1",
                   "99999999999999999999.1"]
        for v in bad {
            XCTAssertNil(EngineVersion.parse(v), v.debugDescription)
            XCTAssertThrowsError(try release(.vllm, v)) { e in
                let message = (e as? EngineError)?.message ?? ""
                XCTAssertTrue(message.contains("0.3.1 … 0.6.3 (v0-init)"), message)
                XCTAssertLessThan(message.count, 600)
            }
        }
        // Too old or not a release of that engine: the same list.
        XCTAssertThrowsError(try release(.vllm, "0.1.7")) {
            XCTAssertTrue(($0 as? EngineError)?.message.contains("v1-cudagraph") ?? false)
        }
        XCTAssertThrowsError(try release(.sglang, "0.1.16")) {
            XCTAssertTrue(($0 as? EngineError)?.message.contains("0.4.6.x (large-gpu)") ?? false)
        }
        // use_v1 only where vLLM had both engines, and not for SGLang.
        XCTAssertThrowsError(try release(.vllm, "0.6.3", useV1: true))
        XCTAssertThrowsError(try release(.sglang, "0.4.2", useV1: false))
    }

    func testNonTorchPartsPerRank() {
        let m = NonTorchModel.fitted(.hopper)
        // tp 8 on one node, rank 0, as v0-peak measures it: 0.5 + 0.18 + 7 × 0.65 GiB + 24 MiB + 7 × 0.29 GiB.
        let r0 = m.parts(tp: 8, rank0: true, context: true, afterFirstForward: true, customAllReduce: true)
        XCTAssertEqual(r0.map(\.bytes).reduce(0, +), (0.5 + 0.18 + 7 * 0.65 + 7 * 0.29) * gib + 24 * 1_048_576,
                       accuracy: 1)
        // Another rank lacks the other ranks' contexts.
        let r1 = m.parts(tp: 8, rank0: false, context: true, afterFirstForward: true, customAllReduce: true)
        XCTAssertEqual(r0.map(\.bytes).reduce(0, +) - r1.map(\.bytes).reduce(0, +), 7 * 0.29 * gib, accuracy: 1)
        // tp 16 spans two nodes of 8: 7 peers on the node, 8 over the network, no custom all-reduce.
        let t16 = m.parts(tp: 16, rank0: true, context: false, afterFirstForward: true, customAllReduce: true)
        XCTAssertEqual(t16.map(\.name), ["cuBLAS/cuBLASLt workspaces", "NCCL buffers (7 peers on the node)",
                                         "NCCL buffers (8 peers on other nodes)", "other ranks' contexts on rank 0"])
        XCTAssertEqual(t16[2].bytes, 8 * 0.05 * gib, accuracy: 1)
        // SGLang measures before the first forward: the context and the NCCL buffers made at init only.
        let pre = m.parts(tp: 8, rank0: false, context: true, afterFirstForward: false, customAllReduce: false)
        XCTAssertEqual(pre.map(\.bytes).reduce(0, +), (0.5 + 7 * 0.65 * 0.43) * gib, accuracy: 1)
        XCTAssertEqual(m.parts(tp: 1, rank0: true, context: false, afterFirstForward: false, customAllReduce: true), [])
    }

    func testGPUGenerations() {
        func g(_ name: String) -> GPUGeneration { .of(Accelerator(name: name, capacity: 1)) }
        XCTAssertEqual(g("A100 40GB"), .ampere)
        XCTAssertEqual(g("H100 SXM"), .hopper)
        XCTAssertEqual(g("NVIDIA H20"), .hopper)
        XCTAssertEqual(g("MI300X"), .cdna3)
        XCTAssertEqual(g("L4"), .pcie)
        XCTAssertEqual(g("RTX A6000"), .pcie)
        XCTAssertEqual(g("A10G"), .pcie)
        XCTAssertEqual(g("Tesla V100"), .older)
        XCTAssertEqual(g("custom"), .ampere)
    }

    func testServingMemoryChunksThePrefill() throws {
        // The example: DeepSeek-V3 fp8, tp 8 on H200s, 32 × 8 Ki tokens. As one HF forward pass the
        // activation is ~182 GiB a chip; vLLM runs it 2048 tokens at a time: under a GiB, and the plan fits.
        let m = try Fixtures.model("deepseek-v3")
        let h200 = Accelerator(name: "H200", capacity: 143_156 * 1_048_576)
        let o = MemoryOptions(dtype: .fp8, tp: 8)
        let hf = try m.memory(gpu: h200, batch: 32, seq: 8192, options: o)
        XCTAssertGreaterThan(hf.activation, 150 * gib)
        let s = try m.servingMemory(gpu: h200, batch: 32, seq: 8192, options: o, release: release(.vllm, "0.10.1"))
        XCTAssertEqual(s.stepTokens, 8192)
        XCTAssertLessThan(s.plan.activation, 2 * gib)
        XCTAssertEqual(s.plan.capacity, h200.capacity * 0.9)
        XCTAssertEqual(s.plan.total, s.plan.weights + s.plan.kvCache + s.plan.activation + s.nonTorch + s.cudaGraphs,
                       accuracy: 1)
        XCTAssertTrue(s.plan.fits)
        XCTAssertEqual(s.plan.kvCache, hf.kvCache)
    }
}
