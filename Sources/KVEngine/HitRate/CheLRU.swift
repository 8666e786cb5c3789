import Foundation

/// The law of the gaps between a conversation's requests.
public enum ThinkTime: String, Sendable, CaseIterable {
    /// Exponential gaps with mean `interval` (memoryless users).
    case exponential
    /// Every gap is exactly `interval`.
    case fixed
}

/// LRU by the characteristic-time (Che) approximation (`method: "lru"`, `"lru_fixed"`).
///
/// Assumptions: the token model's workload (fixed turns and seq, Poisson conversation arrivals, prompt = history +
/// seq new tokens), gaps between requests i.i.d. by the think-time law. A request touches its whole prefix, so all
/// of a conversation's cached tokens share one last-access time and age together. Che: an LRU cache of C tokens
/// holds exactly the tokens last touched less than T_C ago, with T_C fixed by the capacity equation
///     C = λ S [ T(T−1)/2 · E[min(G, T_C)] + T · T_C ]
/// (after request k < T the conversation holds kS tokens until its next request or until it ages past T_C; after the
/// last request it holds TS tokens for T_C), and a re-read after a gap G hits iff G < T_C. So the token hit rate is
/// (T−1)/(T+1) · P(G < T_C). With fixed gaps this is a cliff: all hits once C ≥ active × S(T+1)/2, none below.
public struct CheLRUResult: Sendable, Equatable {
    /// The characteristic time T_C in seconds (0 when nothing can be cached).
    public var characteristicTime: Double
    /// P(gap < T_C): the chance that a conversation's history is still cached at its next request.
    public var hitProbability: Double
    /// Share of prefill tokens served from cache.
    public var tokenHitRate: Double
    /// Share of requests whose whole history is cached (first requests count as misses).
    public var requestHitRate: Double
}

public enum CheLRU {
    /// Solves the Che capacity equation for `capacityTokens` (default: the workload's max_cached_tokens).
    public static func evaluate(_ w: HitRateWorkload, thinkTime: ThinkTime = .exponential,
                                capacityTokens: Double? = nil) throws -> CheLRUResult {
        try w.validate()
        let capacity = capacityTokens ?? w.maxCachedTokens
        try requireNonNegative(capacity, "capacity")
        let tc = characteristicTime(w, thinkTime: thinkTime, capacity: capacity)
        let p = hitProbability(w, thinkTime: thinkTime, tc: tc)
        return CheLRUResult(characteristicTime: tc, hitProbability: p,
                            tokenHitRate: (w.turns - 1) / (w.turns + 1) * p, requestHitRate: (1 - 1 / w.turns) * p)
    }

    /// Tokens an LRU cache with characteristic time `tc` holds (the right side of the capacity equation).
    static func occupancy(_ w: HitRateWorkload, thinkTime: ThinkTime, tc: Double) -> Double {
        let d = w.interval
        let meanMin: Double
        switch thinkTime {
        case .fixed: meanMin = min(d, tc)
        case .exponential: meanMin = d * -expm1(-tc / d)  // E[min(G, τ)] = d (1 − e^{−τ/d})
        }
        let t = w.turns
        return w.arrival * w.seq * (t * (t - 1) / 2 * meanMin + t * tc)
    }

    /// Bisection on the increasing occupancy; occupancy(τ) ≥ λ S T τ bounds the root by capacity / (λ S T).
    static func characteristicTime(_ w: HitRateWorkload, thinkTime: ThinkTime, capacity: Double) -> Double {
        guard capacity > 0 else { return 0 }
        var lo = 0.0
        var hi = capacity / (w.arrival * w.seq * w.turns)
        for _ in 0..<200 where hi - lo > 1e-12 * hi {
            let mid = (lo + hi) / 2
            if occupancy(w, thinkTime: thinkTime, tc: mid) < capacity { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    static func hitProbability(_ w: HitRateWorkload, thinkTime: ThinkTime, tc: Double) -> Double {
        switch thinkTime {
        case .fixed: return w.interval <= tc * (1 + 1e-9) ? 1 : 0
        case .exponential: return -expm1(-tc / w.interval)
        }
    }
}
