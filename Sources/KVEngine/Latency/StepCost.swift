import Foundation

/// What bounds a forward pass: the largest of its terms.
public enum LatencyBound: String, Sendable {
    case compute, memory, communication, overhead
}

/// One forward pass on one chip: `batch` sequences each adding `newTokens` after `context` cached tokens.
public struct StepCost: Sendable, Equatable {
    public var flops = 0.0
    /// Bytes moved through HBM, by kind.
    public var weightBytes = 0.0, kvReadBytes = 0.0, kvWriteBytes = 0.0, activationBytes = 0.0
    /// Bytes each chip sends in all-reduces and pipeline hand-offs.
    public var commBytes = 0.0
    public var computeTime = 0.0, memoryTime = 0.0, commTime = 0.0, overheadTime = 0.0
    /// Of computeTime and memoryTime, the attention kernels' share (KV reads and writes, QKᵀ and AV); the rest is
    /// the linear layers' (weights, activations, GEMM FLOPs).
    public var attentionComputeTime = 0.0, attentionMemoryTime = 0.0
    /// Of memoryTime, weight-only kernels' dequantisation (LatencyConstants.dequantOpsPerWeight); 0 otherwise.
    public var dequantTime = 0.0
    /// One pass: max(linear compute, linear memory) + max(attention compute, attention memory) + communication +
    /// overhead. Each kernel overlaps its own compute and memory (the roofline), but a layer's GEMMs and its
    /// attention run one after the other: at a large decode batch the GEMMs are compute-bound while attention
    /// streams the KV, and the times add. Summed passes: the sum of their times, not the max of the summed parts.
    public var time = 0.0

    public var bytes: Double { weightBytes + kvReadBytes + kvWriteBytes + activationBytes }

    mutating func finish() {
        let linear = max(computeTime - attentionComputeTime, memoryTime - attentionMemoryTime)
        time = linear + max(attentionComputeTime, attentionMemoryTime) + commTime + overheadTime
    }

    public var bound: LatencyBound {
        let terms: [(LatencyBound, Double)] = [(.compute, computeTime), (.memory, memoryTime),
                                               (.communication, commTime), (.overhead, overheadTime)]
        return terms.max { $0.1 < $1.1 }?.0 ?? .memory
    }

    /// Sums costs (several steps of a phase).
    static func + (a: StepCost, b: StepCost) -> StepCost {
        StepCost(flops: a.flops + b.flops, weightBytes: a.weightBytes + b.weightBytes,
                 kvReadBytes: a.kvReadBytes + b.kvReadBytes, kvWriteBytes: a.kvWriteBytes + b.kvWriteBytes,
                 activationBytes: a.activationBytes + b.activationBytes, commBytes: a.commBytes + b.commBytes,
                 computeTime: a.computeTime + b.computeTime, memoryTime: a.memoryTime + b.memoryTime,
                 commTime: a.commTime + b.commTime, overheadTime: a.overheadTime + b.overheadTime,
                 attentionComputeTime: a.attentionComputeTime + b.attentionComputeTime,
                 attentionMemoryTime: a.attentionMemoryTime + b.attentionMemoryTime,
                 dequantTime: a.dequantTime + b.dequantTime, time: a.time + b.time)
    }

    func scaled(_ k: Double) -> StepCost {
        StepCost(flops: flops * k, weightBytes: weightBytes * k, kvReadBytes: kvReadBytes * k,
                 kvWriteBytes: kvWriteBytes * k, activationBytes: activationBytes * k, commBytes: commBytes * k,
                 computeTime: computeTime * k, memoryTime: memoryTime * k, commTime: commTime * k,
                 overheadTime: overheadTime * k, attentionComputeTime: attentionComputeTime * k,
                 attentionMemoryTime: attentionMemoryTime * k, dequantTime: dequantTime * k, time: time * k)
    }
}

