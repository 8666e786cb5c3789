/// The largest static batch memory and the SLOs allow, and what it gives.
public struct ThroughputResult: Sendable {
    public enum Limit: String, Sendable { case memory, tpotSLO = "tpot_slo", ttftSLO = "ttft_slo" }
    public var batch: Int
    public var latency: LatencyResult
    public var limitedBy: Limit
}

/// Cost per million tokens at a price per GPU-hour.
public struct CostResult: Sendable {
    public var perMillionInput: Double
    public var perMillionOutput: Double
    public var perMillionTotal: Double
    public var gpus: Int
    public var throughput: ThroughputResult
}

extension ModelSpec {
    /// Searches batch 1…max_batch (memory of input + output tokens per request). TTFT and TPOT grow with the
    /// batch, so the largest batch meeting both SLOs is found by bisection.
    public func maxThroughput(gpu: Accelerator, _ r: LatencyRequest, memory: MemoryOptions,
                              tpotSLO: Double?, ttftSLO: Double?) throws -> ThroughputResult {
        let seq = try Checked.sum([r.input, r.output])
        let fitting = try maxBatch(gpu: gpu, seq: seq, options: memory)
        guard fitting >= 1 else {
            throw EngineError("not even one request of \(seq) tokens fits on \(gpu.name) (tp \(r.tp))", argument: "input")
        }
        func run(_ b: Int) throws -> LatencyResult {
            var q = r
            q.batch = b
            return try latency(gpu: gpu, q)
        }
        func meets(_ l: LatencyResult) -> ThroughputResult.Limit? {
            if let s = ttftSLO, l.ttft > s { return .ttftSLO }
            if let s = tpotSLO, l.tpot > s { return .tpotSLO }
            return nil
        }
        let one = try run(1)
        if let miss = meets(one) {
            let what = miss == .ttftSLO ? "TTFT \(format(one.ttft))" : "TPOT \(format(one.tpot))"
            throw EngineError("batch 1 already misses the SLO: \(what)", argument: miss.rawValue)
        }
        let top = try run(fitting)
        if meets(top) == nil { return ThroughputResult(batch: fitting, latency: top, limitedBy: .memory) }
        var lo = 1, hi = fitting, best = one          // lo meets the SLOs, hi does not
        var limit = meets(top) ?? .memory
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            let l = try run(mid)
            if let miss = meets(l) { hi = mid; limit = miss } else { lo = mid; best = l }
        }
        return ThroughputResult(batch: lo, latency: best, limitedBy: limit)
    }

    /// GPU time × price: the prefill's share charged to the input tokens, the decode's to the output tokens.
    public func cost(gpu: Accelerator, pricePerSecond: Double, _ r: LatencyRequest, memory: MemoryOptions,
                     tpotSLO: Double?, ttftSLO: Double?) throws -> CostResult {
        let t = try maxThroughput(gpu: gpu, r, memory: memory, tpotSLO: tpotSLO, ttftSLO: ttftSLO)
        let gpus = r.tp * r.pp
        let perSecond = pricePerSecond * Double(gpus)
        let b = Double(t.batch), l = t.latency
        return CostResult(perMillionInput: perSecond * l.ttft / (b * Double(r.input)) * 1e6,
                          perMillionOutput: perSecond * (l.e2e - l.ttft) / (b * Double(max(1, r.output - 1))) * 1e6,
                          perMillionTotal: perSecond * l.e2e / (b * Double(r.input + r.output)) * 1e6,
                          gpus: gpus, throughput: t)
    }

    private func format(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : "\((seconds * 100).rounded() / 100) s"
    }
}
