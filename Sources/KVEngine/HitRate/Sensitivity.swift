/// One input's effect on the hit rate.
public struct SensitivityRow: Sendable, Equatable {
    /// The builtin argument's name ("memory", "turns", …; "kv_dtype" is the bytes per element).
    public var input: String
    public var value: Double
    /// The hit rate at the workload as given.
    public var hitRate: Double
    /// d ln(hit rate) / d ln(input): the percent change of the hit rate per percent change of the input.
    /// nil when the hit rate is 0 (no relative change is defined).
    public var elasticity: Double?
}

/// The hit rate's elasticity to each input, by central differences (x × (1 ± step)); one-sided where a step
/// would leave the valid range (turns just above 1). The seed model's inputs enter only through a few
/// combinations, so some rows repeat others: layers, kv_heads, head_dim and kv_dtype act through the bytes per
/// token; arrival and interval through the active conversations.
public func sensitivity(_ w: HitRateWorkload, method: HitRateMethod = .seed, step: Double = 0.01) throws
    -> [SensitivityRow] {
    guard step.isFinite, step > 0, step < 0.5 else {
        throw EngineError("step must be between 0 and 0.5, got \(step)", argument: "step")
    }
    let h0 = try hitRate(w, method: method).hitRate
    let inputs: [(String, WritableKeyPath<HitRateWorkload, Double>)] = [
        ("memory", \.memory), ("model_size", \.modelSize), ("turns", \.turns), ("arrival", \.arrival),
        ("interval", \.interval), ("seq", \.seq), ("layers", \.layers), ("kv_heads", \.kvHeads),
        ("head_dim", \.headDim), ("kv_dtype", \.kvBytes),
    ]
    return inputs.map { name, path in
        let x = w[keyPath: path]
        func at(_ factor: Double) -> Double? {
            var v = w
            v[keyPath: path] = x * factor
            return try? hitRate(v, method: method).hitRate
        }
        let elasticity: Double?
        if h0 <= 0 {
            elasticity = nil
        } else if x == 0 {
            elasticity = 0  // x × dh/dx vanishes at x = 0
        } else {
            switch (at(1 - step), at(1 + step)) {
            case let (lo?, hi?): elasticity = (hi - lo) / (2 * step) / h0
            case let (nil, hi?): elasticity = (hi - h0) / step / h0
            case let (lo?, nil): elasticity = (h0 - lo) / step / h0
            case (nil, nil): elasticity = nil
            }
        }
        return SensitivityRow(input: name, value: x, hitRate: h0, elasticity: elasticity)
    }
}
