/// The `hit_rate` builtin: the baseline's record, with the hit rate computed by `method`.
/// The derived fields (hits per second, latency reduction, advice) follow the chosen hit rate; the capacity fields
/// are the seed model's. `seed` is per request; `tokens`, `lru` and `lru_fixed` are per prefill token.
public func hitRate(_ w: HitRateWorkload, method: HitRateMethod = .seed) throws -> HitRateReport {
    try w.validate()
    let h: Double
    switch method {
    case .seed: h = SeedModel.seedHitRate(w)
    case .tokens: h = TokenModel.tokenHitRate(w)
    case .lru: h = try CheLRU.evaluate(w, thinkTime: .exponential).tokenHitRate
    case .lruFixed: h = try CheLRU.evaluate(w, thinkTime: .fixed).tokenHitRate
    }
    return HitRateReport(w, method: method, hitRate: h)
}
