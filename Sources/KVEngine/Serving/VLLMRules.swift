/// vLLM's KV-cache sizing rules, one per family of releases, as read in the engine's sources at release tags.
///
/// Every family computes available = total × gpu_memory_utilization − (what it subtracts), then
/// blocks = ⌊available / (block_size × KV bytes per token on the rank)⌋, the engine taking the minimum over ranks.
/// They differ in what "what it subtracts" measures:
///
/// | family | releases | subtracts | read in |
/// |---|---|---|---|
/// | `v0-allocated` | 0.2.0 … 0.2.4 | torch's allocated peak only (weights and activation): nothing outside PyTorch | `vllm/worker/worker.py` `profile_num_available_blocks` before PR #2031 (Dec 2023) |
/// | `v0-total` | 0.2.5 … 0.3.0 | total − free after the profile run: weights, the allocator's reserved peak, everything outside PyTorch (CUDA context, cuBLAS, NCCL); in 0.2.5 also every all-reduce input of the profile run, kept by NCCL's stream until PR #2151 | `vllm/worker/worker.py` `profile_num_available_blocks` @v0.2.7; PRs #2031, #2151 |
/// | `v0-init` | 0.3.1 … 0.6.3 | init free − free after profile: the same without what was on the device at init (context, other processes) | `vllm/worker/worker.py` `determine_num_available_blocks` @v0.6.3; PR #2863 (Feb 2024) |
/// | `v0-peak` | 0.6.4 | torch's allocated peak (weights included) + non-torch = (total − free) − torch allocated, so the context and other processes count | `vllm/worker/worker.py` @v0.6.4 |
/// | `v0-profiler` | 0.6.5 … 0.10.x (V0) | weights + activation peak + non-torch *increase* since the worker's baseline (`memory_profiling`) | `vllm/worker/worker.py`, `vllm/utils.py` `memory_profiling` @v0.6.5 |
/// | `v1-peak` | 0.8.0 … 0.9.1 (V1) | as `v0-peak`: allocated peak + (total − free − torch allocated) | `vllm/v1/worker/gpu_worker.py` `determine_available_memory` @v0.8.4 |
/// | `v1-profiler` | 0.9.2 … 0.20.x | as `v0-profiler`, in V1 (the shared `memory_profiling`, PR #19312, June 2025) | `vllm/v1/worker/gpu_worker.py` @v0.9.2 |
/// | `v1-cudagraph` | 0.21.0 … | as `v1-profiler`, minus the CUDA-graph memory profiled before the KV cache is sized (default since v0.21.0, `VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS`) | `vllm/v1/worker/gpu_worker.py` log line "CUDA graph memory profiling is enabled (default since v0.21.0)" |
public enum VLLMFamily: String, Sendable, CaseIterable {
    case v0Allocated = "v0-allocated"
    case v0Total = "v0-total"
    case v0Init = "v0-init"
    case v0Peak = "v0-peak"
    case v0Profiler = "v0-profiler"
    case v1Peak = "v1-peak"
    case v1Profiler = "v1-profiler"
    case v1CudaGraph = "v1-cudagraph"

    public var versions: String {
        switch self {
        case .v0Allocated: return "0.2.0 … 0.2.4"
        case .v0Total: return "0.2.5 … 0.3.0"
        case .v0Init: return "0.3.1 … 0.6.3"
        case .v0Peak: return "0.6.4"
        case .v0Profiler: return "0.6.5 … 0.10.x with use_v1: false"
        case .v1Peak: return "0.8.0 … 0.9.1"
        case .v1Profiler: return "0.9.2 … 0.20.x"
        case .v1CudaGraph: return "0.21.0 and later"
        }
    }

    /// The family of a release; `useV1` nil follows the release's default engine (V1 from 0.8.0).
    static func family(for v: EngineVersion, useV1: Bool?) -> VLLMFamily? {
        guard v.atLeast(0, 2) else { return nil }
        if !v.atLeast(0, 2, 5) { return .v0Allocated }
        if !v.atLeast(0, 3, 1) { return .v0Total }
        if !v.atLeast(0, 6, 4) { return .v0Init }
        if !v.atLeast(0, 6, 5) { return .v0Peak }
        if !v.atLeast(0, 8) { return .v0Profiler }
        // V0 was removed in 0.11; before that VLLM_USE_V1=0 selects it.
        if useV1 == false, !v.atLeast(0, 11) { return .v0Profiler }
        if !v.atLeast(0, 9, 2) { return .v1Peak }
        if !v.atLeast(0, 21) { return .v1Profiler }
        return .v1CudaGraph
    }

