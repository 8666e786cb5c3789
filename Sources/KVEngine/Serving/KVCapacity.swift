/// Serving engines whose KV-cache sizing rules kvCapacity reproduces.
public enum ServingEngine: String, Sendable, CaseIterable {
    case vllm, sglang
}

/// The KV cache an engine would allocate on each chip, and how the rule got there.
public struct KVCapacity: Sendable, Equatable {
    public var engine: ServingEngine
    public var version: String
    /// The rule family the release used (VLLMFamily / SGLangFamily raw value).
    public var family: String
    /// Tokens of KV cache (whole blocks) and the blocks: the minimum over ranks, as the engine takes it.
    public var tokens: Int
    public var blocks: Int
    public var blockSize: Int
    /// Bytes of the KV pool and bytes per cached token on the chip.
    public var bytes: Double
    public var bytesPerToken: Double
    /// The limiting rank's figures: the memory the rule may use (vLLM: total × utilization; SGLang: free before
    /// loading × mem_fraction_static), the weights, the profiled activation peak (vLLM), non-torch memory as the
    /// release measures it, and the CUDA-graph memory subtracted (v1-cudagraph).
    public var budget: Double
    public var weights: Double
    public var activation: Double
    public var nonTorch: Double
    public var cudaGraphs: Double
    /// vLLM's gpu_memory_utilization or SGLang's mem_fraction_static.
    public var fraction: Double
    /// The profile batch (vLLM: tokens and sequences of the dummy run; SGLang: chunked_prefill_size, 0 sequences).
    public var profileTokens: Int
    public var profileSequences: Int
    public var chunkedPrefill: Bool
    /// The limiting rank (0 is the driver, 1 stands for every other rank) and the derivation, row by row.
    public var rank: Int
    public var steps: [ExplainRow]
}

extension ModelSpec {
    /// Tokens of KV cache an engine allocates per chip, by the rule of the release's family (VLLMFamily,
    /// SGLangFamily), with the flags' release defaults and non-torch memory modelled per rank (NonTorchModel).
    public func kvCapacity(gpu: Accelerator, release: EngineRelease, options: MemoryOptions = MemoryOptions(),
                           flags: EngineFlags = EngineFlags()) throws -> KVCapacity {
        try gpu.validate()
        try flags.validate()
        let o = options
        let w = try weights(options: o).bytes
        let stageLayers = o.parallelism.stages(layers: layers).map(\.count).max() ?? layers
        let perToken = Double(kvElementsPerTokenPerLayer(tp: o.tp)) * Double(stageLayers) * o.cacheDType.bytes
        let generation = GPUGeneration.of(gpu)
        let model = NonTorchModel.fitted(generation)
        let ranks = o.tp > 1 ? [0, 1] : [0]
        var best: KVCapacity?
        for rank in ranks {
            let k: KVCapacity
            switch release.engine {
            case .vllm:
                guard let f = release.vllm else { throw EngineError("internal: no vLLM family", argument: "version") }
                k = try vllmCapacity(gpu: gpu, family: f, release: release, options: o, flags: flags, weights: w,
                                     perToken: perToken, generation: generation, model: model, rank: rank)
            case .sglang:
                guard let f = release.sglang else { throw EngineError("internal: no SGLang family", argument: "version") }
                k = try sglangCapacity(gpu: gpu, family: f, release: release, options: o, flags: flags, weights: w,
                                       perToken: perToken, model: model, rank: rank)
            }
            if let b = best, b.tokens <= k.tokens { continue }
            best = k
        }
        guard let result = best else { throw EngineError("internal: no rank", argument: "tp") }
        return result
    }

