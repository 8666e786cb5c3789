extension Trace {
    /// The same requests with every timestamp multiplied by `factor`: 2 replays the trace at half its arrival rate,
    /// 0.5 at twice it (serve's `time_scale`). The order is unchanged, so the trace stays sorted.
    public func timeScaled(by factor: Double) throws -> Trace {
        guard factor.isFinite, factor > 0 else {
            throw EngineError("time_scale must be a positive, finite factor, got \(factor)", argument: "time_scale")
        }
        guard factor != 1 else { return self }
        var t = self
        t.timestamps = timestamps.map { $0 * factor }
        guard t.timestamps.allSatisfy(\.isFinite) else {
            throw EngineError("time_scale \(factor) takes the trace's timestamps past the largest number",
                              argument: "time_scale")
        }
        return t
    }
}
