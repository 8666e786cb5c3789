/// The engine flags kv_capacity and memory() take; nil means the engine's default for the release.
public struct EngineFlags: Sendable, Equatable {
    /// vLLM --gpu-memory-utilization (default 0.9).
    public var gpuMemoryUtilization: Double?
    /// vLLM --max-model-len. The model record carries no context length, so when unset 8192 tokens is assumed.
    public var maxModelLen: Int?
    /// vLLM --max-num-seqs (256) and --max-num-batched-tokens (by release and chunked prefill, VLLMProfileBatch).
    public var maxNumSeqs: Int?
    public var maxNumBatchedTokens: Int?
    /// vLLM --enable-chunked-prefill (V0: off unless max_model_len > 32768 from 0.5.5; V1: always on).
    public var enableChunkedPrefill: Bool?
    /// vLLM --enforce-eager / SGLang --disable-cuda-graph: no CUDA graphs.
    public var enforceEager: Bool?
    /// vLLM --block-size (16) / SGLang --page-size (1).
    public var blockSize: Int?
    /// SGLang --mem-fraction-static, --chunked-prefill-size, --cuda-graph-max-bs (defaults by release and GPU).
    public var memFractionStatic: Double?
    public var chunkedPrefillSize: Int?
    public var cudaGraphMaxBs: Int?
    /// Overrides the modelled non-torch memory of every rank (bytes).
    public var nonTorch: Double?
    /// CUDA-graph memory the v1-cudagraph family subtracts; nil: `defaultCudaGraphBytes`.
    public var cudaGraphBytes: Double?
    /// vLLM 0.8–0.10: false selects the V0 engine (VLLM_USE_V1=0).
    public var useV1: Bool?

    public init() {}

    static let defaultMaxModelLen = 8192
    /// vLLM's profiled CUDA-graph memory for a dense model with the default capture sizes: 0.36 GiB (vLLM 0.27
    /// log quoted in gpustack/runner#251) … 0.65 GiB (gemma-3-4b, vLLM PR #21489's log); 0.5 GiB assumed.
    public static let defaultCudaGraphBytes = 0.5 * 1_073_741_824.0

    /// Checks ranges the builtin's spec cannot (the library can be called directly).
    func validate() throws {
        if let u = gpuMemoryUtilization, !(u.isFinite && u > 0 && u <= 1) {
            throw EngineError("gpu_memory_utilization must be in (0, 1], got \(u)", argument: "gpu_memory_utilization")
        }
        if let f = memFractionStatic, !(f.isFinite && f > 0 && f <= 1) {
            throw EngineError("mem_fraction_static must be in (0, 1], got \(f)", argument: "mem_fraction_static")
        }
        for (v, name) in [(maxModelLen, "max_model_len"), (maxNumSeqs, "max_num_seqs"),
                          (maxNumBatchedTokens, "max_num_batched_tokens"), (blockSize, "block_size"),
                          (chunkedPrefillSize, "chunked_prefill_size"), (cudaGraphMaxBs, "cuda_graph_max_bs")] {
            if let v { try Argument.positive(v, name) }
        }
        for (v, name) in [(nonTorch, "non_torch"), (cudaGraphBytes, "cuda_graphs")] {
            if let v, !(v.isFinite && v >= 0) {
                throw EngineError("\(name) must be a non-negative number of bytes", argument: name)
            }
        }
    }
}
