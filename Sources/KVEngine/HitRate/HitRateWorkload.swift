/// The inputs of the analytical hit-rate models: a model's KV shape, the accelerator memory and a chat workload.
/// All values are plain numbers in base units (bytes, tokens, seconds, conversations); the language converts units.
/// Shape fields are `Double` so that sensitivity analysis can perturb every input the same way.
public struct HitRateWorkload: Sendable, Equatable {
    /// Transformer layers that hold KV cache.
    public var layers: Double
    /// Key/value heads per layer (after GQA/MQA).
    public var kvHeads: Double
    /// Dimension of one head.
    public var headDim: Double
    /// Bytes per cached element (2 for fp16/bf16, 1 for fp8, 4 for fp32).
    public var kvBytes: Double
    /// Accelerator memory in bytes.
    public var memory: Double
    /// Model weight bytes; the baseline reserves 1.2 × this for weights and overheads.
    public var modelSize: Double
    /// Requests per conversation.
    public var turns: Double
    /// New conversations per second.
    public var arrival: Double
    /// Seconds between two requests of one conversation (the think time's mean).
    public var interval: Double
    /// New tokens per request (the baseline's `seq`).
    public var seq: Double

    public init(
        layers: Double, kvHeads: Double, headDim: Double, kvBytes: Double, memory: Double, modelSize: Double,
        turns: Double, arrival: Double, interval: Double, seq: Double
    ) {
        self.layers = layers
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.kvBytes = kvBytes
        self.memory = memory
        self.modelSize = modelSize
        self.turns = turns
        self.arrival = arrival
        self.interval = interval
        self.seq = seq
    }

    /// Checks every input, throwing an `EngineError` that names the first argument at fault.
    public func validate() throws {
        try requirePositive(layers, "layers")
        try requirePositive(kvHeads, "kv_heads")
        try requirePositive(headDim, "head_dim")
        try requirePositive(kvBytes, "kv_dtype")
        try requireNonNegative(memory, "memory")
        try requireNonNegative(modelSize, "model_size")
        guard turns.isFinite, turns >= 1 else {
            throw EngineError("turns must be at least 1 request per conversation, got \(turns)", argument: "turns")
        }
        try requirePositive(arrival, "arrival")
        try requirePositive(interval, "interval")
        try requirePositive(seq, "seq")
    }

    /// KV bytes per cached token: 2 (K and V) × layers × kv_heads × head_dim × bytes per element.
    public var memoryPerToken: Double { 2 * layers * kvHeads * headDim * kvBytes }

    /// Memory left for KV cache after the baseline's 1.2 × model_size reservation (may be negative).
    public var cacheRoom: Double { memory - 1.2 * modelSize }

    /// Whole tokens that fit in the cache room; 0 when the room is not positive.
    public var maxCachedTokens: Double {
        let room = cacheRoom
        guard room > 0, memoryPerToken > 0 else { return 0 }
        return (room / memoryPerToken).rounded(.down)
    }

    /// Conversations in the system by Little's law: arrival × lifetime, lifetime = turns × interval.
    public var activeConversations: Double { arrival * turns * interval }
}

func requirePositive(_ value: Double, _ argument: String) throws {
    guard value.isFinite, value > 0 else {
        throw EngineError("\(argument) must be a positive finite number, got \(value)", argument: argument)
    }
}

func requireNonNegative(_ value: Double, _ argument: String) throws {
    guard value.isFinite, value >= 0 else {
        throw EngineError("\(argument) must be a non-negative finite number, got \(value)", argument: argument)
    }
}
