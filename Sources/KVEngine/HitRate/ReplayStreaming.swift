import Foundation

/// Replays the trace in `data` while reading it, for LRU and FIFO, when its requests come in timestamp order (as
/// Mooncake's do): each request is replayed as soon as it is read, so no trace is built (no block list, no
/// columns: a third less fresh memory, which costs page faults and zeroing) and the ids are read while still in
/// the CPU cache. Returns nil, having replayed nothing that counts, at the first request out of order, and for LFU
/// (whose per-block tables are not lazily zeroed); the caller then parses, sorts and replays the whole trace. The
/// result is the same either way (a stable sort of an ordered trace is the file order).
func replayStreaming(_ data: Data, name: String, capacity: Int, policy: EvictionPolicy, blockSize: Int) throws
    -> ReplayResult? {
    guard policy != .lfu else { return nil }
    // Sized for every id the file could hold; untouched pages cost nothing. But the queue takes 16 bytes per block
    // of capacity: past 2^26 blocks (a huge capacity on a huge file), the full path, which sizes it by the ids the
    // trace really has, reserves less.
    let bound = TraceReader.distinctBound(data)
    guard min(capacity, bound) <= 1 << 26 else { return nil }
    let cache = QueueCache(items: bound, capacity: capacity, refreshOnHit: policy == .lru)
    defer { cache.deallocate() }
    var sink = ReplaySink(cache: cache, blockSize: blockSize)
    guard try TraceReader.stream(data, name: name, into: &sink) else { return nil }
    return ReplayResult(policy: policy, capacity: capacity, blockSize: blockSize, requests: sink.requests,
                        lookups: sink.lookups, hits: sink.hits, hitTokens: sink.hitTokens,
                        inputTokens: sink.inputTokens)
}

/// Replays each request the reader hands over, refusing the first that is earlier than the one before.
struct ReplaySink<C: PrefixCache>: TraceLineSink {
    static var keepsBlocks: Bool { false }
    var cache: C
    let blockSize: Int
    var last = -Double.infinity
    var requests = 0
    var lookups = 0
    var hits = 0
    var hitTokens = 0
    var inputTokens = 0

    init(cache: C, blockSize: Int) {
        self.cache = cache
        self.blockSize = blockSize
    }

    /// As the replay loop over a built trace.
    @inline(__always)
    mutating func take(timestamp: Double, input: Int, output: Int, blocks: UnsafeBufferPointer<Int32>) -> Bool {
        guard timestamp >= last else { return false }
        last = timestamp
        let h = cache.replayRequest(blocks)
        hits += h
        hitTokens += prefixTokens(h, input, blockSize)
        requests += 1
        lookups += blocks.count
        inputTokens += input
        return true
    }
}
