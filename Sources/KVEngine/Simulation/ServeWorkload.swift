/// What `serve` runs: requests with arrival times, prompt and output lengths, and the prompt's prefix-chained
/// block ids (a `Trace`), plus the tokens each id covers.
public struct ServeWorkload: Sendable {
    /// Requests in arrival order; timestamps in milliseconds (the Mooncake convention).
    public var trace: Trace
    /// Tokens one block id covers: 512 for Mooncake traces. A prompt's last id may cover fewer (a partial block).
    /// This is also the simulator's cache unit: the KV pool is counted in blocks of this many tokens.
    public var blockTokens: Int

    public init(trace: Trace, blockTokens: Int = 512) {
        self.trace = trace
        self.blockTokens = blockTokens
    }

    public var requests: Int { trace.requests }

    /// Checks the block size, that arrival times are finite (below 10^15 ms) and that every request's ids cover its
    /// prompt: ceil(input / blockTokens) ids.
    public func validate() throws {
        guard blockTokens >= 1, blockTokens <= 1 << 20 else {
            throw EngineError("block_size must be between 1 and 1,048,576 tokens, got \(blockTokens)", argument: "block_size")
        }
        for r in 0..<trace.requests {
            guard trace.timestamps[r].isFinite, abs(trace.timestamps[r]) < 1e15 else {
                throw EngineError("\(trace.name): request \(r + 1) arrives at \(trace.timestamps[r]) ms, out of range",
                                  argument: "workload")
            }
            let input = trace.inputLengths[r], ids = trace.blockStart[r + 1] - trace.blockStart[r]
            guard input >= 1 else {
                throw EngineError("\(trace.name): request \(r + 1) has no prompt tokens", argument: "workload")
            }
            let want = (input - 1) / blockTokens + 1
            guard ids == want else {
                throw EngineError("\(trace.name): request \(r + 1) has \(ids) block ids for \(input) prompt tokens; "
                                  + "\(blockTokens)-token blocks need \(want)", argument: "workload")
            }
        }
    }
}

/// How a synthetic workload's requests arrive.
public enum ServeArrival: Sendable, Equatable {
    /// Every request at time 0 (an offline batch).
    case allAtOnce
    /// Independent requests, Poisson at `rate` per second.
    case poisson(rate: Double)
    /// Conversations as `hit_rate`'s model has them: new conversations Poisson at `rate` per second, `turns`
    /// requests each, exponential gaps of mean `interval` seconds between a conversation's requests. Each request
    /// adds `input` new tokens and resends the whole conversation so far: turn k's prompt is k × input tokens.
    case conversations(rate: Double, turns: Int, interval: Double)
}
