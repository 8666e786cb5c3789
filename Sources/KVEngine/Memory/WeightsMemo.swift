import Synchronization

/// The last weight breakdown computed, by model and options. A sweep of `memory()` over batch sizes or sequence
/// lengths asks for the same model's weights at every point, and they depend only on the model and the options
/// (counting them walks every op of every layer), so the second and later points reuse them. One entry: a sweep
/// alternating between models only recomputes, as before. Errors are never remembered.
enum WeightsMemo {
    private struct Entry: Sendable {
        let model: ModelSpec
        let options: MemoryOptions
        let weights: WeightBreakdown
    }

    private static let last = Mutex<Entry?>(nil)

    static func weights(_ model: ModelSpec, _ options: MemoryOptions,
                        compute: () throws -> WeightBreakdown) throws -> WeightBreakdown {
        if let e = last.withLock({ $0 }), e.options == options, e.model == model { return e.weights }
        let w = try compute()
        last.withLock { $0 = Entry(model: model, options: options, weights: w) }
        return w
    }
}
