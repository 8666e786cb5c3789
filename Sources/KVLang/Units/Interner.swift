import Foundation

/// Small ids for values that recur (dimensions, display units), shared by all sessions. Append-only and locked,
/// so an id stays valid for the life of the process and any thread may read it.
final class Interner<Item: Hashable>: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [Item] = []
    private var index: [Item: Int32] = [:]

    /// `first`, if given, gets id 0.
    init(first: Item? = nil) {
        if let first { _ = intern(first) }
    }

    func intern(_ item: Item) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let id = index[item] { return id }
        table.append(item)
        let id = Int32(table.count - 1)
        index[item] = id
        return id
    }

    func item(_ id: Int32) -> Item {
        lock.lock()
        defer { lock.unlock() }
        return table[Int(id)]
    }
}