/// What one forward pass computes, summed over its sequences: all a step's cost depends on besides the model.
struct StepShape: Sendable, Equatable {
    /// Sequences in the pass (each ends in one lm_head row).
    var sequences = 0.0
    /// New tokens, all sequences together.
    var tokens = 0.0
    /// KV entries read, in token-layers on one stage.
    var kvReadTokenLayers = 0.0
    /// Attention FLOPs (QKᵀ and AV) on one stage.
    var attentionFlops = 0.0
}

/// The per-chip facts of a model on a placement that every step reuses (computed once per latency() call).
struct LatencyModel {
    let spec: ModelSpec
    let gpu: Accelerator
    let tp: Int, pp: Int
    let dtype: DType, kvDtype: DType
    /// Weight bytes one chip of the largest stage streams per pass: all but the embedding table (a step reads
    /// only its tokens' rows) and the routed experts (scaled by the share a step touches).
    let denseWeightBytes: Double
    let routedExpertBytes: Double
    /// Weight elements a weight-only kernel dequantises per pass: the quantized linear layers' (dense, and routed
    /// experts scaled like their bytes); 0 when the weights are 16-bit or compute on FP8 tensor cores.
    let denseDequantElements: Double, routedDequantElements: Double
    /// Parameters one token passes through on one chip (linear layers; lm_head counted separately).
    let activeParams: Double
    let lmHeadParams: Double
    /// Layers on the largest stage, and of them the sliding-window ones.
    let stageLayers: Int, slidingLayers: Int
    /// KV bytes one token adds in one layer on one chip.
    let kvBytesPerTokenLayer: Double
    /// What `add` needs per sequence, read out of the spec once: the serving simulator calls it for every
    /// sequence of every step, and reading a field of the whole `ModelSpec` there retains and releases it.
    let window: Double?
    let attentionPerContextTokenDecode: Double, attentionPerContextTokenPrefill: Double

    init(_ m: ModelSpec, gpu: Accelerator, tp: Int, pp: Int, dtype: DType, kvDtype: DType) throws {
        spec = m
        self.gpu = gpu
        self.tp = tp
        self.pp = pp
        self.dtype = dtype
        self.kvDtype = kvDtype
        guard gpu.bandwidth > 0 else {
            throw EngineError("\(gpu.name) has no `bandwidth`: latency needs the memory bandwidth", argument: "gpu")
        }
        guard gpu.bf16Flops > 0 else {
            throw EngineError("\(gpu.name) has no `flops`: latency needs the dense 16-bit tensor throughput",
                              argument: "gpu")
        }
        if tp > 1 || pp > 1, gpu.performance.interconnect <= 0 {
            throw EngineError("\(gpu.name) has no `interconnect` bandwidth (0): tp or pp above 1 needs it; give it with `gpu with {interconnect: …}`", argument: "gpu")
        }
        let w = try m.weights(dtype: dtype, tp: tp, pp: pp)
        let embedding = w.byGroup[.embedding] ?? 0
        routedExpertBytes = w.byGroup[.experts] ?? 0
        denseWeightBytes = w.bytes - embedding - routedExpertBytes
        let weightOnly = dtype.isQuantized && !(dtype == .fp8 && gpu.performance.fp8Flops > 0)
        let quantizedDense = [ParamGroup.attention, .mlp, .sharedExperts].reduce(0) { $0 + (w.byGroup[$1] ?? 0) }
        denseDequantElements = weightOnly ? quantizedDense / dtype.bytes : 0
        routedDequantElements = weightOnly ? routedExpertBytes / dtype.bytes : 0
        let b = try m.paramBreakdown()
        let lmHead = Double(b.params(in: .lmHead) > 0 ? b.params(in: .lmHead) : b.params(in: .embedding))
        lmHeadParams = lmHead / Double(tp)
        let decoderActive = Double(b.active - b.params(in: .embedding) - b.params(in: .lmHead) - b.params(in: .norms))
        activeParams = decoderActive / Double(tp * pp)
        let kv = try m.kvCache(batch: 1, seq: 1, kvDtype: kvDtype, tp: tp, pp: pp)
        stageLayers = kv.layers
        slidingLayers = kv.slidingLayers
        kvBytesPerTokenLayer = Double(m.kvElementsPerTokenPerLayer(tp: tp)) * kvDtype.bytes
        window = m.slidingWindow.map(Double.init)
        attentionPerContextTokenDecode = LatencyModel.attentionFlopsPerContextToken(m, tp: tp, decode: true)
        attentionPerContextTokenPrefill = LatencyModel.attentionFlopsPerContextToken(m, tp: tp, decode: false)
    }

