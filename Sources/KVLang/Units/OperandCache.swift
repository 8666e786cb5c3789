/// A small direct-mapped memo of `(a, b, multiply-or-divide) → result` over interned ids, for the dimension and
/// display unit of a product or quotient. The interners hash and lock on every lookup; a formula meets the same few
/// operand pairs again and again, so one slot per pair, picked by mixing the ids, answers without either.
///
/// One per `UnitTable`, touched only by the interpreter that owns the table (evaluation is single-threaded). A
/// collision just overwrites the slot; a miss is computed the slow way and stored.
final class OperandCache {
    private struct Entry {
        var a: Int32
        var b: Int32
        var divide: Bool
        var result: Int32
    }

    private static let slots = 256
    private static let empty = Entry(a: -2, b: -2, divide: false, result: -1)
    /// Manually managed, so a lookup is a load with no reference counting on array storage.
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: OperandCache.slots)
        entries.initialize(repeating: OperandCache.empty, count: OperandCache.slots)
    }

    deinit { entries.deallocate() }

    @inline(__always)
    private static func slot(_ a: Int32, _ b: Int32, _ divide: Bool) -> Int {
        let h = UInt32(bitPattern: a) &* 0x9E37_79B1 ^ UInt32(bitPattern: b) &* 0x85EB_CA77 ^ (divide ? 0x27D4_EB2F : 0)
        return Int(h >> 24)
    }

    /// The cached result: an id, -1 for "no result" (a display unit that cancelled away), nil when not cached.
    @inline(__always)
    func lookup(_ a: Int32, _ b: Int32, divide: Bool) -> Int32? {
        let e = entries[OperandCache.slot(a, b, divide)]
        return e.a == a && e.b == b && e.divide == divide ? e.result : nil
    }

    func store(_ a: Int32, _ b: Int32, divide: Bool, _ result: Int32) {
        entries[OperandCache.slot(a, b, divide)] = Entry(a: a, b: b, divide: divide, result: result)
    }

    func clear() { entries.update(repeating: OperandCache.empty, count: OperandCache.slots) }
}
