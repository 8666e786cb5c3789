/// The token-level hit rate (`method: "tokens"`).
///
/// Assumptions: every conversation has exactly `turns` requests; each request adds `seq` new tokens, and its prompt
/// is the whole history plus those tokens (outputs are not counted, as in the baseline); conversations arrive at
/// `arrival` per second and live `turns × interval` seconds; a cached conversation keeps its whole history.
///
/// Derivation. Request k (k = 1…T) of a conversation has a prompt of kS tokens, of which the (k−1)S earlier ones can
/// be served from cache. When every history is cached,
///     hits / prefill = Σ_k (k−1)S / Σ_k kS = (T(T−1)/2) / (T(T+1)/2) = (T−1)/(T+1),
/// against the seed's per-request 1 − 1/T = (T−1)/T: later turns carry more tokens, but so do their own new parts.
/// Capacity: after request k a conversation holds kS tokens for one interval, so its footprint averaged over its
/// T intervals is S(T+1)/2 (not the seed's peak TS), and by Little's law the active set needs
///     D = active × S(T+1)/2 tokens.
/// When the cache holds C < D tokens, a share C/D of that footprint is cached, giving (T−1)/(T+1) × C/D.
/// This is a fluid "share that fits" model: it ignores which conversations an eviction policy keeps (see `CheLRU`).
public enum TokenModel {
    /// Token-level hit rate; see the type's documentation for the derivation.
    public static func hitRate(_ w: HitRateWorkload) throws -> Double {
        try w.validate()
        return tokenHitRate(w)
    }

    /// Tokens the active conversations occupy on average: active × seq × (turns + 1) / 2.
    public static func demandTokens(_ w: HitRateWorkload) -> Double {
        w.activeConversations * w.seq * (w.turns + 1) / 2
    }

    static func tokenHitRate(_ w: HitRateWorkload) -> Double {
        let capacity = w.maxCachedTokens
        guard capacity > 0 else { return 0 }
        let ceiling = (w.turns - 1) / (w.turns + 1)
        return ceiling * min(capacity / demandTokens(w), 1)
    }
}
