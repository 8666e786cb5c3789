/// `cache: "sglang"`: SGLang's radix cache (python/sglang/srt/mem_cache/radix_cache.py, v0.4) at block
/// granularity. With prefix-chained ids every block has one parent, so a node is a block id: it exists while its
/// block is cached, its parent is the id before it. `match_prefix` walks a request's ids from the root; the
/// request locks the matched path (`inc_lock_ref`; a node is locked while any running request's path holds it).
/// A prefill chunk's full prompt blocks join the tree when the chunk is computed (`cache_unfinished_req`); a block
/// already in the tree is shared and the request's copy freed. When the free pool runs short, the least recently
/// used unlocked leaves are evicted (`evict`: a heap of leaves by last access; a parent left childless joins it).
/// Matching, inserting and releasing refresh the path's access time. An id seen under a second parent (not
/// prefix-chained) is not cached for that request from there on.
struct RadixBlockCache: ServeCache {
    let capacity: Int
    let ids: RequestIds
    private var exists: [Bool]
    private var parent: [Int32]
    private var children: [Int32]
    private var lock: [Int32]
    private var lastAccess: [Int]
    private var pathLength: [Int32]        // request → its locked path: ids 0..<pathLength
    private var privateBlocks: [Int]       // request → blocks it holds outside the tree
    private var broken: [Bool]
    private var free: Int
    private var nodes = 0, unlocked = 0, privateTotal = 0
    private var clock = 0
    private var leaves = LeafHeap()
    private var dram: DRAMTier
    private var reloaded = 0

    init(_ w: ServeWorkload, capacity: Int, dramBlocks: Int) {
        self.capacity = capacity
        ids = RequestIds(w)
        let n = w.trace.distinctBlocks
        exists = [Bool](repeating: false, count: n)
        parent = [Int32](repeating: -1, count: n)
        children = [Int32](repeating: 0, count: n)
        lock = [Int32](repeating: 0, count: n)
        lastAccess = [Int](repeating: 0, count: n)
        pathLength = [Int32](repeating: 0, count: w.trace.requests)
        privateBlocks = [Int](repeating: 0, count: w.trace.requests)
        broken = [Bool](repeating: false, count: w.trace.requests)
        free = capacity
        dram = DRAMTier(items: n, capacity: dramBlocks)
    }

    var blocksInUse: Int { nodes - unlocked + privateTotal }
    var cachedBlocks: Int { unlocked }

    mutating func takeReloadedBlocks() -> Int {
        defer { reloaded = 0 }
        return reloaded
    }

    @inline(__always) private func parentId(_ r: Int, _ i: Int) -> Int32 { i == 0 ? -1 : ids.id(r, i - 1) }

    func lookup(_ r: Int, tokens: Int) -> ServeHit {
        let limit = min((tokens - 1) / ids.blockTokens, Int(ids.full[r]))
        var h = 0
        while h < limit {
            let id = Int(ids.id(r, h))
            guard exists[id], parent[id] == parentId(r, h) else { break }
            h += 1
        }
        var d = 0
        while h + d < limit {
            let id = ids.id(r, h + d)
            guard !exists[Int(id)], dram.contains(id) else { break }
            d += 1
        }
        let t = (h + d) * ids.blockTokens
        return ServeHit(hbm: h, dram: d, tokens: t, statBlocks: h + d, statTokens: t)
    }

    mutating func admit(_ r: Int, _ hit: ServeHit, totalBlocks: Int) -> Bool {
        var unlockedHits = 0
        for i in 0..<hit.hbm where lock[Int(ids.id(r, i))] == 0 { unlockedHits += 1 }
        let fresh = totalBlocks - hit.hbm
        guard fresh <= free + unlocked - unlockedHits else { return false }
        clock += 1
        for i in 0..<hit.hbm { lockNode(Int(ids.id(r, i))) }
        pathLength[r] = Int32(hit.hbm)
        if fresh > free { evict(fresh - free) }
        free -= fresh
        // DRAM hits become tree nodes at once (loaded, full), locked by this request.
        for i in hit.hbm..<(hit.hbm + hit.dram) {
            let id = ids.id(r, i)
            dram.store(id)
            addNode(Int(id), parent: parentId(r, i))
        }
        pathLength[r] = Int32(hit.hbm + hit.dram)
        privateBlocks[r] = fresh - hit.dram
        privateTotal += fresh - hit.dram
        reloaded += hit.dram
        return true
    }

