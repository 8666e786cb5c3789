/// Serving engines whose KV-cache sizing rules kvCapacity reproduces.
public enum ServingEngine: String, Sendable, CaseIterable {
    case vllm, sglang
}

/// The engine's knobs; nil picks the engine's default.
public struct EngineSettings: Sendable, Equatable {
    /// vLLM --gpu-memory-utilization (default 0.9).
    public var gpuMemoryUtilization: Double
    /// vLLM --max-num-batched-tokens and --max-num-seqs: the profiling batch (defaults 8192 and 256).
    public var maxNumBatchedTokens: Int
    public var maxNumSeqs: Int
    /// vLLM --block-size (16) / SGLang --page-size (1): capacity is whole blocks of this many tokens.
    public var blockSize: Int?
    /// SGLang --mem-fraction-static; nil: its default by tp (0.88, 0.87 at tp ≥ 2, 0.85 at 4, 0.81 at 8, 0.79 at 16).
    public var memFractionStatic: Double?
    /// Memory outside PyTorch's allocator: the CUDA context, cuBLAS and NCCL buffers. Both engines see it (vLLM
    /// adds it to the profiled peak, SGLang measures free memory after it). An estimate, 512 MiB by default.
    public var nonTorchBytes: Double

    public init(gpuMemoryUtilization: Double = 0.9, maxNumBatchedTokens: Int = 8192, maxNumSeqs: Int = 256,
                blockSize: Int? = nil, memFractionStatic: Double? = nil, nonTorchBytes: Double = 512 * 1024 * 1024) {
        self.gpuMemoryUtilization = gpuMemoryUtilization
        self.maxNumBatchedTokens = maxNumBatchedTokens
        self.maxNumSeqs = maxNumSeqs
        self.blockSize = blockSize
        self.memFractionStatic = memFractionStatic
        self.nonTorchBytes = nonTorchBytes
    }
}

/// The KV cache an engine would allocate on one chip.
public struct KVCapacity: Sendable, Equatable {
    public var engine: ServingEngine
    /// Tokens of KV cache (whole blocks), and the blocks.
    public var tokens: Int
    public var blocks: Int
    public var blockSize: Int
    /// Bytes of the KV pool and bytes per cached token on the chip.
    public var bytes: Double
    public var bytesPerToken: Double
    /// What the rule subtracted: the memory it may use, the weights, the profiled activation peak (vLLM),
    /// memory outside PyTorch.
    public var budget: Double
    public var weights: Double
    public var activation: Double
    public var nonTorch: Double
    /// The fraction used: vLLM's gpu_memory_utilization or SGLang's mem_fraction_static.
    public var fraction: Double
}

extension ModelSpec {
    /// Tokens of KV cache an engine allocates per chip, by its own sizing rule:
    ///
    /// - vLLM (v1 engine, v0.8–0.9, `vllm/v1/worker/gpu_worker.py` `determine_available_memory` and
    ///   `vllm/v1/core/kv_cache_utils.py`): available = capacity × gpu_memory_utilization − peak, where peak is
    ///   PyTorch's peak during the profiling run (the weights plus the activation peak of one
    ///   max_num_batched_tokens forward and the sampler's fp32 logits for max_num_seqs rows) plus memory outside
    ///   PyTorch; blocks = ⌊available / (block_size × KV bytes per token on the chip)⌋.
    /// - SGLang (v0.4, `server_args.py` and `model_runner.py` `profile_max_num_token`): with `free` the memory
    ///   free before loading (capacity − non-torch), rest = (free − weights) − free × (1 − mem_fraction_static);
    ///   tokens = ⌊rest / cell_size⌋, cell_size = KV bytes per token on the chip, floored to whole pages.
    ///
    /// The activation term is this engine's derived HF peak (Activation.swift), not vLLM's own kernels.
    public func kvCapacity(gpu: Accelerator, engine: ServingEngine = .vllm, options: MemoryOptions = MemoryOptions(),
                           settings: EngineSettings = EngineSettings()) throws -> KVCapacity {
        try gpu.validate()
        let o = options
        let w = try weights(options: o).bytes
        let stages = o.parallelism.stages(layers: layers)
        let stageLayers = stages.map(\.count).max() ?? layers
        let perToken = Double(kvElementsPerTokenPerLayer(tp: o.tp)) * Double(stageLayers) * o.cacheDType.bytes
        guard settings.nonTorchBytes.isFinite, settings.nonTorchBytes >= 0 else {
            throw EngineError("non-torch memory must be a non-negative number of bytes", argument: "non_torch")
        }
        switch engine {
        case .vllm:
            let util = settings.gpuMemoryUtilization
            guard util.isFinite, util > 0, util <= 1 else {
                throw EngineError("gpu_memory_utilization must be in (0, 1], got \(util)", argument: "gpu_memory_utilization")
            }
            try Argument.positive(settings.maxNumBatchedTokens, "max_num_batched_tokens")
            try Argument.positive(settings.maxNumSeqs, "max_num_seqs")
            let blockSize = settings.blockSize ?? 16
            try Argument.positive(blockSize, "block_size")
            let act = try activation(batch: 1, seq: settings.maxNumBatchedTokens, dtype: o.computeDType,
                                     logitRows: min(settings.maxNumSeqs, settings.maxNumBatchedTokens),
                                     logitBytes: 4, tp: o.tp, ep: o.ep).bytes
            let budget = gpu.capacity * util
            let available = budget - w - act - settings.nonTorchBytes
            let blocks = available > 0 ? try Checked.floor(available / (Double(blockSize) * perToken), argument: "gpu") : 0
            let tokens = try Checked.mul(blocks, blockSize, argument: "gpu")
            return KVCapacity(engine: .vllm, tokens: tokens, blocks: blocks, blockSize: blockSize,
                              bytes: Double(tokens) * perToken, bytesPerToken: perToken, budget: budget,
                              weights: w, activation: act, nonTorch: settings.nonTorchBytes, fraction: util)
        case .sglang:
            let fraction = settings.memFractionStatic ?? Self.sglangMemFractionStatic(tp: o.tp)
            guard fraction.isFinite, fraction > 0, fraction <= 1 else {
                throw EngineError("mem_fraction_static must be in (0, 1], got \(fraction)", argument: "mem_fraction_static")
            }
            let pageSize = settings.blockSize ?? 1
            try Argument.positive(pageSize, "page_size")
            let free = gpu.capacity - settings.nonTorchBytes
            let rest = (free - w) - free * (1 - fraction)
            let pages = rest > 0 ? try Checked.floor(rest / perToken, argument: "gpu") / pageSize : 0
            let tokens = try Checked.mul(pages, pageSize, argument: "gpu")
            return KVCapacity(engine: .sglang, tokens: tokens, blocks: pages, blockSize: pageSize,
                              bytes: Double(tokens) * perToken, bytesPerToken: perToken, budget: free * fraction,
                              weights: w, activation: 0, nonTorch: settings.nonTorchBytes, fraction: fraction)
        }
    }

    /// SGLang's default mem_fraction_static by tensor-parallel size (server_args.py, v0.4).
    static func sglangMemFractionStatic(tp: Int) -> Double {
        switch tp {
        case 16...: return 0.79
        case 8...: return 0.81
        case 4...: return 0.85
        case 2...: return 0.87
        default: return 0.88
        }
    }
}
