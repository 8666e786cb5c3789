/// How the simulated engine keeps prefix KV blocks once their request no longer needs them.
public enum ServeCachePolicy: String, Sendable, CaseIterable {
    /// vLLM V1's prefix caching (vllm/v1/core/block_pool.py, kv_cache_utils.py `FreeKVCacheBlockQueue`, v0.9–v0.11):
    /// freed blocks join the tail of one LRU free queue, a freed request's blocks in reverse order so its tail
    /// blocks are evicted first; a hit re-claims a block from the queue; allocation pops the head and drops its hash.
    case vllm
    /// SGLang's radix cache (python/sglang/srt/mem_cache/radix_cache.py): computed prompt blocks become tree nodes
    /// when a chunk finishes; a lookup locks the matched path; eviction removes the least recently used unlocked
    /// leaves, a parent becoming a leaf in turn.
    case sglang
    /// `replay`'s cache, for comparison: a store of `capacity` blocks beside the running requests, which it does not
    /// limit (no preemption). Each request looks up its longest cached prefix when first scheduled, then touches
    /// its blocks first to last, evicting the least recently used (its own included). Its hits equal
    /// `replay(…, policy: .lru)` at any capacity.
    case lru
    /// No prefix caching: every prompt is computed in full; blocks are freed when their request ends.
    case none
}

/// The engine replica `ModelSpec.serve` simulates. Every field is validated by `serve` (an `EngineError` naming the
/// argument).
public struct ServeOptions: Sendable, Equatable {
    public var tp = 1
    public var pp = 1
    public var dtype: DType = .bf16
    /// nil: fp8 when the weights are fp8, else bf16 (as `latency`).
    public var kvDtype: DType?
    /// KV pool of the replica in tokens (the language derives it from `kv_capacity`). The pool holds
    /// floor(capacityTokens / blockTokens) blocks of the workload's block size.
    public var capacityTokens: Int
    /// Tokens one step may compute (prefill chunks and decodes together), and sequences that may run at once.
    /// Defaults: `vllm serve` (V1) on a GPU of 70 GiB or more that is not an A100 (vllm/engine/arg_utils.py,
    /// `get_batch_defaults`, v0.10–v0.11): 8192 tokens, 1024 sequences. Smaller GPUs get 2048 and 256 there:
    /// `ServeOptions.vllmDefaults(for:)` picks by GPU.
    public var maxNumBatchedTokens = 8192
    public var maxNumSeqs = 1024
    public var cache: ServeCachePolicy = .vllm
    /// Optional second tier (LMCache / Mooncake style): blocks evicted from HBM are kept in `dramBytes` of host
    /// memory (LRU); a hit there reloads the blocks at `dramBandwidth` bytes/s, the time added to the step.
    /// 0 bytes: no second tier.
    public var dramBytes = 0.0
    public var dramBandwidth = 0.0
    /// Every step takes no time: arrivals only order the requests (for studying the cache alone).
    public var instant = false
    /// Every step takes this many seconds instead of the latency engine's estimate (hand-checkable runs).
    public var fixedStepTime: Double?
    /// Most samples kept in `ServeResult.timeline`.
    public var timelinePoints = 500

    public init(capacityTokens: Int) { self.capacityTokens = capacityTokens }

    /// vLLM V1's `max_num_batched_tokens` and `max_num_seqs` for `vllm serve` on this GPU (arg_utils.py,
    /// `get_batch_defaults`): 8192 and 1024 with at least 70 GiB that is not an A100, else 2048 and 256.
    public static func vllmDefaults(for gpu: Accelerator) -> (maxNumBatchedTokens: Int, maxNumSeqs: Int) {
        let large = gpu.capacity >= 70 * 1_073_741_824 && !gpu.name.lowercased().contains("a100")
        return large ? (8192, 1024) : (2048, 256)
    }

    /// Checks every field against its range, naming the argument at fault.
    public func validate() throws {
        try Argument.positive(tp, "tp")
        try Argument.positive(pp, "pp")
        guard capacityTokens > 0 else {
            throw EngineError("capacity must be a positive number of tokens, got \(capacityTokens)", argument: "capacity")
        }
        guard maxNumBatchedTokens >= 1, maxNumBatchedTokens <= 1 << 24 else {
            throw EngineError("max_num_batched_tokens must be between 1 and 16,777,216, got \(maxNumBatchedTokens)",
                              argument: "max_num_batched_tokens")
        }
        guard maxNumSeqs >= 1, maxNumSeqs <= 1 << 16 else {
            throw EngineError("max_num_seqs must be between 1 and 65,536, got \(maxNumSeqs)", argument: "max_num_seqs")
        }
        guard dramBytes.isFinite, dramBytes >= 0 else {
            throw EngineError("dram must be a non-negative number of bytes, got \(dramBytes)", argument: "dram")
        }
        guard dramBandwidth.isFinite, dramBandwidth >= 0 else {
            throw EngineError("dram_bandwidth must be a non-negative number of bytes/s, got \(dramBandwidth)",
                              argument: "dram_bandwidth")
        }
        if dramBytes > 0, dramBandwidth <= 0 {
            throw EngineError("a DRAM tier needs dram_bandwidth (bytes/s) to reload its blocks", argument: "dram_bandwidth")
        }
        if dramBytes > 0, cache == .lru || cache == .none {
            throw EngineError("a DRAM tier works with cache \"vllm\" or \"sglang\", not \"\(cache.rawValue)\"",
                              argument: "dram")
        }
        if let t = fixedStepTime {
            guard t.isFinite, t >= 0 else {
                throw EngineError("step_time must be a non-negative number of seconds, got \(t)", argument: "step_time")
            }
        }
        guard timelinePoints >= 2, timelinePoints <= 100_000 else {
            throw EngineError("timeline points must be between 2 and 100,000, got \(timelinePoints)", argument: "points")
        }
    }
}
