/// LFU as a binary min-heap of cached blocks keyed by (touches since insertion, last use), packed into one
/// UInt64 so a comparison is one instruction: the victim is the root, the least used and, among equals, the least
/// recently used. O(log capacity) per touch.
struct LFUCache: PrefixCache {
    private let heap: Slab<Int32>  // block ids, heap-ordered
    private let position: Slab<Int32>  // index in the heap, -1 when not cached
    private let keySlab: Slab<UInt64>  // per block: touches << 40 | last use
    private let capacity: Int
    private var size = 0
    private var clock: UInt64 = 0

    private var keys: UnsafeMutablePointer<UInt64> { keySlab.base }

    private static let timeBits: UInt64 = 40
    private static let maxCount: UInt64 = (1 << (64 - timeBits)) - 1

    init(items: Int, capacity: Int) {
        self.capacity = max(0, min(capacity, items))
        heap = Slab<Int32>(count: self.capacity, value: -1)
        position = Slab<Int32>(count: items, value: -1)
        keySlab = Slab<UInt64>(count: items, value: 0)
    }

    @inline(__always)
    func contains(_ id: Int32) -> Bool { position.base[Int(id)] >= 0 }

    mutating func touch(_ id: Int32) {
        guard capacity > 0 else { return }
        // The clock stays below 2^40 (a trillion touches) in any trace that fits in memory.
        clock &+= 1
        let i = Int(id)
        let pos = position.base[i]
        if pos >= 0 {
            let count = min((keys[i] >> Self.timeBits) + 1, Self.maxCount)
            keys[i] = count << Self.timeBits | clock
            siftDown(Int(pos))
            return
        }
        if size == capacity {
            let victim = heap.base[0]
            position.base[Int(victim)] = -1
            size -= 1
            if size > 0 {
                place(heap.base[size], at: 0)
                siftDown(0)
            }
        }
        keys[i] = 1 << Self.timeBits | clock
        place(id, at: size)
        size += 1
        siftUp(size - 1)
    }

    @inline(__always)
    private func place(_ id: Int32, at index: Int) {
        heap.base[index] = id
        position.base[Int(id)] = Int32(index)
    }

    private func siftUp(_ start: Int) {
        var child = start
        let id = heap.base[child]
        let key = keys[Int(id)]
        while child > 0 {
            let parent = (child - 1) / 2
            let pid = heap.base[parent]
            guard keys[Int(pid)] > key else { break }
            place(pid, at: child)
            child = parent
        }
        place(id, at: child)
    }

    private func siftDown(_ start: Int) {
        var parent = start
        let id = heap.base[parent]
        let key = keys[Int(id)]
        while true {
            var child = 2 * parent + 1
            guard child < size else { break }
            if child + 1 < size, keys[Int(heap.base[child + 1])] < keys[Int(heap.base[child])] { child += 1 }
            let cid = heap.base[child]
            guard keys[Int(cid)] < key else { break }
            place(cid, at: parent)
            parent = child
        }
        place(id, at: parent)
    }
}
