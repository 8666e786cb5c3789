/// Which block a full prefix cache evicts.
public enum EvictionPolicy: String, Sendable, CaseIterable {
    /// Least recently used; a hit refreshes the block.
    case lru
    /// First in, first out; hits do not refresh.
    case fifo
    /// Least frequently used: touches counted since insertion, ties broken by least recent use.
    case lfu
}

/// A block cache over dense indices 0..<items holding at most `capacity` blocks, used by the replay loop.
/// Generic (not existential) so the replay loop is specialized per policy.
protocol PrefixCache {
    init(items: Int, capacity: Int)
    /// Whether block `id` is cached.
    func contains(_ id: Int32) -> Bool
    /// Refreshes a cached block per the policy, or inserts a new one after evicting a victim when full.
    mutating func touch(_ id: Int32)
    /// Touches block `id` and returns true if it is cached; returns false, changing nothing, if it is not.
    mutating func touchIfCached(_ id: Int32) -> Bool
    /// One request: its blocks touched in order; returns how many of the first were cached (its hit prefix).
    /// Touching a cached block never evicts, so the prefix is scanned and touched in one pass.
    mutating func replayRequest(_ blocks: UnsafeBufferPointer<Int32>) -> Int
    /// Frees memory the cache holds outside ARC (once, by the last user of any copy).
    func deallocate()
}

extension PrefixCache {
    func deallocate() {}

    @inline(__always)
    mutating func replayRequest(_ blocks: UnsafeBufferPointer<Int32>) -> Int {
        var j = 0
        while j < blocks.count, touchIfCached(blocks[j]) { j += 1 }
        let hits = j
        while j < blocks.count {
            touch(blocks[j])
            j += 1
        }
        return hits
    }

    @inline(__always)
    mutating func touchIfCached(_ id: Int32) -> Bool {
        guard contains(id) else { return false }
        touch(id)
        return true
    }
}

/// A fixed-size array with unchecked access, for the caches' hot loops. Indices are the caches' own, in range by
/// construction; a class so that the storage is freed once, however the owning struct is copied.
final class Slab<Element> {
    let base: UnsafeMutablePointer<Element>

    init(count: Int, value: Element) {
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
        allocated = max(count, 1)
    }

    private let allocated: Int

    deinit {
        base.deinitialize(count: allocated)
        base.deallocate()
    }
}
