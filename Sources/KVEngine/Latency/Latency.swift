/// A request's (or a static batch's) latency: prefill, then one decode step per further output token.
public struct LatencyResult: Sendable {
    /// Time to first token: the prefill pass plus the request overhead (s).
    public var ttft: Double
    /// Mean time per output token after the first (s); 0 when output is one token.
    public var tpot: Double
    /// First token to last, the whole run (s).
    public var e2e: Double
    /// Output tokens per second of the whole batch over the run.
    public var throughput: Double
    /// The prefill pass and the decode steps summed; `decodeSteps` of them.
    public var prefill: StepCost
    public var decode: StepCost
    public var decodeSteps: Int
    /// The first and the last decode step: what bounds decode can change as the context grows.
    public var firstDecodeStep: StepCost?
    public var lastDecodeStep: StepCost?
    public var requestOverhead: Double
    /// What was assumed, for explain: dtype and KV dtype used, and the accelerator's performance.
    public var dtype: DType
    public var kvDtype: DType
    public var usesFP8: Bool
}

public struct LatencyRequest: Sendable {
    public var batch = 1
    public var input = 2048
    public var output = 128
    public var tp = 1
    public var pp = 1
    public var dtype: DType = .bf16
    /// nil: the weights' dtype when it is fp8, else bf16.
    public var kvDtype: DType?
    /// Prompt tokens served from a prefix cache: no prefill compute, their KV only read.
    public var cached = 0

    public init() {}
}

extension ModelSpec {
    /// Decode steps are summed exactly up to this many; beyond, at evenly spaced contexts (a step's cost is
    /// piecewise linear in the context, so the error is far below the model's).
    static let exactDecodeSteps = 512

    public func latency(gpu: Accelerator, _ r: LatencyRequest) throws -> LatencyResult {
        try Argument.positive(r.batch, "batch")
        try Argument.positive(r.input, "input")
        try Argument.positive(r.output, "output")
        guard r.cached >= 0, r.cached < r.input else {
            throw EngineError("cached must be at least 0 and below input (\(r.input) tokens), got \(r.cached)",
                              argument: "cached")
        }
        let kvDtype = r.kvDtype ?? (r.dtype == .fp8 ? .fp8 : .bf16)
        let m = try LatencyModel(self, gpu: gpu, tp: r.tp, pp: r.pp, dtype: r.dtype, kvDtype: kvDtype)
        let prefill = m.step(batch: r.batch, newTokens: r.input - r.cached, context: r.cached, decode: false)
        let steps = r.output - 1
        var decode = StepCost()
        var first: StepCost?, last: StepCost?
        if steps > 0 {
            first = m.step(batch: r.batch, newTokens: 1, context: r.input, decode: true)
            last = m.step(batch: r.batch, newTokens: 1, context: r.input + steps - 1, decode: true)
            if steps <= ModelSpec.exactDecodeSteps {
                for s in 0..<steps { decode = decode + m.step(batch: r.batch, newTokens: 1, context: r.input + s, decode: true) }
            } else {
                // Midpoints of equal segments, each standing for its share of the steps.
                let segments = ModelSpec.exactDecodeSteps
                let width = Double(steps) / Double(segments)
                for i in 0..<segments {
                    let context = r.input + Int((Double(i) + 0.5) * width)
                    decode = decode + m.step(batch: r.batch, newTokens: 1, context: context, decode: true).scaled(width)
                }
            }
        }
        let overhead = LatencyConstants.requestOverhead
        let ttft = prefill.time + overhead
        let e2e = ttft + decode.time
        return LatencyResult(ttft: ttft, tpot: steps > 0 ? decode.time / Double(steps) : 0, e2e: e2e,
                             throughput: Double(r.batch) * Double(r.output) / e2e, prefill: prefill, decode: decode,
                             decodeSteps: steps, firstDecodeStep: first, lastDecodeStep: last,
                             requestOverhead: overhead, dtype: r.dtype, kvDtype: kvDtype, usesFP8: m.usesFP8)
    }
}
