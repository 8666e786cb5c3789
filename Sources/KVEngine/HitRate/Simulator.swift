/// The workload `simulate` runs: the analytical models' chat workload, with whole numbers where it counts.
public struct SimulationConfig: Sendable, Equatable {
    /// New conversations per second (Poisson arrivals).
    public var arrival: Double
    /// Requests per conversation.
    public var turns: Int
    /// Mean gap between a conversation's requests, seconds.
    public var interval: Double
    /// New tokens per request; request k's prompt is the k − 1 earlier requests' tokens plus these.
    public var seq: Int
    /// Cache capacity in tokens.
    public var capacityTokens: Int
    public var thinkTime: ThinkTime
    /// 1 caches single tokens; B > 1 caches only whole blocks of B tokens (a prompt's partial tail block is recomputed).
    public var blockSize: Int
    /// Conversations to simulate; the measurement ends when the last one arrives. The default (nil in the
    /// initializers) covers the warm-up and ten conversation lifetimes: arrival × 13 × turns × interval,
    /// between 20,000 and 2,000,000.
    public var conversations: Int
    /// Seconds discarded at the start; nil: three conversation lifetimes (3 × turns × interval).
    public var warmup: Double?
    /// Batches for the confidence interval.
    public var batches: Int
    public var seed: UInt64

    public init(arrival: Double, turns: Int, interval: Double, seq: Int, capacityTokens: Int,
                thinkTime: ThinkTime = .exponential, blockSize: Int = 1, conversations: Int? = nil,
                warmup: Double? = nil, batches: Int = 20, seed: UInt64 = 1) {
        self.arrival = arrival
        self.turns = turns
        self.interval = interval
        self.seq = seq
        self.capacityTokens = capacityTokens
        self.thinkTime = thinkTime
        self.blockSize = blockSize
        self.conversations = conversations ?? Self.defaultConversations(arrival, turns, interval)
        self.warmup = warmup
        self.batches = batches
        self.seed = seed
    }

    /// The workload of an analytical model, with the seed model's cache capacity (max_cached_tokens).
    /// Throws when turns or seq is not a whole number.
    public init(_ w: HitRateWorkload, thinkTime: ThinkTime = .exponential, blockSize: Int = 1,
                conversations: Int? = nil, seed: UInt64 = 1) throws {
        try w.validate()
        guard let turns = Int(exactly: w.turns) else {
            throw EngineError("simulate needs a whole number of turns, got \(w.turns)", argument: "turns")
        }
        guard let seq = Int(exactly: w.seq) else {
            throw EngineError("simulate needs a whole number of tokens per request, got \(w.seq)", argument: "seq")
        }
        guard let capacity = Int(exactly: min(w.maxCachedTokens, Double(Int32.max) * 1024)) else {
            throw EngineError("cache capacity out of range", argument: "memory")
        }
        self.init(arrival: w.arrival, turns: turns, interval: w.interval, seq: seq, capacityTokens: capacity,
                  thinkTime: thinkTime, blockSize: blockSize, conversations: conversations, seed: seed)
    }

    static func defaultConversations(_ arrival: Double, _ turns: Int, _ interval: Double) -> Int {
        let wanted = arrival * 13 * Double(turns) * interval
        guard wanted.isFinite else { return 2_000_000 }
        return Int(min(max(wanted, 20_000), 2_000_000))
    }

