/// Replay's LRU (`QueueCache`, which is plain data freed by hand) owned by a class that frees it, so the
/// simulator's caches can hold one however they are copied. Sharing replay's own cache also makes `cache: "lru"`
/// with `instant: true` replay's eviction order by construction, not by a second implementation.
final class OwnedLRU {
    private var cache: QueueCache

    init(items: Int, capacity: Int) { cache = QueueCache(items: items, capacity: capacity) }

    deinit { cache.deallocate() }

    @inline(__always) func contains(_ id: Int32) -> Bool { cache.contains(id) }
    /// Refreshes a cached block, or inserts it after evicting the least recently used one when full.
    @inline(__always) func touch(_ id: Int32) { cache.touch(id) }
}
