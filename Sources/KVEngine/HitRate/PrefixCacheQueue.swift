import Foundation

/// LRU and FIFO as a queue of touches in time order, with lazy deletion. Every block's last touch (LRU; FIFO: its
/// insertion) is stamped with a clock value, 0 meaning "not cached", and queued as (stamp, block). A refresh queues
/// the block again, leaving its older entry stale; the victim is the first queued entry still carrying its block's
/// stamp, i.e. the least recently touched (FIFO: the first inserted) block.
///
/// Why not a linked list: evicting from a list reads the victim's link before the next eviction can start, a chain
/// of dependent cache misses that set the replay's speed. Here every eviction reads the queue front to back, and
/// its stamp look-ups do not depend on one another, so the processor overlaps them. The queue is a ring of
/// 2 × capacity + 16 entries, compacted (stale entries dropped) only when full, which frees at least half of it, as
/// live entries (one per cached block) are at most `capacity`: O(1) amortized per touch, and no compaction at all
/// while misses evict as fast as they queue.
///
/// The cache is plain data (two pointers and counters, no references), so copying it into a local for a hot loop
/// costs nothing; its memory is freed by `deallocate()`, called once by whoever made it.
struct QueueCache: PrefixCache {
    /// Per block: the stamp of its live entry; 0 when not cached. Zero pages from calloc.
    private let s: UnsafeMutablePointer<UInt32>
    /// A ring of `size` entries `stamp << 32 | block`: `used` of them from `front` on, the oldest first.
    private let q: UnsafeMutablePointer<UInt64>
    private let sMemory: ZeroedMemory?
    private let qMemory: ZeroedMemory?
    private let size: Int
    private var front = 0
    private var used = 0
    private var clock: UInt32 = 0
    private let clockLimit: UInt32
    private let capacity: Int
    private let refreshOnHit: Bool
    private var count = 0

    init(items: Int, capacity: Int) { self.init(items: items, capacity: capacity, refreshOnHit: true) }

    /// `clockLimit` (tests only) is where stamps are renumbered 1, 2, … in queue order so the clock never wraps.
    init(items: Int, capacity: Int, refreshOnHit: Bool, clockLimit: UInt32 = .max) {
        let items = max(0, min(items, Int(Int32.max)))
        self.capacity = max(0, min(capacity, items))
        size = 2 * self.capacity + 16
        (s, sMemory) = Self.zeroed(items, of: UInt32.self)
        (q, qMemory) = Self.zeroed(size, of: UInt64.self)
        // Renumbering leaves at most `capacity` stamps in use; the limit must leave room past them.
        self.clockLimit = max(clockLimit, UInt32(self.capacity) + 2)
        self.refreshOnHit = refreshOnHit
    }

    /// `count` zeroed elements (at least one), from fresh pages (`ZeroedMemory`): pages never touched cost nothing,
    /// so a table sized for every possible block is fine. Where there is no memory for that, the ordinary
    /// allocation (which stops the program only if memory is truly exhausted, like any Swift allocation). The
    /// memory block says which, for `deallocate`.
    private static func zeroed<T: FixedWidthInteger>(_ count: Int, of: T.Type) -> (UnsafeMutablePointer<T>,
                                                                                     ZeroedMemory?) {
        let n = max(count, 1)
        if let memory = ZeroedMemory(byteCount: n * MemoryLayout<T>.stride) {
            return (memory.base.bindMemory(to: T.self, capacity: n), memory)
        }
        let p = UnsafeMutablePointer<T>.allocate(capacity: n)
        p.initialize(repeating: 0, count: n)
        return (p, nil)
    }

    func deallocate() {
        if let sMemory { sMemory.free() } else { s.deallocate() }
        if let qMemory { qMemory.free() } else { q.deallocate() }
    }

    @inline(__always)
    func contains(_ id: Int32) -> Bool { s[Int(id)] != 0 }

    @inline(__always)
    mutating func touchIfCached(_ id: Int32) -> Bool {
        guard s[Int(id)] != 0 else { return false }
        if refreshOnHit { enqueue(id) }
        return true
    }

    @inline(__always)
    mutating func touch(_ id: Int32) {
        if s[Int(id)] != 0 {
            if refreshOnHit { enqueue(id) }
            return
        }
        guard capacity > 0 else { return }
        if count == capacity {
            evict()
        } else {
            count += 1
        }
        enqueue(id)
    }