    func validate() throws {
        try requirePositive(arrival, "arrival")
        try requirePositive(interval, "interval")
        guard turns >= 1 else { throw EngineError("turns must be at least 1", argument: "turns") }
        guard seq >= 1 else { throw EngineError("seq must be at least 1 token", argument: "seq") }
        guard capacityTokens >= 0 else { throw EngineError("capacity must not be negative", argument: "capacity") }
        guard blockSize >= 1 else { throw EngineError("block_size must be at least 1", argument: "block_size") }
        guard conversations >= 2, conversations <= 50_000_000 else {
            throw EngineError("conversations must be between 2 and 50,000,000", argument: "conversations")
        }
        guard batches >= 2, batches <= 1000 else {
            throw EngineError("batches must be between 2 and 1000", argument: "batches")
        }
        // Keeps turns × seq (a conversation's last prompt) far from overflowing.
        guard turns < 1 << 20, seq < 1 << 30, turns * seq < 1 << 40 else {
            throw EngineError("turns × seq is too large to simulate", argument: "seq")
        }
        if let warmup { try requireNonNegative(warmup, "warmup") }
    }
}

/// What `simulate` measured after the warm-up.
public struct SimulationResult: Sendable, Equatable {
    /// Share of prompt tokens served from cache (compare with `tokens`, `lru`, `lru_fixed`).
    public var tokenHitRate: Estimate
    /// Share of requests whose whole cacheable history was cached; first requests count as misses (compare with
    /// `seed`, which counts per request).
    public var requestHitRate: Estimate
    /// Requests measured (after the warm-up, before the last arrival).
    public var requests: Int
    /// The measurement window, seconds.
    public var measuredFrom: Double
    public var measuredTo: Double
}

/// Discrete-event simulation of the chat workload through an LRU prefix cache.
///
/// Conversations arrive as a Poisson process; each makes `turns` requests separated by think times of the chosen
/// law; request k's prompt is the conversation's history (k − 1 earlier requests' tokens) plus `seq` new tokens, and
/// it hits on the cached part of that history. The cache is LRU by conversation: a request refreshes its whole
/// prefix, and eviction takes tokens (or whole blocks) from the tail of the least recently used prefix first — the
/// order a real prefix cache evicts in, since a prefix without its head is useless. Seeded: the same config gives
/// the same result. Events before `warmup` are discarded, as is everything after the last arrival (when the load
/// would start to drain).
public func simulate(_ config: SimulationConfig) throws -> SimulationResult {
    try config.validate()
    var sim = ConversationSimulator(config)
    return try sim.run()
}

private struct ConversationSimulator {
    let c: SimulationConfig
    var rng: Xoshiro256
    /// Cached units (tokens or blocks) per conversation, and its next turn (1-based).
    var cached: [Int]
    var turn: [Int32]
    /// LRU list over conversations; index `conversations` is the sentinel.
    var prev: [Int32]
    var next: [Int32]
    var used = 0
    var events = EventHeap()

    init(_ config: SimulationConfig) {
        c = config
        rng = Xoshiro256(seed: config.seed)
        cached = Array(repeating: 0, count: config.conversations)
        turn = Array(repeating: 1, count: config.conversations)
        prev = Array(repeating: -1, count: config.conversations + 1)
        next = Array(repeating: -1, count: config.conversations + 1)
        prev[config.conversations] = Int32(config.conversations)
        next[config.conversations] = Int32(config.conversations)
    }

