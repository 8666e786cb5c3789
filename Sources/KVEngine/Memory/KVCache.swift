/// KV-cache bytes held by one chip of the largest pipeline stage.
public struct KVCacheBreakdown: Sendable {
    /// Bytes per chip.
    public var bytes: Double
    /// Bytes one more token adds to each sequence on that chip (sliding layers already full add nothing once
    /// the sequence passes the window; this is the rate below the window).
    public var bytesPerToken: Double
    /// Layers on that chip, how many of them slide, and the tokens each sliding layer keeps per sequence.
    public var layers: Int
    public var slidingLayers: Int
    public var cachedTokensSliding: Int
    public var stage: Int
    /// Bytes per chip on every pipeline stage.
    public var stageBytes: [Double]
}

extension ModelSpec {
    /// Bytes one token's cache takes in layer `i` on one chip.
    /// Standard attention: 2 (K and V) × kv heads on the chip × head_dim. MLA caches the compressed latent and the
    /// shared rotary key, kv_lora_rank + qk_rope_head_dim, replicated on every tp rank (as vLLM and SGLang do).
    func kvElementsPerTokenPerLayer(tp: Int) -> Int {
        if let a = mla { return a.kvLoraRank + a.qkRopeHeadDim }
        return 2 * max(1, kvHeads / tp) * headDim
    }

    /// KV-cache bytes per token for the whole model (all layers, one chip holding everything).
    public func kvPerToken(kvDtype: DType = .bf16) throws -> Double {
        try validate()
        return Double(kvElementsPerTokenPerLayer(tp: 1)) * Double(layers) * kvDtype.bytes
    }

    /// KV-cache bytes per chip for `batch` sequences of `seq` tokens. Sliding-window layers keep at most
    /// `slidingWindow` tokens per sequence. Under pp the largest stage's share is reported.
    public func kvCache(batch: Int, seq: Int, kvDtype: DType = .bf16, tp: Int = 1, pp: Int = 1) throws -> KVCacheBreakdown {
        try Argument.positive(batch, "batch")
        try Argument.positive(seq, "seq")
        try validate()
        let par = Parallelism(tp: tp, pp: pp)
        try par.check(self)
        let perLayer = Double(kvElementsPerTokenPerLayer(tp: tp)) * kvDtype.bytes
        let windowTokens = min(seq, slidingWindow ?? seq)
        var best: KVCacheBreakdown?
        var stageBytes: [Double] = []
        let stages = par.stages(layers: layers)
        let counts = stageLayers(stages)
        for (s, range) in stages.enumerated() {
            let sliding = counts[s].sliding
            let full = range.count - sliding
            let tokens = Double(batch) * (Double(full) * Double(seq) + Double(sliding) * Double(windowTokens))
            let bytes = tokens * perLayer
            stageBytes.append(bytes)
            if bytes > (best?.bytes ?? -1) {
                best = KVCacheBreakdown(bytes: bytes, bytesPerToken: perLayer * Double(range.count), layers: range.count,
                                        slidingLayers: sliding, cachedTokensSliding: windowTokens, stage: s, stageBytes: [])
            }
        }
        guard var result = best else { throw EngineError("the model has no layers", argument: "num_hidden_layers") }
        result.stageBytes = stageBytes
        return result
    }
}