    /// Whether the GEMMs run on FP8 tensor cores (fp8 weights on a chip that has them).
    var usesFP8: Bool { dtype == .fp8 && gpu.performance.fp8Flops > 0 }

    /// Expected distinct routed experts `tokens` tokens touch, as a share of all experts: 1 − (1 − k/E)^tokens.
    func expertShare(tokens: Double) -> Double {
        guard let moe = spec.moe, moe.experts > 0 else { return 1 }
        let miss = 1 - Double(moe.expertsPerToken) / Double(moe.experts)
        return 1 - pow(miss, tokens)
    }

    /// Attention FLOPs per token per head-dimension unit of context: QKᵀ and AV, 2 FLOPs per multiply-add.
    /// MLA in decode uses the absorbed form (scores against the latent: 2·kv_lora + rope per head); in prefill the
    /// expanded form (qk_head_dim + v_head_dim per head).
    func attentionFlopsPerContextToken(decode: Bool) -> Double {
        decode ? attentionPerContextTokenDecode : attentionPerContextTokenPrefill
    }

    static func attentionFlopsPerContextToken(_ spec: ModelSpec, tp: Int, decode: Bool) -> Double {
        let heads = Double(max(1, spec.heads / tp))
        if let a = spec.mla {
            let width = decode ? Double(2 * a.kvLoraRank + a.qkRopeHeadDim) : Double(a.qkHeadDim + a.vHeadDim)
            return 2 * heads * width
        }
        return 4 * heads * Double(spec.headDim)
    }

    /// Sum over the `n` new tokens of the context each attends to (itself included), capped at `window`.
    static func attendedSum(context c: Double, new n: Double, window: Double?) -> Double {
        let full = n * c + n * (n + 1) / 2
        guard let w = window, w < c + n else { return full }
        // Token i (1…n) attends to min(c + i, w): the part below the window is triangular, the rest w each.
        let below = max(0, min(n, w - c))
        return below * c + below * (below + 1) / 2 + (n - below) * w
    }

    /// The cost of one forward pass where `batch` sequences each add `newTokens` after `context` cached tokens.
    func step(batch: Int, newTokens: Int, context: Int, decode: Bool) -> StepCost {
        var shape = StepShape()
        add(to: &shape, newTokens: newTokens, context: context, decode: decode, count: batch)
        return cost(shape)
    }

    /// Adds `count` sequences, each computing `newTokens` after `context` cached tokens, to a step: a mixed step
    /// (prefill chunks and decodes of different lengths together) is one pass, its weights read once.
    func add(to shape: inout StepShape, newTokens: Int, context: Int, decode: Bool, count: Int = 1) {
        let b = Double(count), n = Double(newTokens), c = Double(context)
        let fullLayers = Double(stageLayers - slidingLayers), sliding = Double(slidingLayers)
        shape.sequences += b
        shape.tokens += b * n
        // KV read per sequence: the cached context and the new tokens (sliding layers: the window).
        shape.kvReadTokenLayers += b * (fullLayers * (c + n) + sliding * min(c + n, window ?? (c + n)))
        let attended = fullLayers * LatencyModel.attendedSum(context: c, new: n, window: nil)
            + sliding * LatencyModel.attendedSum(context: c, new: n, window: window)
        shape.attentionFlops += b * attended * attentionFlopsPerContextToken(decode: decode)
    }

