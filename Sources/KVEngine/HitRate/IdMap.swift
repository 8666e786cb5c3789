/// Maps arbitrary 64-bit hash ids to dense indices 0, 1, 2… in order of first appearance.
/// Open addressing with linear probing: a Swift `Dictionary` costs several times more per look-up on the hot path.
struct IdMap {
    private var keys: [Int64]
    private var values: [Int32]  // -1 marks an empty slot
    private var mask: Int
    private(set) var count = 0

    init(expected: Int = 1024) {
        var size = 16
        while size < expected * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// The dense index of `key`, assigning the next one when it is new; nil once 2^31 − 1 ids are taken.
    @inline(__always)
    mutating func index(of key: Int64) -> Int32? {
        var slot = Self.hash(key) & mask
        while true {
            let v = values[slot]
            if v < 0 { break }
            if keys[slot] == key { return v }
            slot = (slot + 1) & mask
        }
        guard count < Int(Int32.max) else { return nil }
        let v = Int32(count)
        keys[slot] = key
        values[slot] = v
        count += 1
        if count * 2 > mask { grow() }
        return v
    }

    @inline(__always)
    private static func hash(_ key: Int64) -> Int {
        // Fibonacci hashing: the high bits of the product are well mixed even for sequential ids.
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let size = (mask + 1) * 2
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
        for (k, v) in zip(oldKeys, oldValues) where v >= 0 {
            var slot = Self.hash(k) & mask
            while values[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = k
            values[slot] = v
        }
    }
}