    mutating func grow(_ r: Int, by n: Int) -> Bool {
        guard n <= free + unlocked else { return false }
        if n > free { evict(n - free) }
        free -= n
        privateBlocks[r] += n
        privateTotal += n
        return true
    }

    func scheduled(_ r: Int, tokens: Int) {}

    mutating func computed(_ r: Int, tokens: Int) {
        let full = min(tokens / ids.blockTokens, Int(ids.full[r]))
        var i = Int(pathLength[r])
        guard i < full, !broken[r] else { return }
        clock += 1
        for k in 0..<i { lastAccess[Int(ids.id(r, k))] = clock }
        while i < full {
            let id = Int(ids.id(r, i)), p = parentId(r, i)
            if exists[id] {
                guard parent[id] == p else { broken[r] = true; break }
                // Already cached (another request computed it): share the node, free this request's copy.
                lockNode(id)
                privateBlocks[r] -= 1
                privateTotal -= 1
                free += 1
            } else {
                addNode(id, parent: p)
                privateBlocks[r] -= 1
                privateTotal -= 1
            }
            i += 1
        }
        pathLength[r] = Int32(i)
    }

    mutating func release(_ r: Int) {
        clock += 1
        var i = Int(pathLength[r]) - 1
        while i >= 0 {
            let id = Int(ids.id(r, i))
            lastAccess[id] = clock
            lock[id] -= 1
            if lock[id] == 0 {
                unlocked += 1
                if children[id] == 0 { leaves.push(time: clock, id: Int32(id)) }
            }
            i -= 1
        }
        free += privateBlocks[r]
        privateTotal -= privateBlocks[r]
        privateBlocks[r] = 0
        pathLength[r] = 0
        broken[r] = false
    }

    // MARK: the tree

    private mutating func lockNode(_ id: Int) {
        if lock[id] == 0 { unlocked -= 1 }
        lock[id] += 1
        lastAccess[id] = clock
    }

    /// A new node, locked by the request that computed (or loaded) it.
    private mutating func addNode(_ id: Int, parent p: Int32) {
        exists[id] = true
        parent[id] = p
        children[id] = 0
        lock[id] = 1
        lastAccess[id] = clock
        if p >= 0 { children[Int(p)] += 1 }
        nodes += 1
    }

    /// Frees `n` blocks from unlocked leaves, least recently used first (the caller checked `n <= unlocked`).
    private mutating func evict(_ n: Int) {
        var left = n
        while left > 0, let (time, id32) = leaves.pop() {
            let id = Int(id32)
            // Entries go stale when their node is locked, refreshed, gains a child or is gone.
            guard exists[id], lock[id] == 0, children[id] == 0, lastAccess[id] == time else { continue }
            exists[id] = false
            nodes -= 1
            unlocked -= 1
            free += 1
            left -= 1
            dram.store(id32)
            let p = parent[id]
            if p >= 0 {
                children[Int(p)] -= 1
                if children[Int(p)] == 0, lock[Int(p)] == 0 { leaves.push(time: lastAccess[Int(p)], id: p) }
            }
        }
    }
}

/// A binary min-heap of (access time, id), ties to the smaller id; stale entries are skipped by the reader.
struct LeafHeap {
    private var items: [(time: Int, id: Int32)] = []

    @inline(__always) private static func less(_ a: (time: Int, id: Int32), _ b: (time: Int, id: Int32)) -> Bool {
        a.time != b.time ? a.time < b.time : a.id < b.id
    }

    mutating func push(time: Int, id: Int32) {
        items.append((time, id))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard Self.less(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> (Int, Int32)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, Self.less(items[l], items[m]) { m = l }
                if r < items.count, Self.less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return (top.time, top.id)
    }
}
