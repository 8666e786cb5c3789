/// What a prefix-cache policy tells the scheduler when a request is first (or again) scheduled.
struct ServeHit {
    /// Blocks found in HBM and, after them, in the DRAM tier (to be reloaded).
    var hbm = 0, dram = 0
    /// Prompt tokens the request skips computing (always below its token count: the last token is computed).
    var tokens = 0
    /// What the hit-rate statistics count: blocks and prompt tokens served from cache.
    var statBlocks = 0, statTokens = 0
}

/// A request's prompt block ids, as the caches read them: the trace's ids and how many of them are full blocks
/// (cacheable), the last one being partial when the prompt is not a multiple of the block size.
struct RequestIds {
    let blocks: [Int32]
    let start: [Int]
    let full: [Int32]
    let blockTokens: Int

    init(_ w: ServeWorkload) {
        blocks = w.trace.blocks
        start = w.trace.blockStart
        blockTokens = w.blockTokens
        full = w.trace.inputLengths.map { Int32($0 / w.blockTokens) }
    }

    @inline(__always) func id(_ r: Int, _ i: Int) -> Int32 { blocks[start[r] + i] }
    @inline(__always) func count(_ r: Int) -> Int { start[r + 1] - start[r] }
}

/// A prefix-cache policy over the replica's KV pool. `admit` and `grow` either take the blocks asked for or change
/// nothing and return false; the scheduler then stops admitting, or preempts. Generic, so that the loop is
/// specialized per policy.
protocol ServeCache {
    /// Blocks held by running requests, and blocks holding reusable prefixes that no running request holds.
    var blocksInUse: Int { get }
    var cachedBlocks: Int { get }
    /// DRAM-tier blocks reloaded since the last call (their transfer time goes into the step).
    mutating func takeReloadedBlocks() -> Int
    /// The usable prefix hit of request `r` whose current token count is `tokens`.
    mutating func lookup(_ r: Int, tokens: Int) -> ServeHit
    /// Admits `r` with `hit`, holding `totalBlocks` blocks in all (the hit's included).
    mutating func admit(_ r: Int, _ hit: ServeHit, totalBlocks: Int) -> Bool
    /// Gives running `r` `n` more blocks.
    mutating func grow(_ r: Int, by n: Int) -> Bool
    /// `r`'s blocks now cover `tokens` tokens that this step computes (vLLM caches full blocks here).
    mutating func scheduled(_ r: Int, tokens: Int)
    /// `r` has computed `tokens` tokens (SGLang inserts its finished chunks here).
    mutating func computed(_ r: Int, tokens: Int)
    /// `r` finished or was preempted: its blocks go back.
    mutating func release(_ r: Int)
}

/// `cache: "none"`: a pool of blocks and nothing kept.
struct NoPrefixCache: ServeCache {
    let capacity: Int
    var free: Int
    var held: [Int]

    init(capacity: Int, requests: Int) {
        self.capacity = capacity
        free = capacity
        held = [Int](repeating: 0, count: requests)
    }

    var blocksInUse: Int { capacity - free }
    var cachedBlocks: Int { 0 }
    mutating func takeReloadedBlocks() -> Int { 0 }
    func lookup(_ r: Int, tokens: Int) -> ServeHit { ServeHit() }
    mutating func admit(_ r: Int, _ hit: ServeHit, totalBlocks: Int) -> Bool { grow(r, by: totalBlocks) }
    mutating func grow(_ r: Int, by n: Int) -> Bool {
        guard n <= free else { return false }
        free -= n
        held[r] += n
        return true
    }
    func scheduled(_ r: Int, tokens: Int) {}
    func computed(_ r: Int, tokens: Int) {}
    mutating func release(_ r: Int) {
        free += held[r]
        held[r] = 0
    }
}

/// `cache: "lru"`: `replay`'s cache beside the running requests, which it does not limit. A request's lookup
/// (when it is first scheduled; without preemption there is no second) is replay's: the longest cached prefix of
/// all its ids, the partial last one included, then every id touched first to last. The request still computes its
/// last prompt token.
struct SideLRUCache: ServeCache {
    let cache: OwnedLRU
    let ids: RequestIds
    let inputs: [Int]
    var inUse = 0, stored = 0
    let capacity: Int
    var held: [Int]

    init(_ w: ServeWorkload, capacity: Int) {
        ids = RequestIds(w)
        inputs = w.trace.inputLengths
        cache = OwnedLRU(items: w.trace.distinctBlocks, capacity: capacity)
        self.capacity = min(capacity, w.trace.distinctBlocks)
        held = [Int](repeating: 0, count: w.trace.requests)
    }

    var blocksInUse: Int { inUse }
    var cachedBlocks: Int { stored }
    mutating func takeReloadedBlocks() -> Int { 0 }

    mutating func lookup(_ r: Int, tokens: Int) -> ServeHit {
        let n = ids.count(r)
        var h = 0
        while h < n, cache.contains(ids.id(r, h)) { h += 1 }
        for i in 0..<n {
            let id = ids.id(r, i)
            if !cache.contains(id), stored < capacity { stored += 1 }
            cache.touch(id)
        }
        let statTokens = prefixTokens(h, inputs[r], ids.blockTokens)
        return ServeHit(hbm: 0, dram: 0, tokens: min(statTokens, tokens - 1), statBlocks: h, statTokens: statTokens)
    }

    mutating func admit(_ r: Int, _ hit: ServeHit, totalBlocks: Int) -> Bool { grow(r, by: totalBlocks) }
    mutating func grow(_ r: Int, by n: Int) -> Bool {
        inUse += n
        held[r] += n
        return true
    }
    func scheduled(_ r: Int, tokens: Int) {}
    func computed(_ r: Int, tokens: Int) {}
    mutating func release(_ r: Int) {
        inUse -= held[r]
        held[r] = 0
    }
}