    /// One request: its blocks touched in order; returns how many of the first were cached (its hit prefix).
    /// `touchIfCached` over the prefix then `touch` over the rest, written out with the counters in locals so they
    /// stay in registers (through `self` the compiler kept them in memory: half again as many instructions).
    mutating func replayRequest(_ blocks: UnsafeBufferPointer<Int32>) -> Int {
        var front = self.front, used = self.used, clock = self.clock, count = self.count
        let s = self.s, q = self.q, size = self.size, limit = clockLimit
        /// Queues `id` stamped with the next clock value (compacting or renumbering first when due: rare, so
        /// through `self`).
        func enqueue(_ id: Int32) {
            if used == size || clock == limit {
                (self.front, self.used, self.clock) = (front, used, clock)
                if used == size { compact() }
                if clock == limit { renumber() }
                (front, used, clock) = (self.front, self.used, self.clock)
            }
            clock &+= 1  // below the limit, itself at most UInt32.max
            let b = front &+ used
            q[b < size ? b : b &- size] = UInt64(clock) << 32 | UInt64(UInt32(bitPattern: id))
            used &+= 1  // below size: compacted above when full
            s[Int(id)] = clock
        }
        var j = 0
        while j < blocks.count, s[Int(blocks[j])] != 0 {
            if refreshOnHit { enqueue(blocks[j]) }
            j &+= 1
        }
        let hits = j
        while j < blocks.count {
            let id = blocks[j]
            j &+= 1
            if s[Int(id)] != 0 {
                if refreshOnHit { enqueue(id) }
                continue
            }
            guard capacity > 0 else { continue }
            if count == capacity {
                // Evict: the first live entry (one exists: the cache is full and not empty).
                while true {
                    let e = q[front]
                    front = front &+ 1 == size ? 0 : front &+ 1
                    used &-= 1
                    let victim = Int(UInt32(truncatingIfNeeded: e))
                    if s[victim] == UInt32(truncatingIfNeeded: e >> 32) {
                        s[victim] = 0
                        break
                    }
                }
            } else {
                count &+= 1
            }
            enqueue(id)
        }
        (self.front, self.used, self.clock, self.count) = (front, used, clock, count)
        return hits
    }

    /// Uncaches the first queued block whose entry is live. One exists: the cache is full and not empty.
    @inline(__always)
    private mutating func evict() {
        while true {
            let e = q[front]
            front = front &+ 1 == size ? 0 : front &+ 1
            used &-= 1  // the entry just taken
            let victim = Int(UInt32(truncatingIfNeeded: e))
            if s[victim] == UInt32(truncatingIfNeeded: e >> 32) {
                s[victim] = 0
                return
            }
        }
    }

    /// Stamps `id` with the next clock value and queues it.
    @inline(__always)
    private mutating func enqueue(_ id: Int32) {
        if used == size { compact() }
        if clock == clockLimit { renumber() }
        clock &+= 1  // below clockLimit, itself at most UInt32.max
        let b = front &+ used
        q[b < size ? b : b &- size] = UInt64(clock) << 32 | UInt64(UInt32(bitPattern: id))
        used &+= 1  // below size: compacted above when full
        s[Int(id)] = clock
    }

    /// Drops stale entries, keeping the live ones in order from the front.
    private mutating func compact() {
        var r = front, w = front, kept = 0
        for _ in 0..<used {
            let e = q[r]
            r = r + 1 == size ? 0 : r + 1
            if s[Int(UInt32(truncatingIfNeeded: e))] == UInt32(truncatingIfNeeded: e >> 32) {
                q[w] = e
                w = w + 1 == size ? 0 : w + 1
                kept += 1
            }
        }
        used = kept
    }

    /// Restamps the live entries 1, 2, … in queue order (the order is all that matters), so the clock restarts low.
    private mutating func renumber() {
        compact()
        var r = front
        for k in 0..<used {
            let id = UInt32(truncatingIfNeeded: q[r])
            let t = UInt32(k + 1)
            q[r] = UInt64(t) << 32 | UInt64(id)
            s[Int(id)] = t
            r = r + 1 == size ? 0 : r + 1
        }
        clock = UInt32(used)
    }
}

/// FIFO: the queue cache without refresh on hit.
struct FIFOCache: PrefixCache {
    private var queue: QueueCache
    init(items: Int, capacity: Int) { queue = QueueCache(items: items, capacity: capacity, refreshOnHit: false) }
    @inline(__always) func contains(_ id: Int32) -> Bool { queue.contains(id) }
    @inline(__always) mutating func touchIfCached(_ id: Int32) -> Bool { queue.touchIfCached(id) }
    @inline(__always) mutating func touch(_ id: Int32) { queue.touch(id) }
    @inline(__always) mutating func replayRequest(_ blocks: UnsafeBufferPointer<Int32>) -> Int {
        queue.replayRequest(blocks)
    }
    func deallocate() { queue.deallocate() }
}
