/// Mean and percentiles of one measure over the requests (percentiles interpolated linearly between order
/// statistics, as numpy's default).
public struct Percentiles: Sendable, Equatable {
    public var mean = 0.0, p50 = 0.0, p90 = 0.0, p99 = 0.0

    public init(mean: Double = 0, p50: Double = 0, p90: Double = 0, p99: Double = 0) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
    }
}

/// The replica's state at one time, for `serve_timeline`.
public struct ServeSample: Sendable, Equatable {
    /// Seconds since the first arrival.
    public var time: Double
    public var running: Int
    public var waiting: Int
    /// Pool blocks held by running requests.
    public var blocksInUse: Int
    /// Blocks holding a reusable prefix that no running request holds (vllm: hashed blocks in the free queue;
    /// sglang: unlocked tree nodes; lru: the side cache's blocks).
    public var cachedBlocks: Int
}

/// What `serve` measured.
public struct ServeResult: Sendable {
    public var requests = 0
    /// Prompt tokens, and those served from the prefix cache when each request was first scheduled (HBM and DRAM).
    public var promptTokens = 0, hitTokens = 0
    /// Prompt block ids looked up (all of every request's ids) and those hit; `dramHitBlocks` of them from DRAM.
    public var lookups = 0, hitBlocks = 0, dramHitBlocks = 0
    /// Time to first token, time per output token after the first (requests with at least 2 output tokens) and
    /// end-to-end latency, in seconds; TTFT and e2e include the latency engine's per-request overhead.
    public var ttft = Percentiles(), tpot = Percentiles(), e2e = Percentiles()
    public var outputTokens = 0
    /// Requests preempted (by recomputation) when blocks ran out, counted once per preemption.
    public var preemptions = 0
    /// Seconds from the first arrival to the last token; engine steps taken.
    public var duration = 0.0
    public var steps = 0
    /// Pool size in blocks of `blockTokens` tokens.
    public var capacityBlocks = 0, blockTokens = 0
    /// Pool blocks held by running requests: peak and time-weighted mean; tokens those requests had computed.
    public var peakKVBlocks = 0, meanKVBlocks = 0.0
    public var peakKVTokens = 0, meanKVTokens = 0.0
    /// At most `timelinePoints` samples, evenly spaced in time.
    public var timeline: [ServeSample] = []

    /// hitTokens / promptTokens (0 for an empty workload).
    public var hitRate: Double { promptTokens > 0 ? Double(hitTokens) / Double(promptTokens) : 0 }
    /// hitBlocks / lookups.
    public var blockHitRate: Double { lookups > 0 ? Double(hitBlocks) / Double(lookups) : 0 }
    /// Output tokens per second over `duration`.
    public var throughput: Double { duration > 0 ? Double(outputTokens) / duration : 0 }
}
