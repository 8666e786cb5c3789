/// Options shared by the memory questions: how the model is stored and split, and what the prefill keeps.
public struct MemoryOptions: Sendable, Equatable {
    /// Weight dtype; activations are computed in bf16 when it is quantized, else in it.
    public var dtype: DType
    /// KV-cache dtype; nil: the compute dtype.
    public var kvDtype: DType?
    public var tp: Int
    public var pp: Int
    public var ep: Int
    public var logits: LogitsKept
    /// When set, activations are this share of the chip's weights (the old rule) instead of the derivation.
    public var activationRatio: Double?
    /// When set, the weights are counted as this checkpoint stores them (dtype "auto" on a quantized model).
    public var weightQuantization: Quantization? = nil

    public init(dtype: DType = .bf16, kvDtype: DType? = nil, tp: Int = 1, pp: Int = 1, ep: Int = 1,
                logits: LogitsKept = .last, activationRatio: Double? = nil) {
        self.dtype = dtype
        self.kvDtype = kvDtype
        self.tp = tp
        self.pp = pp
        self.ep = ep
        self.logits = logits
        self.activationRatio = activationRatio
    }

    /// Field by field, the integers first: memory() in a sweep compares the options of every point with those of
    /// the planner it keeps, and the derived comparison cost as much as the point's arithmetic.
    public static func == (a: MemoryOptions, b: MemoryOptions) -> Bool {
        a.tp == b.tp && a.pp == b.pp && a.ep == b.ep && a.logits == b.logits && a.activationRatio == b.activationRatio
            && a.dtype.bits == b.dtype.bits && a.dtype == b.dtype && a.kvDtype == b.kvDtype
            && a.weightQuantization == b.weightQuantization
    }

    var computeDType: DType { dtype.isQuantized ? .bf16 : dtype }
    var cacheDType: DType { kvDtype ?? computeDType }
    var parallelism: Parallelism { Parallelism(tp: tp, pp: pp, ep: ep) }
}

/// What one chip holds during a prefill of batch × seq tokens: the stage with the largest total.
public struct MemoryPlan: Sendable, Equatable {
    public var weights: Double
    public var kvCache: Double
    public var activation: Double
    public var total: Double
    public var capacity: Double
    /// capacity − total (negative when it does not fit).
    public var free: Double
    public var fits: Bool
    /// total / capacity.
    public var utilization: Double
    /// The pipeline stage these figures are for, and the chips one replica takes (tp × pp).
    public var stage: Int
    public var devices: Int
}

extension ModelSpec {
    /// Per-chip memory of a prefill of `batch` sequences of `seq` tokens on `gpu` (MemoryPlanner.swift holds the
    /// arithmetic; a sweep keeps one planner).
    public func memory(gpu: Accelerator, batch: Int, seq: Int, options: MemoryOptions = MemoryOptions()) throws -> MemoryPlan {
        try gpu.validate()
        return try MemoryPlanner(model: self, options: options).plan(gpu: gpu, batch: batch, seq: seq)
    }
}
