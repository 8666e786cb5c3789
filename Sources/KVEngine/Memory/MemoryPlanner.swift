/// `memory(gpu:batch:seq:options:)` in two halves: what depends only on the model and the options (the checks, every
/// stage's weights, every stage's full and sliding layers, which MLPs exist) is worked out once by `init`, and
/// `plan` adds the arithmetic of one batch and sequence length. A sweep over batch sizes keeps one planner, so each
/// point costs a few dozen multiplications instead of walks over the layers. A class: a memo hands it out without
/// copying its arrays.
///
/// `ModelSpec.memory` is this planner built and used once, so the two can never disagree, and the errors come in
/// the same order as they always did: the weights' (from `init`), then batch and seq, then the KV cache's and the
/// activation's split checks (found by `init`, thrown by `plan`), then batch × seq overflowing.
public final class MemoryPlanner: Sendable {
    public let model: ModelSpec
    public let options: MemoryOptions
    let weights: WeightBreakdown
    /// Bytes one token's cache takes in one layer on one chip.
    let kvPerLayer: Double
    /// Each pipeline stage's layers that cache every token, and those that keep only the window.
    let kvStages: [KVStage]

    struct KVStage: Sendable {
        let full: Int
        let sliding: Int
    }
    let hasDense: Bool
    let hasMoE: Bool
    /// What the KV cache's and the activation's checks of the split threw, thrown by `plan` in their turn.
    let kvSplitError: (any Error)?
    let activationSplitError: (any Error)?
    /// The options `plan` reads, taken out once (a copy of MemoryOptions, with its dtypes' names and quantization,
    /// cost more than the arithmetic they feed).
    let computeDType: DType
    let activationRatio: Double?
    let logitsAll: Bool
    let tp: Int, ep: Int, devices: Int

    public init(model: ModelSpec, options: MemoryOptions) throws {
        self.model = model
        self.options = options
        weights = try model.weights(options: options)
        // The KV cache splits over tp and pp (not ep); the activation over tp and ep (not pp).
        let kvSplit = Parallelism(tp: options.tp, pp: options.pp)
        do { try kvSplit.check(model); kvSplitError = nil } catch { kvSplitError = error }
        do { try Parallelism(tp: options.tp, ep: options.ep).check(model); activationSplitError = nil } catch {
            activationSplitError = error
        }
        kvPerLayer = Double(model.kvElementsPerTokenPerLayer(tp: options.tp)) * options.cacheDType.bytes
        let stages = kvSplit.stages(layers: model.layers)
        kvStages = zip(stages, model.stageLayers(stages)).map { range, counts in
            KVStage(full: range.count - counts.sliding, sliding: counts.sliding)
        }
        hasDense = model.layerCount(.dense, in: 0..<model.layers) > 0
        hasMoE = model.layerCount(.moe, in: 0..<model.layers) > 0
        computeDType = options.computeDType
        activationRatio = options.activationRatio
        logitsAll = options.logits == .all
        tp = options.tp
        ep = options.ep
        devices = options.parallelism.devices
    }

    /// Per-chip memory of a prefill of `batch` sequences of `seq` tokens on `gpu`.
    public func plan(gpu: Accelerator, batch: Int, seq: Int) throws -> MemoryPlan {
        try gpu.validate()
        return try plan(capacity: gpu.capacity, batch: batch, seq: seq)
    }

    /// The same on a chip of `capacity` bytes that has passed `Accelerator.validate` (a sweep validates its
    /// accelerator once).
    public func plan(capacity: Double, batch: Int, seq: Int) throws -> MemoryPlan {
        try Argument.positive(batch, "batch")
        try Argument.positive(seq, "seq")
        if let e = kvSplitError { throw e }
        var layerPeak: Double, logitsPeak: Double
        if let ratio = activationRatio {
            layerPeak = ratio * weights.bytes  // activation(ratio:), from the weights already counted
            logitsPeak = layerPeak
        } else {
            if let e = activationSplitError { throw e }
            let tokens = try model.activationTokens(batch: batch, seq: seq)
            var peak = -Double.infinity
            logitsPeak = model.activationPhases(
                batch: batch, seq: seq, tokens: tokens, dtype: computeDType, logitRows: logitsAll ? nil : batch,
                logitBytes: computeDType.bytes, tp: tp, ep: ep, hasDense: hasDense, hasMoE: hasMoE
            ) { _, bytes in peak = max(peak, bytes) }
            layerPeak = peak
        }
        // As ModelSpec.kvCache: sliding layers keep at most the window's tokens of each sequence.
        let windowTokens = min(seq, model.slidingWindow ?? seq)
        var best: MemoryPlan?
        let stageCount = min(weights.stageBytes.count, kvStages.count)  // equal: both split the layers by pp
        for s in 0..<stageCount {
            let stage = kvStages[s]
            let tokens = Double(batch) * (Double(stage.full) * Double(seq) + Double(stage.sliding) * Double(windowTokens))
            let kv = tokens * kvPerLayer
            // Logits exist only on the last stage; every stage runs decoder layers.
            let act = s == stageCount - 1 ? max(layerPeak, logitsPeak) : layerPeak
            let total = weights.stageBytes[s] + kv + act
            if total > (best?.total ?? -1) {
                best = MemoryPlan(weights: weights.stageBytes[s], kvCache: kv, activation: act, total: total,
                                  capacity: capacity, free: capacity - total, fits: total <= capacity,
                                  utilization: total / capacity, stage: s, devices: devices)
            }
        }
        guard let plan = best else { throw EngineError("the model has no layers", argument: "num_hidden_layers") }
        return plan
    }
}
