/// What a multi-turn workload's prefix hits save in time to first token, from the latency model.
public struct PrefixTTFT: Sendable, Equatable {
    /// Mean TTFT over a conversation's turns with nothing cached.
    public var cold: Double
    /// Mean TTFT when every later turn finds its whole earlier conversation cached.
    public var allHits: Double
    /// Mean TTFT at the hit rate: that share of later turns hits.
    public var expected: Double
    /// 1 − expected / cold.
    public var reduction: Double
}

extension ModelSpec {
    /// The most turns prefixTTFT walks (one prefill estimate per turn, twice).
    public static let maxTTFTTurns = 10_000

    /// Turn k (1…turns) sends a prompt of k × seq tokens; on a hit its first (k − 1) × seq come from the prefix
    /// cache. `hitShare` is the share of later turns that hit (the hit rate over its ceiling, all fitting).
    public func prefixTTFT(gpu: Accelerator, turns: Int, seq: Int, hitShare: Double, dtype: DType = .bf16,
                           kvDtype: DType? = nil) throws -> PrefixTTFT {
        try Argument.positive(turns, "turns")
        try Argument.positive(seq, "seq")
        guard turns <= ModelSpec.maxTTFTTurns else {
            throw EngineError("TTFT by turn is computed for at most \(ModelSpec.maxTTFTTurns) turns, got \(turns)",
                              argument: "turns")
        }
        let share = min(1, max(0, hitShare.isFinite ? hitShare : 0))
        // One model for all turns (latency() would rebuild it per call): prefill passes only.
        let m = try LatencyModel(self, gpu: gpu, tp: 1, pp: 1, dtype: dtype, kvDtype: kvDtype ?? (dtype == .fp8 ? .fp8 : .bf16))
        _ = try Checked.mul(turns, seq)
        let overhead = LatencyConstants.requestOverhead
        var cold = 0.0, warm = 0.0
        for k in 1...turns {
            let c = m.step(batch: 1, newTokens: k * seq, context: 0, decode: false).time + overhead
            cold += c
            warm += k == 1 ? c : m.step(batch: 1, newTokens: seq, context: (k - 1) * seq, decode: false).time + overhead
        }
        let n = Double(turns)
        let expected = (cold + share * (warm - cold)) / n
        return PrefixTTFT(cold: cold / n, allHits: warm / n, expected: expected, reduction: 1 - expected / (cold / n))
    }
}