    private func vllmCapacity(gpu: Accelerator, family: VLLMFamily, release: EngineRelease, options o: MemoryOptions,
                              flags: EngineFlags, weights w: Double, perToken: Double, generation: GPUGeneration,
                              model: NonTorchModel, rank: Int) throws -> KVCapacity {
        let util = flags.gpuMemoryUtilization ?? 0.9
        let blockSize = flags.blockSize ?? 16
        let batch = try VLLMProfileBatch.resolve(flags, family: family, version: release.version, gpu: generation,
                                                 pp: o.pp, accelerator: gpu)
        let act = try vllmProfileActivation(batch: batch, options: o, v1: family.isV1, rank: rank)
        var parts = flags.nonTorch.map { [NonTorchModel.Part(name: "non_torch (given)", bytes: $0)] }
            ?? (family.countsNonTorch
                ? model.parts(tp: o.tp, rank0: rank == 0, context: family.countsContext, afterFirstForward: true,
                              customAllReduce: generation != .older)
                : [])
        // vLLM 0.2.5 measured total − free while PyTorch kept every all-reduce input of the profile run alive for
        // NCCL's stream (two a layer, tokens × hidden each); PR #2151 fixed it in 0.2.6.
        if family == .v0Total, release.version.parts == [0, 2, 5], o.tp > 1 {
            let stageLayers = o.parallelism.stages(layers: layers).map(\.count).max() ?? layers
            parts.append(NonTorchModel.Part(name: "all-reduce inputs kept by NCCL's stream (\(stageLayers) layers × 2)",
                                            bytes: 2 * Double(stageLayers) * Double(batch.tokens) * Double(hidden)
                                                * o.computeDType.bytes))
        }
        let nonTorch = parts.map(\.bytes).reduce(0, +)
        let graphs = family.subtractsCudaGraphs && flags.enforceEager != true
            ? flags.cudaGraphBytes ?? EngineFlags.defaultCudaGraphBytes : 0
        let budget = gpu.capacity * util
        let available = budget - w - act.bytes - nonTorch - graphs
        let blockBytes = Double(blockSize) * perToken
        let blocks = available > 0 ? try Checked.floor(available / blockBytes, argument: "gpu") : 0
        let tokens = try Checked.mul(blocks, blockSize, argument: "gpu")
        let gib = NonTorchModel.gib
        var steps = [
            ExplainRow(component: "budget", item: "total × gpu_memory_utilization" + (o.tp > 1 ? ", rank \(rank)" : ""),
                       factors: [ExplainFactor(name: "total GiB", value: gpu.capacity / gib),
                                 ExplainFactor(name: "utilization", value: util)], bytes: budget),
            ExplainRow(component: "weights", item: "− weights on the chip", factors: [], bytes: -w),
            ExplainRow(component: "activation",
                       item: "− profile run peak (" + (act.sampler > act.layerPeak ? "the sampler)" : "a layer)"),
                       factors: [ExplainFactor(name: "tokens", value: Double(batch.tokens)),
                                 ExplainFactor(name: "sequences", value: Double(batch.sequences)),
                                 ExplainFactor(name: "layer GiB", value: act.layerPeak / gib),
                                 ExplainFactor(name: "sampler GiB", value: act.sampler / gib)], bytes: -act.bytes),
        ]
        for p in parts {
            steps.append(ExplainRow(component: "non_torch", item: "− \(p.name)", factors: [], bytes: -p.bytes))
        }
        if graphs > 0 {
            steps.append(ExplainRow(component: "cuda_graphs", item: "− CUDA graphs (profiled before sizing)",
                                    factors: [], bytes: -graphs))
        }
        steps.append(ExplainRow(component: "kv_cache", item: "= KV cache in whole blocks (\(family.rawValue))",
                                factors: [ExplainFactor(name: "blocks", value: Double(blocks)),
                                          ExplainFactor(name: "block_size", value: Double(blockSize)),
                                          ExplainFactor(name: "bytes/token", value: perToken)],
                                bytes: Double(tokens) * perToken))
        return KVCapacity(engine: .vllm, version: release.version.text, family: family.rawValue, tokens: tokens,
                          blocks: blocks, blockSize: blockSize, bytes: Double(tokens) * perToken, bytesPerToken: perToken,
                          budget: budget, weights: w, activation: act.bytes, nonTorch: nonTorch, cudaGraphs: graphs,
                          fraction: util, profileTokens: batch.tokens, profileSequences: batch.sequences,
                          chunkedPrefill: batch.chunkedPrefill, rank: rank, steps: steps)
    }

