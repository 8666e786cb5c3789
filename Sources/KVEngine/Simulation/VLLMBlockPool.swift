/// `cache: "vllm"`: vLLM V1's block pool (vllm/v1/core/block_pool.py and kv_cache_utils.py
/// `FreeKVCacheBlockQueue`, v0.10). Every block not held by a request sits in one free queue, a doubly linked list
/// in arrays (sentinel at index `capacity`), in allocation order at start. Allocation pops the head and drops the
/// block's hash (an eviction); a freed request's blocks are appended to the tail in reverse, so its last blocks are
/// evicted first; a hit on a queued block takes it out of the queue. A block is hashed (cached) when the step that
/// fills it is scheduled (`cache_full_blocks` in `allocate_slots`), so a request admitted later in the same step
/// can already hit it. Identical blocks computed by two requests are both kept, the first found first, as vLLM's
/// `cached_block_hash_to_block` does (it does not de-duplicate).
struct VLLMBlockPool: ServeCache {
    let capacity: Int
    let ids: RequestIds
    private var ref: [Int32]
    private var hashOf: [Int32]            // block → its id, -1 none
    private var prev: [Int32], next: [Int32]
    private var firstWithId: [Int32]       // id → first block holding it, -1 none
    private var sameIdNext: [Int32]        // block → next block holding the same id, insertion order
    private var tables: [[Int32]]          // request → its blocks, in token order
    private var registered: [Int32]        // request → blocks already hashed
    private var free: Int
    private var cachedFree = 0
    private var dram: DRAMTier
    private var reloaded = 0

    init(_ w: ServeWorkload, capacity: Int, dramBlocks: Int) {
        self.capacity = capacity
        ids = RequestIds(w)
        ref = [Int32](repeating: 0, count: capacity)
        hashOf = [Int32](repeating: -1, count: capacity)
        prev = [Int32](repeating: 0, count: capacity + 1)
        next = [Int32](repeating: 0, count: capacity + 1)
        for b in 0...capacity {
            prev[b] = Int32(b == 0 ? capacity : b - 1)
            next[b] = Int32(b == capacity ? 0 : b + 1)
        }
        if capacity == 0 { next[0] = 0; prev[0] = 0 }
        firstWithId = [Int32](repeating: -1, count: w.trace.distinctBlocks)
        sameIdNext = [Int32](repeating: -1, count: capacity)
        tables = [[Int32]](repeating: [], count: w.trace.requests)
        registered = [Int32](repeating: 0, count: w.trace.requests)
        free = capacity
        dram = DRAMTier(items: w.trace.distinctBlocks, capacity: dramBlocks)
    }

    var blocksInUse: Int { capacity - free }
    var cachedBlocks: Int { cachedFree }

    mutating func takeReloadedBlocks() -> Int {
        defer { reloaded = 0 }
        return reloaded
    }

    func lookup(_ r: Int, tokens: Int) -> ServeHit {
        let limit = min((tokens - 1) / ids.blockTokens, Int(ids.full[r]))
        var h = 0
        while h < limit, firstWithId[Int(ids.id(r, h))] >= 0 { h += 1 }
        var d = 0
        while h + d < limit, dram.contains(ids.id(r, h + d)) { d += 1 }
        let t = (h + d) * ids.blockTokens
        return ServeHit(hbm: h, dram: d, tokens: t, statBlocks: h + d, statTokens: t)
    }

    mutating func admit(_ r: Int, _ hit: ServeHit, totalBlocks: Int) -> Bool {
        // allocate_slots: the hit blocks still queued leave the queue, so they cannot also be allocated.
        var queuedHits = 0
        for i in 0..<hit.hbm where ref[Int(firstWithId[Int(ids.id(r, i))])] == 0 { queuedHits += 1 }
        let fresh = totalBlocks - hit.hbm
        guard fresh <= free - queuedHits else { return false }
        var table: [Int32] = []
        table.reserveCapacity(totalBlocks)
        for i in 0..<hit.hbm {
            let b = firstWithId[Int(ids.id(r, i))]
            if ref[Int(b)] == 0 { unlink(b) }
            ref[Int(b)] += 1
            table.append(b)
        }
        // DRAM hits: refreshed there, then loaded into fresh blocks that are hashed at once (they are full).
        for i in hit.hbm..<(hit.hbm + hit.dram) { dram.store(ids.id(r, i)) }
        for _ in 0..<fresh { table.append(pop()) }
        tables[r] = table
        registered[r] = Int32(hit.hbm)
        for i in hit.hbm..<(hit.hbm + hit.dram) { register(r, i) }
        reloaded += hit.dram
        return true
    }

    mutating func grow(_ r: Int, by n: Int) -> Bool {
        guard n <= free else { return false }
        for _ in 0..<n { tables[r].append(pop()) }
        return true
    }

    mutating func scheduled(_ r: Int, tokens: Int) {
        let full = min(tokens / ids.blockTokens, Int(ids.full[r]))
        var i = Int(registered[r])
        while i < full { register(r, i); i += 1 }
    }

    func computed(_ r: Int, tokens: Int) {}

    mutating func release(_ r: Int) {
        let table = tables[r]
        for b in table.reversed() {
            ref[Int(b)] -= 1
            if ref[Int(b)] == 0 { append(b) }
        }
        tables[r] = []
        registered[r] = 0
    }

    // MARK: the queue and the hash map

    /// Hashes the request's block `i` under its id, after any block already holding that id.
    private mutating func register(_ r: Int, _ i: Int) {
        let b = tables[r][i], id = Int(ids.id(r, i))
        registered[r] = Int32(i + 1)
        guard hashOf[Int(b)] < 0 else { return }
        hashOf[Int(b)] = Int32(id)
        var last = firstWithId[id]
        if last < 0 { firstWithId[id] = b; return }
        while sameIdNext[Int(last)] >= 0 { last = sameIdNext[Int(last)] }
        sameIdNext[Int(last)] = b
    }

    /// Takes the queue's head, evicting its hash (into the DRAM tier when it was the last copy).
    private mutating func pop() -> Int32 {
        let b = next[capacity]
        unlink(b)
        ref[Int(b)] = 1
        let id = hashOf[Int(b)]
        if id >= 0 {
            hashOf[Int(b)] = -1
            if firstWithId[Int(id)] == b {
                firstWithId[Int(id)] = sameIdNext[Int(b)]
            } else {
                var p = firstWithId[Int(id)]
                while sameIdNext[Int(p)] != b { p = sameIdNext[Int(p)] }
                sameIdNext[Int(p)] = sameIdNext[Int(b)]
            }
            sameIdNext[Int(b)] = -1
            if firstWithId[Int(id)] < 0 { dram.store(id) }
        }
        return b
    }

    private mutating func unlink(_ b: Int32) {
        let a = prev[Int(b)], c = next[Int(b)]
        next[Int(a)] = c
        prev[Int(c)] = a
        free -= 1
        if hashOf[Int(b)] >= 0 { cachedFree -= 1 }
    }

    private mutating func append(_ b: Int32) {
        let last = prev[capacity]
        next[Int(last)] = b
        prev[Int(b)] = last
        next[Int(b)] = Int32(capacity)
        prev[capacity] = b
        free += 1
        if hashOf[Int(b)] >= 0 { cachedFree += 1 }
    }
}