    /// The cost of one forward pass, on one chip, summed over the pp stages one token passes in turn.
    func cost(_ shape: StepShape) -> StepCost {
        let perf = gpu.performance
        let b = shape.sequences, tokens = shape.tokens
        let stages = Double(pp)
        var s = StepCost()
        // Weights: every dense byte once; routed experts as far as this step's tokens reach them.
        s.weightBytes = stages * (denseWeightBytes + routedExpertBytes * expertShare(tokens: tokens))
        // KV: the cached context is read (sliding layers: the window), the new tokens' entries written.
        s.kvReadBytes = stages * kvBytesPerTokenLayer * shape.kvReadTokenLayers
        s.kvWriteBytes = stages * tokens * kvBytesPerTokenLayer * Double(stageLayers)
        // The residual stream into and out of each layer (other intermediates stay on chip in fused kernels).
        let hidden = Double(spec.hidden)
        s.activationBytes = 2 * tokens * hidden * LatencyConstants.activationBytes * Double(stageLayers) * stages
        // FLOPs: linear layers for every token, lm_head for the last of each sequence, attention over the context.
        let attentionFlops = shape.attentionFlops * stages
        s.flops = 2 * tokens * activeParams * stages + 2 * b * lmHeadParams + attentionFlops
        let peak = usesFP8 ? perf.fp8Flops * perf.fp8FlopsEfficiency : gpu.bf16Flops * perf.flopsEfficiency
        // GEMM tiles fill as n / (n + 54); a step of a few tokens runs GEMV kernels on the vector units instead,
        // which never fall below their own rate (LatencyConstants.gemvEfficiencyFloor).
        let ramp = max(tokens / (tokens + LatencyConstants.halfEfficiencyTokens), LatencyConstants.gemvEfficiencyFloor)
        s.computeTime = tokens > 0 ? s.flops / (peak * ramp) : 0
        s.attentionComputeTime = tokens > 0 ? attentionFlops / (peak * ramp) : 0
        // Weight-only kernels dequantise every weight element they stream, on the vector units and not hidden
        // behind the stream (LatencyConstants.dequantOpsPerWeight); the KV is read by the attention kernel.
        let bandwidth = gpu.bandwidth * perf.bandwidthEfficiency
        let dequantElements = stages * (denseDequantElements + routedDequantElements * expertShare(tokens: tokens))
        let vectorRate = gpu.bf16Flops * LatencyConstants.gemvEfficiencyFloor
        s.dequantTime = dequantElements * LatencyConstants.dequantOpsPerWeight / vectorRate
        s.attentionMemoryTime = (s.kvReadBytes + s.kvWriteBytes) / bandwidth
        s.memoryTime = (s.weightBytes + s.activationBytes) / bandwidth + s.dequantTime + s.attentionMemoryTime
        // Tensor parallelism: two all-reduces of the step's activations per layer (after attention and the MLP).
        let message = tokens * hidden * LatencyConstants.activationBytes
        let link = perf.interconnect * perf.interconnectEfficiency
        if tp > 1 {
            let t = Double(tp)
            // The fit found no growth of the small-message latency from tp 2 to 8 (NVLink switches in one hop).
            let latency = perf.interconnectLatency
            let moved = 2 * (t - 1) / t * message
            let reduces = 2 * Double(stageLayers) * stages
            s.commBytes += reduces * moved
            s.commTime += reduces * (latency + moved / link)
        }
        // Pipeline parallelism: each stage hands the activations to the next.
        if pp > 1 {
            s.commBytes += (stages - 1) * message
            s.commTime += (stages - 1) * (perf.interconnectLatency + message / link)
        }
        s.overheadTime = Double(stageLayers) * stages * LatencyConstants.layerOverhead
        s.finish()
        return s
    }
}
