import KVLang
import Synchronization

/// Where a record's contents live: the addresses of its keys' and its values' storage.
struct RecordIdentity: Equatable, Sendable {
    let keys: UInt
    let values: UInt

    init(_ r: Record) {
        keys = r.keys.elements.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        values = r.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }
}

/// Records converted to engine inputs, remembered by the identity of their storage, so a model or accelerator
/// passed at every point of a sweep is converted and validated once, with no hashing of the record per call.
///
/// A unit table's identity is enough for what looks names up in it and succeeds: a table never redeclares a
/// dimension or a unit (a duplicate is an error), so a name it resolved keeps its meaning there.
///
/// Why identity is enough: each entry keeps a copy of its record, so its storage stays alive (never freed and
/// reused for another record) and shared (so `with {…}`, or any change, copies it first: records are values).
/// Storage at the address of an entry's therefore holds exactly that entry's contents. A record with other
/// contents, such as `llama3_8b with {layers: 10}` or a shadowing `let`, has other storage and is converted anew.
/// Only successful conversions are remembered: an invalid record fails, with its located error, every time.
///
/// A few entries, most recent first, so a sweep over two or three models still finds each. `table` is what else
/// a conversion depends on (for accelerators, the unit table that names the dimensions; nil for models).
/// Not generic: instantiating a generic class's metadata at run time cost more than a whole memory() call.
final class RecordMemo: Sendable {
    enum Converted: Sendable {
        case model(ModelArgument)
        case accelerator(AcceleratorArgument)
    }

    private struct Entry: Sendable {
        let identity: RecordIdentity
        let table: UnitTable?
        /// Keeps the storage alive and shared (see above).
        let record: Record
        let converted: Converted
    }

    private let entries = Mutex<[Entry]>([])
    let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    func converted(_ record: Record, table: UnitTable?,
                   convert: () throws(Diagnostic) -> Converted) throws(Diagnostic) -> Converted {
        // Empty records share one empty storage; they are never valid engine inputs, so never remembered.
        guard !record.isEmpty else { return try convert() }
        let identity = RecordIdentity(record)
        let hit = entries.withLock { entries -> Converted? in
            // By index, reading two fields in place: `for e in entries` copied each entry passed over (its record,
            // table and conversion retained and released).
            for i in entries.indices where entries[i].identity == identity && entries[i].table === table {
                return entries[i].converted
            }
            return nil
        }
        if let hit { return hit }
        let c = try convert()
        entries.withLock { entries in
            entries.insert(Entry(identity: identity, table: table, record: record, converted: c), at: 0)
            if entries.count > capacity { entries.removeLast() }
        }
        return c
    }
}

/// A unit table as it stands: a conversion that looks dimensions up by name is valid for the same table in the
/// same generation (UnitTable.generation changes whenever a unit or dimension is declared). Holding the table
/// keeps its address from being reused.
struct UnitTableVersion: Equatable, Sendable {
    let table: UnitTable
    let generation: Int

    init(_ table: UnitTable) {
        self.table = table
        generation = table.generation
    }

    static func == (a: UnitTableVersion, b: UnitTableVersion) -> Bool {
        a.table === b.table && a.generation == b.generation
    }
}

