/// The optional second tier: block ids evicted from HBM, kept in host memory as an LRU of `capacity` blocks
/// (LMCache's and Mooncake's CPU store). A lookup continues into it after the HBM prefix; reloading refreshes.
struct DRAMTier {
    private let cache: OwnedLRU
    let capacity: Int

    init(items: Int, capacity: Int) {
        self.capacity = min(max(0, capacity), items)
        cache = OwnedLRU(items: items, capacity: self.capacity)
    }

    @inline(__always) func contains(_ id: Int32) -> Bool { capacity > 0 && cache.contains(id) }
    /// Stores (or refreshes) a block evicted from HBM, evicting the least recently used one when full.
    @inline(__always) mutating func store(_ id: Int32) { if capacity > 0 { cache.touch(id) } }
}