    /// The activation peak of vLLM's profile run (VLLMActivation.swift) on a rank: V0 samples on rank 0 only.
    func vllmProfileActivation(batch: VLLMProfileBatch, options o: MemoryOptions, v1: Bool = true,
                               rank: Int = 0) throws -> ProfileActivation {
        try vllmActivation(tokens: batch.tokens, sequences: batch.sequences, options: o, sampler: v1 || rank == 0)
    }

    private func sglangCapacity(gpu: Accelerator, family: SGLangFamily, release: EngineRelease, options o: MemoryOptions,
                                flags: EngineFlags, weights w: Double, perToken: Double, model: NonTorchModel,
                                rank: Int) throws -> KVCapacity {
        let pageSize = flags.blockSize ?? 1
        let defaults = family.defaults(gpuMiB: gpu.capacity / 1_048_576, tp: o.tp)
        let chunked = flags.chunkedPrefillSize ?? defaults.chunked
        let graphBs = flags.enforceEager == true ? 0 : flags.cudaGraphMaxBs ?? defaults.graphBs
        let fraction = flags.memFractionStatic ?? family.memFractionStatic(
            gpuBytes: gpu.capacity, tp: o.tp, chunkedPrefillSize: chunked, cudaGraphMaxBs: graphBs)
        // Free memory when loading starts: after the context and the NCCL communicators' initial buffers.
        let parts = flags.nonTorch.map { [NonTorchModel.Part(name: "non_torch (given)", bytes: $0)] }
            ?? model.parts(tp: o.tp, rank0: false, context: true, afterFirstForward: false, customAllReduce: false)
        let preload = parts.map(\.bytes).reduce(0, +)
        let before = gpu.capacity - preload
        let after = before - w
        let rest = after - before * (1 - fraction)
        let cells = rest > 0 ? try Checked.floor(rest / perToken, argument: "gpu") : 0
        let pages = cells / pageSize
        let tokens = try Checked.mul(pages, pageSize, argument: "gpu")
        let gib = NonTorchModel.gib
        var steps = [ExplainRow(component: "budget", item: "total GPU memory",
                                factors: [ExplainFactor(name: "total GiB", value: gpu.capacity / gib)], bytes: gpu.capacity)]
        for p in parts {
            steps.append(ExplainRow(component: "non_torch", item: "− \(p.name) (before loading)", factors: [], bytes: -p.bytes))
        }
        steps += [
            ExplainRow(component: "weights", item: "− weights (free after loading)", factors: [], bytes: -w),
            ExplainRow(component: "reserve", item: "− free before loading × (1 − mem_fraction_static)",
                       factors: [ExplainFactor(name: "free before GiB", value: before / gib),
                                 ExplainFactor(name: "mem_fraction_static", value: fraction)],
                       bytes: -before * (1 - fraction)),
            ExplainRow(component: "kv_cache", item: "= KV pool, whole pages",
                       factors: [ExplainFactor(name: "tokens", value: Double(tokens)),
                                 ExplainFactor(name: "page_size", value: Double(pageSize)),
                                 ExplainFactor(name: "bytes/token", value: perToken)], bytes: Double(tokens) * perToken),
        ]
        return KVCapacity(engine: .sglang, version: release.version.text, family: family.rawValue, tokens: tokens,
                          blocks: pages, blockSize: pageSize, bytes: Double(tokens) * perToken, bytesPerToken: perToken,
                          budget: before * fraction, weights: w, activation: 0, nonTorch: preload, cudaGraphs: 0,
                          fraction: fraction, profileTokens: chunked, profileSequences: 0, chunkedPrefill: true,
                          rank: rank, steps: steps)
    }
}
