/// The smallest split that fits, from `minDevices`.
public struct DeviceCount: Sendable, Equatable {
    public var devices: Int
    public var tp: Int
    public var pp: Int
    public var plan: MemoryPlan
}

extension ModelSpec {
    /// The largest batch of `seq`-token sequences that fits on `gpu` (0 when not even one does).
    public func maxBatch(gpu: Accelerator, seq: Int, options: MemoryOptions = MemoryOptions()) throws -> Int {
        try Argument.positive(seq, "seq")
        return try largestFitting { try memory(gpu: gpu, batch: $0, seq: seq, options: options).fits }
    }

    /// The longest sequence, in tokens, that fits on `gpu` at `batch` (0 when not even one token does).
    public func maxSeq(gpu: Accelerator, batch: Int, options: MemoryOptions = MemoryOptions()) throws -> Int {
        try Argument.positive(batch, "batch")
        return try largestFitting { try memory(gpu: gpu, batch: batch, seq: $0, options: options).fits }
    }

    /// The fewest chips for which the prefill fits. Tensor parallelism goes first, over powers of two
    /// (1, 2, 4, …) that the model can be split by; past the largest such tp, pipeline stages are added
    /// (pp = 2, 3, … up to the layers). Other options (dtype, ep, …) are kept as given.
    /// Throws (argument "gpu") when nothing fits.
    public func minDevices(gpu: Accelerator, batch: Int, seq: Int, options: MemoryOptions = MemoryOptions()) throws -> DeviceCount {
        var o = options
        o.pp = 1
        var lastValidTP: Int?
        var tp = 1
        while tp <= max(heads, 1) {
            o.tp = tp
            if (try? o.parallelism.check(self)) != nil {
                lastValidTP = tp
                let plan = try memory(gpu: gpu, batch: batch, seq: seq, options: o)
                if plan.fits { return DeviceCount(devices: tp, tp: tp, pp: 1, plan: plan) }
            }
            tp *= 2
        }
        if let best = lastValidTP {
            o.tp = best
            for pp in stride(from: 2, through: layers, by: 1) {
                o.pp = pp
                let plan = try memory(gpu: gpu, batch: batch, seq: seq, options: o)
                if plan.fits { return DeviceCount(devices: best * pp, tp: best, pp: pp, plan: plan) }
            }
        }
        throw EngineError("\(name) does not fit on any number of \(gpu.name) at batch \(batch), seq \(seq)", argument: "gpu")
    }

    /// The largest n ≥ 1 with fits(n), assuming fits is monotone (0 when fits(1) is false); n stays below 2^40.
    private func largestFitting(_ fits: (Int) throws -> Bool) throws -> Int {
        guard try fits(1) else { return 0 }
        var lo = 1, hi = 2
        let limit = 1 << 40
        while hi < limit, try fits(hi) {
            lo = hi
            hi *= 2
        }
        if hi >= limit { return lo }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try fits(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }
}