    mutating func run() throws -> SimulationResult {
        // Arrival times first: the measurement window ends at the last one.
        var arrivals: [Double] = []
        arrivals.reserveCapacity(c.conversations)
        var t = 0.0
        for _ in 0..<c.conversations {
            t += rng.exponential(mean: 1 / c.arrival)
            arrivals.append(t)
        }
        let end = t
        guard end.isFinite else {
            throw EngineError("the arrivals do not fit in a finite time span", argument: "arrival")
        }
        let start = c.warmup ?? 3 * Double(c.turns) * c.interval
        guard start < end else {
            throw EngineError("the warm-up (\(start) s) outlasts the \(c.conversations) conversations' arrivals " +
                              "(\(end) s): simulate more conversations", argument: "conversations")
        }
        let unit = c.blockSize
        let capacity = c.capacityTokens / unit
        var hitTokens = [Double](repeating: 0, count: c.batches)
        var promptTokens = [Double](repeating: 0, count: c.batches)
        var fullHits = [Double](repeating: 0, count: c.batches)
        var requests = [Double](repeating: 0, count: c.batches)
        var measured = 0
        var nextArrival = 0
        while true {
            // The earlier of the next arrival and the next pending request.
            let conv: Int
            let now: Double
            if nextArrival < arrivals.count, events.top.map({ arrivals[nextArrival] <= $0.time }) ?? true {
                conv = nextArrival
                now = arrivals[nextArrival]
                nextArrival += 1
            } else if let e = events.pop() {
                conv = e.conversation
                now = e.time
            } else {
                break
            }
            if now > end { break }
            let k = Int(turn[conv])
            let history = (k - 1) * c.seq
            let cachedUnits = cached[conv]
            if now >= start {
                let b = min(Int((now - start) / (end - start) * Double(c.batches)), c.batches - 1)
                hitTokens[b] += Double(cachedUnits * unit)
                promptTokens[b] += Double(history + c.seq)
                if k > 1, cachedUnits == history / unit { fullHits[b] += 1 }
                requests[b] += 1
                measured += 1
            }
            store(conv, units: (history + c.seq) / unit, capacity: capacity)
            if k < c.turns {
                turn[conv] = Int32(k + 1)
                let gap = c.thinkTime == .fixed ? c.interval : rng.exponential(mean: c.interval)
                events.push(time: now + gap, conversation: conv)
            }
        }
        return SimulationResult(
            tokenHitRate: .batchMeans(numerators: hitTokens, denominators: promptTokens),
            requestHitRate: .batchMeans(numerators: fullHits, denominators: requests),
            requests: measured, measuredFrom: start, measuredTo: end)
    }

    /// Caches the conversation's prefix of `units` at the MRU end, then trims LRU prefixes from their tails.
    private mutating func store(_ conv: Int, units: Int, capacity: Int) {
        guard capacity > 0 else { return }
        if prev[conv] >= 0 { unlink(conv) }
        used += units - cached[conv]
        cached[conv] = units
        let sentinel = c.conversations
        let last = Int(prev[sentinel])
        next[last] = Int32(conv)
        prev[conv] = Int32(last)
        next[conv] = Int32(sentinel)
        prev[sentinel] = Int32(conv)
        while used > capacity {
            let victim = Int(next[sentinel])
            let take = min(used - capacity, cached[victim])
            cached[victim] -= take
            used -= take
            if cached[victim] == 0 { unlink(victim) }
        }
    }

    /// Takes a conversation out of the list; prev = −1 marks one that is out.
    private mutating func unlink(_ conv: Int) {
        let a = Int(prev[conv]), b = Int(next[conv])
        next[a] = Int32(b)
        prev[b] = Int32(a)
        prev[conv] = -1
    }
}

/// A binary min-heap of pending requests by time.
private struct EventHeap {
    private var times: [Double] = []
    private var conversations: [Int32] = []

    var top: (time: Double, conversation: Int)? {
        times.first.map { ($0, Int(conversations[0])) }
    }

    mutating func push(time: Double, conversation: Int) {
        times.append(time)
        conversations.append(Int32(conversation))
        var i = times.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard times[p] > times[i] else { break }
            times.swapAt(p, i)
            conversations.swapAt(p, i)
            i = p
        }
    }

    mutating func pop() -> (time: Double, conversation: Int)? {
        guard let first = top else { return nil }
        let lastTime = times.removeLast(), lastConv = conversations.removeLast()
        if !times.isEmpty {
            times[0] = lastTime
            conversations[0] = lastConv
            var i = 0
            while true {
                var m = i
                let l = 2 * i + 1, r = l + 1
                if l < times.count, times[l] < times[m] { m = l }
                if r < times.count, times[r] < times[m] { m = r }
                if m == i { break }
                times.swapAt(m, i)
                conversations.swapAt(m, i)
                i = m
            }
        }
        return first
    }
}
