/// The analytical hit-rate methods. `seed` is the baseline calculator's model, reproduced exactly.
public enum HitRateMethod: String, Sendable, CaseIterable {
    /// Baseline: `1 − 1/turns` when every active conversation fits, else scaled by the share that fits.
    case seed
    /// Token-level hit rate with the time-averaged footprint (see `TokenModel`).
    case tokens
    /// LRU by the characteristic-time (Che) approximation, exponential think times.
    case lru
    /// LRU by the Che approximation, fixed think times (every gap equals `interval`).
    case lruFixed = "lru_fixed"
}

/// The baseline's record of outputs. Every field is a plain number in base units.
public struct HitRateReport: Sendable, Equatable {
    public var method: HitRateMethod
    /// Share of prefill served from cache (per request for `seed`, per token for the other methods).
    public var hitRate: Double
    /// KV bytes per token.
    public var memoryPerToken: Double
    /// Whole tokens that fit in the cache (0 when the model leaves no room).
    public var maxCachedTokens: Double
    /// Conversations whose whole history (turns × seq tokens) fits in the cache.
    public var maxCachedConversations: Double
    /// Conversations in the system (Little's law).
    public var activeConversations: Double
    /// min(active, max cached).
    public var cachedConversations: Double
    /// min(active / max cached, 1); 1 when nothing can be cached.
    public var cacheUtilization: Double
    /// Bytes left for the KV cache: max(memory − 1.2 × model_size, 0).
    public var cacheMemory: Double
    /// Requests per second = arrival × turns.
    public var qps: Double
    /// Prefill tokens per second = qps × seq.
    public var tokensPerSecond: Double
    /// Tokens per second served from cache = tokens_per_second × hit_rate.
    public var cacheHitsPerSecond: Double
    /// Estimated latency reduction = hit_rate × 30 % (the baseline's stated assumption).
    public var latencyReduction: Double
    /// Share of the accelerator memory that holds KV cache in use:
    /// cached_conversations × turns × seq × memory_per_token / memory (0 when memory is 0).
    /// Unlike `cacheUtilization` (relative to the cache), it shows how much of the whole device earns hits.
    public var memoryEfficiency: Double
    /// The baseline's advice, as sentences.
    public var advice: [String]
}

/// The baseline ("seed") model, exactly as the baseline computes it.
public enum SeedModel {
    /// The seed hit rate: `1 − 1/turns` when `active ≤ max_cached_conversations`, else
    /// `(1 − 1/turns) × max_cached_conversations / active`; clamped to [0, 1], 0 when nothing can be cached.
    public static func hitRate(_ w: HitRateWorkload) throws -> Double {
        try w.validate()
        return seedHitRate(w)
    }

    /// Conversations whose whole history fits: max_cached_tokens / (turns × seq).
    static func maxCachedConversations(_ w: HitRateWorkload) -> Double {
        w.maxCachedTokens / (w.turns * w.seq)
    }

    static func seedHitRate(_ w: HitRateWorkload) -> Double {
        let fits = maxCachedConversations(w)
        guard fits > 0 else { return 0 }
        let ceiling = 1 - 1 / w.turns
        let active = w.activeConversations
        let h = active <= fits ? ceiling : ceiling * fits / active
        return min(max(h, 0), 1)
    }
}

extension HitRateReport {
    /// The baseline's derived outputs around a hit rate computed by `method`.
    /// Assumes `w` is valid.
    init(_ w: HitRateWorkload, method: HitRateMethod, hitRate: Double) {
        let fits = SeedModel.maxCachedConversations(w)
        let active = w.activeConversations
        let cached = min(active, fits)
        // The baseline documents qps as `arrival × seq / interval` (tokens per second squared, not a request rate);
        // its code computes `arrival × turns`, the real request rate, which kvcalc follows.
        let qps = w.arrival * w.turns
        let tokensPerSecond = qps * w.seq
        self.method = method
        self.hitRate = hitRate
        memoryPerToken = w.memoryPerToken
        maxCachedTokens = w.maxCachedTokens
        maxCachedConversations = fits
        activeConversations = active
        cachedConversations = cached
        cacheUtilization = fits > 0 ? min(active / fits, 1) : 1
        cacheMemory = max(w.cacheRoom, 0)
        self.qps = qps
        self.tokensPerSecond = tokensPerSecond
        cacheHitsPerSecond = tokensPerSecond * hitRate
        latencyReduction = hitRate * 0.30
        memoryEfficiency = w.memory > 0 ? cached * w.turns * w.seq * w.memoryPerToken / w.memory : 0
        advice = Advice.rules(w, hitRate: hitRate, utilization: cacheUtilization, cached: cached).map(\.message)
    }
}
