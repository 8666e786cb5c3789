/// Names seen so far in a record or parameter list, to refuse a repeat. Most lists are short, where comparing
/// with each name is cheaper than hashing (a `Set<String>` insert was a third of parsing the stdlib's records);
/// a long list switches to a set, so parsing stays linear.
struct SmallNameSet {
    static let scanLimit = 16
    private var names: [String] = []
    private var set: Set<String>?

    /// True when `name` was not there yet (then it is now), like `Set.insert(_:).inserted`.
    mutating func insert(_ name: String) -> Bool {
        if let inserted = set?.insert(name).inserted { return inserted }
        if names.contains(name) { return false }
        names.append(name)
        if names.count > SmallNameSet.scanLimit {
            set = Set(names)
            names = []
        }
        return true
    }
}
