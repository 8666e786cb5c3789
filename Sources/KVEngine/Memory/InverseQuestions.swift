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
        return try largestFitting(what: "sequences of \(seq) tokens", on: gpu) {
            try memory(gpu: gpu, batch: $0, seq: seq, options: options).fits
        }
    }

    /// The longest sequence, in tokens, that fits on `gpu` at `batch` (0 when not even one token does).
    public func maxSeq(gpu: Accelerator, batch: Int, options: MemoryOptions = MemoryOptions()) throws -> Int {
        try Argument.positive(batch, "batch")
        return try largestFitting(what: "tokens per sequence at batch \(batch)", on: gpu) {
            try memory(gpu: gpu, batch: batch, seq: $0, options: options).fits
        }
    }

    /// The fewest chips for which the prefill fits. Tensor parallelism goes first, over powers of two
    /// (1, 2, 4, …) that the model can be split by; past the largest such tp, pipeline stages are added
    /// (pp = 2, 3, … up to the layers), the fewest found by bisection: a stage's layers, and so its bytes, never
    /// grow with pp, and each try costs O(layers), so the search is O(layers × log layers), not quadratic.
    /// Other options (dtype, ep, …) are kept as given.
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
            var options = o
            func plan(_ pp: Int) throws -> MemoryPlan {
                options.pp = pp
                return try memory(gpu: gpu, batch: batch, seq: seq, options: options)
            }
            if layers >= 2, try plan(layers).fits {
                var lo = 1, hi = layers  // fits(hi); lo = 1 (tp alone) was tried above and does not fit
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if try plan(mid).fits { hi = mid } else { lo = mid }
                }
                let fitting = try plan(hi)
                return DeviceCount(devices: try Checked.mul(best, hi, argument: "gpu"), tp: best, pp: hi, plan: fitting)
            }
        }
        throw EngineError("\(name) does not fit on any number of \(gpu.name) at batch \(batch), seq \(seq)", argument: "gpu")
    }

    /// The most a search goes to: past it the answer says nothing about a real deployment, and doubling further
    /// would overflow the products of the plan.
    public static let searchLimit = 1 << 40

    /// The largest n ≥ 1 with fits(n), assuming fits is monotone (0 when fits(1) is false). When even
    /// `searchLimit` fits, it is an error (argument "gpu") rather than a silently capped answer.
    private func largestFitting(what: String, on gpu: Accelerator, _ fits: (Int) throws -> Bool) throws -> Int {
        guard try fits(1) else { return 0 }
        var lo = 1, hi = 2
        while hi <= Self.searchLimit, try fits(hi) {
            lo = hi
            hi *= 2
        }
        if hi > Self.searchLimit {
            throw EngineError("more than \(Self.searchLimit) \(what) fit on \(gpu.name) (2^40, where the search stops): "
                              + "is its memory right?", argument: "gpu")
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try fits(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }
}
