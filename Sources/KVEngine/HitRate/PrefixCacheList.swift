/// LRU and FIFO as one intrusive doubly linked list in arrays: `prev`/`next` per block, a sentinel at index
/// `items`, the head (next of the sentinel) is the victim, new and refreshed blocks go to the tail.
/// `prev == -1` marks a block that is not cached. O(1) per touch, no allocation after start.
struct ListCache: PrefixCache {
    private let prev: Slab<Int32>
    private let next: Slab<Int32>
    private let sentinel: Int32
    private let capacity: Int
    private let refreshOnHit: Bool
    private var count = 0

    init(items: Int, capacity: Int) { self.init(items: items, capacity: capacity, refreshOnHit: true) }

    init(items: Int, capacity: Int, refreshOnHit: Bool) {
        prev = Slab<Int32>(count: items + 1, value: -1)
        next = Slab<Int32>(count: items + 1, value: -1)
        sentinel = Int32(items)
        prev.base[items] = sentinel
        next.base[items] = sentinel
        self.capacity = max(0, min(capacity, items))
        self.refreshOnHit = refreshOnHit
    }

    @inline(__always)
    func contains(_ id: Int32) -> Bool { prev.base[Int(id)] >= 0 }

    @inline(__always)
    mutating func touch(_ id: Int32) {
        let p = prev.base, n = next.base
        if p[Int(id)] >= 0 {
            guard refreshOnHit else { return }
            unlink(id, p, n)
        } else {
            guard capacity > 0 else { return }
            if count == capacity {
                let victim = n[Int(sentinel)]
                unlink(victim, p, n)
                p[Int(victim)] = -1
            } else {
                count += 1
            }
        }
        // Append at the tail (most recent).
        let last = p[Int(sentinel)]
        n[Int(last)] = id
        p[Int(id)] = last
        n[Int(id)] = sentinel
        p[Int(sentinel)] = id
    }

    @inline(__always)
    private func unlink(_ id: Int32, _ p: UnsafeMutablePointer<Int32>, _ n: UnsafeMutablePointer<Int32>) {
        let a = p[Int(id)], b = n[Int(id)]
        n[Int(a)] = b
        p[Int(b)] = a
    }
}

/// FIFO: the list cache without refresh on hit.
struct FIFOCache: PrefixCache {
    private var list: ListCache
    init(items: Int, capacity: Int) { list = ListCache(items: items, capacity: capacity, refreshOnHit: false) }
    @inline(__always) func contains(_ id: Int32) -> Bool { list.contains(id) }
    @inline(__always) mutating func touch(_ id: Int32) { list.touch(id) }
}
