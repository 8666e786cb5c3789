/// One piece of the baseline's advice, as values: what to change, to what, and the sentence the baseline prints.
public struct Advice: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The model's weights leave no memory for KV cache.
        case noRoom = "no_room"
        /// Hit rate under 50 %: more memory or fewer arrivals.
        case moreMemory = "more_memory"
        /// Cache utilization under 30 %: less memory or more load.
        case lessMemory = "less_memory"
        /// KV cache in a 16- or 32-bit dtype: FP8 halves (or quarters) it.
        case fp8KV = "fp8_kv"
        /// Active conversations exceed twice the cached ones: add replicas.
        case scaleOut = "scale_out"
        /// None of the rules fired.
        case reasonable
    }

    public var kind: Kind
    /// The argument the advice would change ("memory", "arrival", "kv_dtype", "replicas"), if any.
    public var argument: String?
    /// A suggested value for `argument` in base units (bytes, conv/s, bytes per element, replicas), if one follows.
    public var value: Double?
    public var message: String

    public init(kind: Kind, argument: String? = nil, value: Double? = nil, message: String) {
        self.kind = kind
        self.argument = argument
        self.value = value
        self.message = message
    }

    /// The baseline's rules, in its order. Suggested values come from the seed model's exact inversion.
    static func rules(_ w: HitRateWorkload, hitRate: Double, utilization: Double, cached: Double) -> [Advice] {
        var out: [Advice] = []
        let active = w.activeConversations
        if w.cacheRoom <= 0 {
            out.append(Advice(kind: .noRoom, argument: "memory", value: 1.2 * w.modelSize + w.memoryPerToken * w.turns * w.seq,
                              message: "The model (1.2 × model_size) leaves no memory for KV cache; use more memory or a smaller model."))
        }
        if hitRate < 0.5 {
            // Memory that gives 50 % under the seed model; none when turns ≤ 2 caps the hit rate at or below 50 %.
            let memory = try? memoryFor(w, target: 0.5).exactMemory
            out.append(Advice(kind: .moreMemory, argument: "memory", value: memory,
                              message: "The hit rate is under 50 %: add KV-cache memory or reduce the arrival rate."))
        }
        if utilization < 0.3 {
            // The arrival rate that would fill 30 % of the cache.
            let fits = SeedModel.maxCachedConversations(w)
            let arrival = fits > 0 ? 0.3 * fits / (w.turns * w.interval) : nil
            out.append(Advice(kind: .lessMemory, argument: "arrival", value: arrival,
                              message: "Cache utilization is under 30 %: less memory would do, or the cache can serve more load."))
        }
        if w.kvBytes == 2 || w.kvBytes == 4 {
            out.append(Advice(kind: .fp8KV, argument: "kv_dtype", value: 1,
                              message: "The KV cache is 16- or 32-bit: an FP8 KV cache holds \(w.kvBytes >= 4 ? 4 : 2)× the tokens."))
        }
        if active > 2 * cached {
            let replicas = cached > 0 ? (active / cached).rounded(.up) : nil
            out.append(Advice(kind: .scaleOut, argument: "replicas", value: replicas,
                              message: "Active conversations exceed twice the cached ones: scale out to more replicas."))
        }
        if out.isEmpty {
            out.append(Advice(kind: .reasonable, message: "The configuration is reasonable."))
        }
        return out
    }
}

/// The baseline's advice for a workload as values a notebook can print; the hit rate comes from `method`.
public func suggest(_ w: HitRateWorkload, method: HitRateMethod = .seed) throws -> [Advice] {
    let report = try hitRate(w, method: method)
    return Advice.rules(w, hitRate: report.hitRate, utilization: report.cacheUtilization,
                        cached: report.cachedConversations)
}
