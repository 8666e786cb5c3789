/// "How much memory for a target hit rate?" under the seed model: the baseline's shortcut and the exact answer.
public struct MemoryForTarget: Sendable, Equatable {
    public var target: Double
    /// The baseline's shortcut: cache `active × target` conversations of `turns × seq` tokens each,
    /// plus 1.2 × model_size. Bytes.
    public var shortcutMemory: Double
    public var shortcutConversations: Double
    /// The seed hit rate that the shortcut memory actually gives (below the target whenever turns is finite).
    public var shortcutHitRate: Double
    /// The least memory at which the seed model reaches the target. Bytes.
    public var exactMemory: Double
    /// Conversations that must be cached: active × target / (1 − 1/turns).
    public var exactConversations: Double
}

/// Memory for a target hit rate under the seed model.
///
/// The baseline's shortcut caches `active × target` conversations. But the model's hit rate is
/// `(1 − 1/turns) × cached / active`: a conversation's first request always misses, so caching a share `x` of the
/// conversations gives `x × (1 − 1/turns)`, not `x`. The exact need is `active × target / (1 − 1/turns)`
/// conversations, and a target above the ceiling `1 − 1/turns` cannot be reached with any memory (an error).
/// Token counts are rounded up to whole tokens, since the model floors the tokens that fit.
public func memoryFor(_ w: HitRateWorkload, target: Double) throws -> MemoryForTarget {
    try w.validate()
    guard target.isFinite, target >= 0, target <= 1 else {
        throw EngineError("target must be a hit rate between 0 and 1, got \(target)", argument: "target")
    }
    let ceiling = 1 - 1 / w.turns
    guard target <= ceiling else {
        throw EngineError(
            "a \(target * 100) % hit rate is out of reach: with \(w.turns) turns the first request of each " +
                "conversation misses, so the seed model saturates at 1 − 1/turns = \(ceiling * 100) %",
            argument: "target")
    }
    let active = w.activeConversations
    let tokensPerConversation = w.turns * w.seq
    let shortcutConversations = active * target
    let exactConversations = target == 0 ? 0 : active * target / ceiling
    let shortcutMemory = memoryHolding(w, tokens: shortcutConversations * tokensPerConversation)
    let exactMemory = memoryHolding(w, tokens: exactConversations * tokensPerConversation)
    var atShortcut = w
    atShortcut.memory = shortcutMemory
    return MemoryForTarget(
        target: target, shortcutMemory: shortcutMemory, shortcutConversations: shortcutConversations,
        shortcutHitRate: SeedModel.seedHitRate(atShortcut), exactMemory: exactMemory,
        exactConversations: exactConversations)
}

/// Bytes that hold `tokens` (rounded up to whole tokens, less a rounding slack) plus the weights' reservation.
private func memoryHolding(_ w: HitRateWorkload, tokens: Double) -> Double {
    // The slack keeps 1e-12-sized float noise from adding a whole token.
    let whole = (tokens - 1e-9 * max(tokens, 1)).rounded(.up)
    return 1.2 * w.modelSize + max(whole, 0) * w.memoryPerToken
}
