import Foundation

/// Maps arbitrary 64-bit hash ids to dense indices 0, 1, 2… in order of first appearance.
///
/// Trace ids are usually small non-negative integers handed out in increasing order (Mooncake's are), so ids below
/// the direct size go through a plain table indexed by the id: sequential ids then touch memory sequentially, where
/// any hash spreads them over a table far larger than the CPU cache (that miss was half the replay's time).
/// Other ids (negative, or large hashes) go to an open-addressing table with linear probing.
/// Before either, while every new id is the next dense index (0, 1, 2… in order of first appearance, as in
/// Mooncake traces), the map is the identity and needs no table at all: an id below `count` has been seen.
struct IdMap {
    private var identity = true
    private let direct: ZeroedTable<Int32>  // dense index + 1; 0 marks an id not seen yet
    private var keys: [Int64]
    private var values: [Int32]  // -1 marks an empty slot
    private var mask: Int
    private var hashedSlots = 0
    private(set) var count = 0

    /// Ids in 0..<directSize go through the direct table (4 bytes each, zero pages until touched).
    init(directSize: Int) {
        direct = ZeroedTable<Int32>(count: max(0, directSize))
        let size = 1024
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// The dense index of `key`, assigning the next one when it is new; nil once 2^31 − 1 ids are taken.
    @inline(__always)
    mutating func index(of key: Int64) -> Int32? {
        if identity {
            // One unsigned comparison: a negative key becomes huge.
            if UInt64(bitPattern: key) < UInt64(count) { return Int32(truncatingIfNeeded: key) }
            if key == count { return next() }
            leaveIdentity()
        }
        guard key >= 0, key < direct.count else { return hashedIndex(of: key) }
        let slot = direct.base + Int(key)
        if slot.pointee > 0 { return slot.pointee - 1 }
        guard let v = next() else { return nil }
        slot.pointee = v + 1
        return v
    }

    /// Whether the map is still the identity: then the id `count`, if it comes next, gets index `count`.
    var isIdentity: Bool { identity }

    /// For a caller that, while the map is the identity, saw the new ids `count`, `count + 1`, … `n - 1` in that
    /// order and gave each its own value as its index (what `index(of:)` would have done), at most 2^31 − 1 of them.
    @inline(__always)
    mutating func claimIdentity(through n: Int) {
        if identity, n > count, n <= Int(Int32.max) { count = n }
    }

    /// Records the ids seen so far (0..<count, each its own index) in the tables, for the general path.
    private mutating func leaveIdentity() {
        identity = false
        let seen = count
        count = 0
        for id in 0..<seen { _ = index(of: Int64(id)) }
    }

    @inline(__always)
    private mutating func next() -> Int32? {
        guard count < Int(Int32.max) else { return nil }
        count += 1
        return Int32(count - 1)
    }

    private mutating func hashedIndex(of key: Int64) -> Int32? {
        var slot = Self.hash(key) & mask
        while true {
            let v = values[slot]
            if v < 0 { break }
            if keys[slot] == key { return v }
            slot = (slot + 1) & mask
        }
        guard let v = next() else { return nil }
        keys[slot] = key
        values[slot] = v
        hashedSlots += 1
        if hashedSlots * 2 > mask { grow() }  // keep the load under one half
        return v
    }

    @inline(__always)
    private static func hash(_ key: Int64) -> Int {
        // Fibonacci hashing: the high bits of the product are well mixed even for patterned ids.
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

/// A zero-filled table of integers from `calloc`: large ones come straight from fresh zero pages, so the parts never
/// used cost neither time nor memory, and no pass writes the zeros.
final class ZeroedTable<Element: FixedWidthInteger> {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    private let fromCalloc: Bool

    /// When `calloc` fails, the table is empty (count 0), or, if `required`, allocated and zeroed the ordinary way
    /// (which, like any Swift allocation, stops the program only if memory is truly exhausted).
    /// `hugePages`: for a table that will be touched all over (the cache's stamps), not one mostly left untouched
    /// (a huge page is zeroed whole on first touch).
    init(count: Int, required: Bool = false, hugePages: Bool = false) {
        let n = max(count, 1)
        if let raw = calloc(n, MemoryLayout<Element>.stride) {
            if hugePages { HugePages.advise(raw, byteCount: n * MemoryLayout<Element>.stride) }
            base = raw.bindMemory(to: Element.self, capacity: n)
            self.count = count
            fromCalloc = true
        } else if required {
            base = .allocate(capacity: n)
            base.initialize(repeating: 0, count: n)
            self.count = count
            fromCalloc = false
        } else {
            // No memory for the table: an empty one (IdMap then sends every id down its hashed path).
            base = .allocate(capacity: 1)
            base.initialize(to: 0)
            self.count = 0
            fromCalloc = false
        }
    }

    deinit {
        if fromCalloc { free(base) } else { base.deallocate() }
    }
}
