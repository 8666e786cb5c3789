/// A function's local names and their frame slots, for the resolver. Functions have few locals, where comparing
/// names beats hashing them (a dictionary per function was two thirds of resolving the stdlib); past
/// `scanLimit` names a dictionary indexes them, so a function of a thousand parameters resolves in linear time.
struct SlotTable {
    static let scanLimit = 16
    /// Each name once, in the order first bound: what suggestions list.
    private(set) var names: [String] = []
    private var slots: [Int32] = []
    private var index: [String: Int]?

    subscript(name: String) -> Int32? {
        guard let k = position(of: name) else { return nil }
        return slots[k]
    }

    /// Binds `name` to `slot`; a name bound again keeps its place in `names` and takes the new slot.
    mutating func bind(_ name: String, to slot: Int32) {
        if let k = position(of: name) {
            slots[k] = slot
            return
        }
        names.append(name)
        slots.append(slot)
        if index != nil {
            index?[name] = names.count - 1
        } else if names.count > SlotTable.scanLimit {
            index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        }
    }

    private func position(of name: String) -> Int? {
        if let index { return index[name] }
        return names.firstIndex(of: name)
    }
}
