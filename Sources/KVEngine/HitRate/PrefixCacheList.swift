/// LRU and FIFO as one intrusive doubly linked list in arrays. Cached blocks live in `capacity` slots; `slotOf`
/// maps a block to its slot (-1: not cached) and `owner` a slot back to its block. `prev`/`next` link the slots,
/// with a sentinel slot at index `capacity`: the head (next of the sentinel) is the victim, new and refreshed blocks
/// go to the tail. O(1) per touch, no allocation after start; the list arrays are only capacity-sized, so they stay
/// in the CPU cache where a per-block list would not.
struct ListCache: PrefixCache {
    private let slotOf: Slab<Int32>
    private let owner: Slab<Int32>
    private let prev: Slab<Int32>
    private let next: Slab<Int32>
    private let sentinel: Int32
    private let capacity: Int
    private let refreshOnHit: Bool
    private var count = 0

    init(items: Int, capacity: Int) { self.init(items: items, capacity: capacity, refreshOnHit: true) }

    init(items: Int, capacity: Int, refreshOnHit: Bool) {
        self.capacity = max(0, min(capacity, items))
        slotOf = Slab<Int32>(count: items, value: -1)
        owner = Slab<Int32>(count: self.capacity, value: -1)
        prev = Slab<Int32>(count: self.capacity + 1, value: -1)
        next = Slab<Int32>(count: self.capacity + 1, value: -1)
        sentinel = Int32(self.capacity)
        prev.base[self.capacity] = sentinel
        next.base[self.capacity] = sentinel
        self.refreshOnHit = refreshOnHit
    }

    @inline(__always)
    func contains(_ id: Int32) -> Bool { slotOf.base[Int(id)] >= 0 }

    @inline(__always)
    mutating func touch(_ id: Int32) {
        var slot = slotOf.base[Int(id)]
        if slot >= 0 {
            guard refreshOnHit else { return }
            unlink(slot)
        } else {
            guard capacity > 0 else { return }
            if count == capacity {
                slot = next.base[Int(sentinel)]
                unlink(slot)
                slotOf.base[Int(owner.base[Int(slot)])] = -1
            } else {
                slot = Int32(count)
                count += 1
            }
            owner.base[Int(slot)] = id
            slotOf.base[Int(id)] = slot
        }
        // Append at the tail (most recent).
        let last = prev.base[Int(sentinel)]
        next.base[Int(last)] = slot
        prev.base[Int(slot)] = last
        next.base[Int(slot)] = sentinel
        prev.base[Int(sentinel)] = slot
    }

    @inline(__always)
    private func unlink(_ slot: Int32) {
        let a = prev.base[Int(slot)], b = next.base[Int(slot)]
        next.base[Int(a)] = b
        prev.base[Int(b)] = a
    }
}

/// FIFO: the list cache without refresh on hit.
struct FIFOCache: PrefixCache {
    private var list: ListCache
    init(items: Int, capacity: Int) { list = ListCache(items: items, capacity: capacity, refreshOnHit: false) }
    @inline(__always) func contains(_ id: Int32) -> Bool { list.contains(id) }
    @inline(__always) mutating func touch(_ id: Int32) { list.touch(id) }
}
