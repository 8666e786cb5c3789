/// The outcome of replaying a trace through a prefix cache.
public struct ReplayResult: Sendable, Equatable {
    public var policy: EvictionPolicy
    /// Capacity in blocks, as asked (may exceed the trace's distinct blocks).
    public var capacity: Int
    public var blockSize: Int
    public var requests: Int
    /// Blocks looked up: every request's whole hash_ids list.
    public var lookups: Int
    /// Blocks served from cache: each request's longest cached prefix.
    public var hits: Int
    /// Prompt tokens served from cache: hit blocks × block size, capped per request at its input length.
    public var hitTokens: Int
    /// Sum of the requests' input lengths.
    public var inputTokens: Int

    /// hits / lookups (0 for an empty trace).
    public var blockHitRate: Double { lookups > 0 ? Double(hits) / Double(lookups) : 0 }
    /// hit tokens / input tokens (0 for an empty trace).
    public var tokenHitRate: Double { inputTokens > 0 ? Double(hitTokens) / Double(inputTokens) : 0 }
}

/// Replays the trace at `path`: see `replay(_:capacity:policy:blockSize:)`.
public func replay(path: String, capacity: Int, policy: EvictionPolicy = .lru, blockSize: Int = 512) throws
    -> ReplayResult {
    try checkReplayArguments(capacity: capacity, blockSize: blockSize)
    // Large traces: read on this thread while another replays (ReplayPipeline.swift), and maps the file's pages
    // while this one starts reading.
    let pipelined = policy != .lfu && ReplayPipeline.hasSecondProcessor
    let data = try TraceReader.readBytes(path: path, populate: !pipelined)
    if pipelined, data.count >= ReplayPipeline.minimumBytes {
        switch try ReplayPipeline.replay(data, name: path, capacity: capacity, refreshOnHit: policy == .lru,
                                         blockSize: blockSize) {
        case .done(let result): return result
        case .unordered:
            return try replay(TraceReader.parse(data, name: path), capacity: capacity, policy: policy,
                              blockSize: blockSize)
        case .unavailable: break
        }
    }
    if let streamed = try replayStreaming(data, name: path, capacity: capacity, policy: policy, blockSize: blockSize) {
        return streamed
    }
    return try replay(TraceReader.parse(data, name: path), capacity: capacity, policy: policy, blockSize: blockSize)
}

/// Prefix-cache replay. Requests in timestamp order; a request's hit is the longest prefix of its blocks that is
/// cached; then its blocks are touched first to last: a cached block is refreshed per the policy, a new one is
/// inserted after evicting a victim when the cache is full. Nothing is pinned, so a request may evict its own
/// earlier blocks. `capacity` is in blocks; `blockSize` in tokens (512 for Mooncake traces).
public func replay(_ trace: Trace, capacity: Int, policy: EvictionPolicy = .lru, blockSize: Int = 512) throws
    -> ReplayResult {
    try checkReplayArguments(capacity: capacity, blockSize: blockSize)
    let (hits, hitTokens): (Int, Int)
    switch policy {
    case .lru: (hits, hitTokens) = run(trace, QueueCache(items: trace.distinctBlocks, capacity: capacity), blockSize)
    case .fifo: (hits, hitTokens) = run(trace, FIFOCache(items: trace.distinctBlocks, capacity: capacity), blockSize)
    case .lfu: (hits, hitTokens) = run(trace, LFUCache(items: trace.distinctBlocks, capacity: capacity), blockSize)
    }
    return ReplayResult(policy: policy, capacity: capacity, blockSize: blockSize, requests: trace.requests,
                        lookups: trace.lookups, hits: hits, hitTokens: hitTokens, inputTokens: trace.inputTokens)
}

func checkReplayArguments(capacity: Int, blockSize: Int) throws {
    guard capacity >= 0 else { throw EngineError("capacity must not be negative, got \(capacity)", argument: "capacity") }
    guard blockSize > 0 else { throw EngineError("block_size must be positive, got \(blockSize)", argument: "block_size") }
}

/// The hot loop, specialized per cache type. Returns (hit blocks, hit tokens).
private func run<C: PrefixCache>(_ trace: Trace, _ cache: C, _ blockSize: Int) -> (Int, Int) {
    trace.blocks.withUnsafeBufferPointer { blocks in
        trace.blockStart.withUnsafeBufferPointer { start in
            trace.inputLengths.withUnsafeBufferPointer { inputs in
                run(cache, blocks, start, inputs, blockSize)
            }
        }
    }
}

/// The loop itself, apart from the closures above so that the cache is a local whose state can live in registers.
private func run<C: PrefixCache>(_ initial: C, _ blocks: UnsafeBufferPointer<Int32>, _ start: UnsafeBufferPointer<Int>,
                                 _ inputs: UnsafeBufferPointer<Int>, _ blockSize: Int) -> (Int, Int) {
    var cache = initial
    defer { cache.deallocate() }
    var hits = 0
    var hitTokens = 0
    for r in 0..<inputs.count {
        let first = start[r], end = start[r + 1]
        let h = cache.replayRequest(UnsafeBufferPointer(rebasing: blocks[first..<end]))
        hits += h
        hitTokens += prefixTokens(h, inputs[r], blockSize)
    }
    return (hits, hitTokens)
}