    public var isV1: Bool { self == .v1Peak || self == .v1Profiler || self == .v1CudaGraph }

    /// Which parts of non-torch memory the family's measurement sees.
    var countsContext: Bool { self == .v0Total || self == .v0Peak || self == .v1Peak }
    /// Whether anything outside PyTorch is subtracted at all.
    var countsNonTorch: Bool { self != .v0Allocated }
    /// Whether the activation is the allocator's reserved peak (caching allocator not emptied before measuring)
    /// rather than the allocated peak; the difference is fragmentation, not modelled.
    var subtractsCudaGraphs: Bool { self == .v1CudaGraph }

    /// What the family subtracts, for explain and :help.
    public var rule: String {
        switch self {
        case .v0Allocated: return "total × util − torch's allocated peak"
        case .v0Total: return "total × util − (total − free after profile)"
        case .v0Init: return "total × util − (free at init − free after profile)"
        case .v0Peak: return "total × util − torch peak (weights included) − (used − torch allocated)"
        case .v0Profiler: return "total × util − weights − activation peak − non-torch increase"
        case .v1Peak: return "total × util − torch peak (weights included) − (used − torch allocated)"
        case .v1Profiler: return "total × util − weights − activation peak − non-torch increase"
        case .v1CudaGraph: return "total × util − weights − activation peak − non-torch increase − CUDA graphs"
        }
    }
}

/// The profile batch and defaults a vLLM release uses for flags left unset.
struct VLLMProfileBatch: Equatable {
    var tokens: Int
    var sequences: Int
    var chunkedPrefill: Bool
    var maxModelLen: Int

    /// vLLM's defaults (`vllm/config.py` SchedulerConfig, `vllm/engine/arg_utils.py` at the family's tags):
    /// - V0 without chunked prefill: max_num_batched_tokens = max(max_model_len, 2048), so the profile run is a
    ///   whole max_model_len prompt (0.2 … 0.10 V0);
    /// - V0 with chunked prefill: 512 tokens until 0.6.x, 2048 from 0.7; V0 turns chunked prefill on by itself
    ///   when max_model_len > 32768 on CUDA from 0.5.5 (arg_utils.py `use_long_context`), not on ROCm;
    /// - V1: always chunked; the OpenAI server's defaults (the offline `LLM` class uses more): 2048 tokens and 256
    ///   sequences, and from 0.9.0 on GPUs of 70 GiB or more other than the A100 8192 tokens and 1024 sequences
    ///   (`vllm/engine/arg_utils.py` `get_batch_defaults`, PR #17885);
    /// - max_num_seqs 256 otherwise.
    static func resolve(_ f: EngineFlags, family: VLLMFamily, version: EngineVersion, gpu: GPUGeneration,
                        pp: Int, accelerator: Accelerator? = nil) throws -> VLLMProfileBatch {
        let maxModelLen = f.maxModelLen ?? EngineFlags.defaultMaxModelLen
        let large = family.isV1 && version.atLeast(0, 9) && accelerator.map {
            $0.capacity >= 70 * 1_073_741_824 && !$0.name.uppercased().contains("A100")
        } == true
        let seqs = f.maxNumSeqs ?? (large ? 1024 : 256)
        let chunked: Bool
        if family.isV1 {
            if f.enableChunkedPrefill == false {
                throw EngineError("the V1 engine always chunks prefills; enable_chunked_prefill: false needs "
                                  + "a V0 release (use_v1: false up to 0.10)", argument: "enable_chunked_prefill")
            }
            chunked = true
        } else if let c = f.enableChunkedPrefill {
            chunked = c
        } else {
            chunked = version.atLeast(0, 5, 5) && maxModelLen > 32768 && gpu != .cdna3
        }
        let tokens: Int
        if let t = f.maxNumBatchedTokens {
            if !chunked, t < maxModelLen {
                throw EngineError("without chunked prefill vLLM requires max_num_batched_tokens (\(t)) ≥ max_model_len "
                                  + "(\(maxModelLen))", argument: "max_num_batched_tokens")
            }
            tokens = t
        } else if chunked {
            tokens = large ? 8192 : family.isV1 || version.atLeast(0, 7) ? 2048 : 512
        } else {
            tokens = max(maxModelLen, 2048)
        }
        return VLLMProfileBatch(tokens: tokens, sequences: min(seqs, tokens), chunkedPrefill: chunked,
                                maxModelLen: maxModelLen)
    }
}
