/// A memory plan as a serving engine runs it: prefill in steps of the engine's token budget (chunked prefill),
/// plus the memory outside PyTorch and the CUDA graphs, against the share of the GPU the engine may use.
public struct ServingMemoryPlan: Sendable, Equatable {
    /// weights, kv_cache, activation (the step's peak), total (all parts), capacity (the engine's share), fits …
    public var plan: MemoryPlan
    public var nonTorch: Double
    public var cudaGraphs: Double
    /// Tokens of the largest step the engine runs (its chunk, or the whole prompt without chunked prefill).
    public var stepTokens: Int
}

extension ModelSpec {
    /// `memory(gpu:batch:seq:options:)` as vLLM or SGLang would run it: one step processes at most the engine's
    /// token budget (vLLM max_num_batched_tokens, SGLang chunked_prefill_size), its activation is that step's
    /// peak with the sampler's logits for the step's sequences; non-torch memory is every modelled part on rank 0
    /// (the context included: the process holds it whatever the rule measures); CUDA graphs unless eager.
    /// `capacity` is total × gpu_memory_utilization (vLLM) or the whole GPU (SGLang, whose pool already leaves
    /// 1 − mem_fraction_static free).
    public func servingMemory(gpu: Accelerator, batch: Int, seq: Int, options o: MemoryOptions = MemoryOptions(),
                              release: EngineRelease, flags: EngineFlags = EngineFlags()) throws -> ServingMemoryPlan {
        try gpu.validate()
        try flags.validate()
        try Argument.positive(batch, "batch")
        try Argument.positive(seq, "seq")
        let (promptTokens, overflow) = batch.multipliedReportingOverflow(by: seq)
        if overflow { throw EngineError("batch × seq overflows", argument: "batch") }
        let generation = GPUGeneration.of(gpu)
        let budgetTokens: Int, maxSeqs: Int, capacity: Double
        switch release.engine {
        case .vllm:
            guard let f = release.vllm else { throw EngineError("internal: no vLLM family", argument: "version") }
            var fl = flags
            if fl.maxModelLen == nil { fl.maxModelLen = max(seq, 1) }
            let b = try VLLMProfileBatch.resolve(fl, family: f, version: release.version, gpu: generation, pp: o.pp,
                                                 accelerator: gpu)
            budgetTokens = b.tokens
            maxSeqs = b.sequences
            capacity = gpu.capacity * (flags.gpuMemoryUtilization ?? 0.9)
        case .sglang:
            guard let f = release.sglang else { throw EngineError("internal: no SGLang family", argument: "version") }
            budgetTokens = flags.chunkedPrefillSize ?? f.defaults(gpuMiB: gpu.capacity / 1_048_576, tp: o.tp).chunked
            maxSeqs = batch
            capacity = gpu.capacity
        }
        let stepTokens = min(promptTokens, budgetTokens)
        let sequences = max(1, min(batch, maxSeqs, stepTokens))
        let step = VLLMProfileBatch(tokens: stepTokens, sequences: sequences, chunkedPrefill: true, maxModelLen: seq)
        let act = try vllmProfileActivation(batch: step, options: o).bytes
        let w = try weights(options: o).bytes
        let kv = try kvCache(batch: batch, seq: seq, kvDtype: o.cacheDType, tp: o.tp, pp: o.pp).bytes
        let nonTorch = flags.nonTorch ?? NonTorchModel.fitted(generation)
            .parts(tp: o.tp, rank0: true, context: true, afterFirstForward: true,
                   customAllReduce: release.engine == .vllm && generation != .older)
            .map(\.bytes).reduce(0, +)
        let graphs = flags.enforceEager == true ? 0 : flags.cudaGraphBytes ?? EngineFlags.defaultCudaGraphBytes
        let total = w + kv + act + nonTorch + graphs
        let plan = MemoryPlan(weights: w, kvCache: kv, activation: act, total: total, capacity: capacity,
                              free: capacity - total, fits: total <= capacity, utilization: total / capacity,
                              stage: 0, devices: o.parallelism.devices)
        return ServingMemoryPlan(plan: plan, nonTorch: nonTorch, cudaGraphs: graphs, stepTokens: stepTokens)
    }
}
