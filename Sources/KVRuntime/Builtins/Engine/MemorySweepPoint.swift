import KVLang
import KVEngine

/// memory() as a sweep calls it (`map(1..n, fn(b) = memory(m, H100, batch: b, seq: 2048).total)`), answered
/// without converting the arguments one by one: a valid model and accelerator, whole batch, seq, tp, pp and ep in
/// their ranges, dtype and kv_dtype "auto", a valid logits and ratio, engine "none" and every engine option at its
/// neutral value. Exactly what the ordinary path accepts and how it reads it (the same ranges, the same planner and
/// record, every number finite); nil for anything else, which the ordinary path then converts, checks and reports.
/// BuiltinShortcutTests runs calls both ways.
extension MemoryBuiltins {
    static let sweepPoint = NativeShortcut(prepare: prepareSweepPoint, answer: sweepPointAnswer)

    // The parameters' positions in memoryParameters' order, as literals so the hot path reads no lazy global
    // (`prepareSweepPoint` checks the declaration's names; BuiltinShortcutTests checks these against them).
    static let batchSlot = 2, seqSlot = 3, tpSlot = 6, ppSlot = 7, epSlot = 8, logitsSlot = 9, ratioSlot = 10
    static let engineSlot = 11, versionSlot = 12, enforceEagerSlot = 17

    /// The options a sweep point takes only at their neutral values: dtype, kv_dtype (4, 5), engine and its
    /// options (11…19).
    static let neutralSlots: UInt64 = 0b1111_1111_1000_0011_0000

    /// Whether option `i` (one of `neutralSlots`) holds its neutral value.
    private static func isNeutral(_ i: Int, _ v: Value) -> Bool {
        switch i {
        case engineSlot:
            if case .string("none") = v { return true }
        case versionSlot:
            if case .string = v { return true }  // version: any release name is read only with an engine
        case enforceEagerSlot:
            if case .bool(false) = v { return true }
        default:
            if case .string("auto") = v { return true }
        }
        return false
    }

    /// Applies to a declaration with memory()'s parameters; a neutral option's literal default need not be checked
    /// again by each call that does not give it.
    private static func prepareSweepPoint(_ names: [String], _ defaults: [Value?]) -> UInt64? {
        guard let spec = memorySpec, names == spec.parameterNames, defaults.count == names.count else { return nil }
        var checks: UInt64 = ~0
        for i in defaults.indices where neutralSlots & (1 << UInt64(i)) != 0 {
            if let d = defaults[i], isNeutral(i, d) { checks &= ~(1 << UInt64(i)) }
        }
        return checks
    }

    /// What a sweep point remembers in its function (`shortcutMemo`): the last model and accelerator records (by
    /// the identity of their storage, see RecordMemo), the unit table and the options, with the planner and
    /// accelerator they gave. One comparison of a few words per point instead of two memo lookups and the planner's.
    final class SweepMemo {
        let model: RecordIdentity
        let gpu: RecordIdentity
        /// Keep the records' storage alive and shared, so equal identities mean equal contents (RecordMemo).
        let modelRecord: Record
        let gpuRecord: Record
        let table: UnitTable
        let options: ModelArgument.SweepOptions
        let planner: MemoryPlanner
        /// The accelerator's units, and its capacity (validated when remembered).
        let units: EngineUnits
        let capacity: Double

        init(model: Record, gpu: Record, table: UnitTable, options: ModelArgument.SweepOptions,
             planner: MemoryPlanner, accelerator: AcceleratorArgument) {
            self.model = RecordIdentity(model)
            self.gpu = RecordIdentity(gpu)
            modelRecord = model
            gpuRecord = gpu
            self.table = table
            self.options = options
            self.planner = planner
            units = accelerator.units
            capacity = accelerator.accelerator.capacity
        }
    }

    private static func sweepPointAnswer(_ c: ShortcutCall) -> Value? {
        let v = c.arguments
        guard v.count == 20, let modelIdentity = identity(v[0]), let gpuIdentity = identity(v[1]),
              let batch = plainWhole(v[batchSlot], in: 1...P.largeCount),
              let seq = plainWhole(v[seqSlot], in: 1...P.largeCount),
              let tp = plainWhole(v[tpSlot], in: P.parallel), let pp = plainWhole(v[ppSlot], in: P.parallel),
              let ep = plainWhole(v[epSlot], in: P.parallel),
              case .string(let logitsName) = v[logitsSlot], let logits = logitsKept(logitsName),
              case .quantity(let ratio) = v[ratioSlot], ratio.dimension.isDimensionless, ratio.value.isFinite,
              (0...10).contains(ratio.value) else { return nil }
        var unchecked = c.check & neutralSlots
        while unchecked != 0 {
            let i = unchecked.trailingZeroBitCount
            guard isNeutral(i, v[i]) else { return nil }
            unchecked &= unchecked - 1
        }
        // As memoryOptions() reads them: dtype "auto" counts the checkpoint's quantization, kv_dtype "auto" the
        // compute dtype, ratio 0 the derived activation.
        let o = ModelArgument.SweepOptions(tp: tp, pp: pp, ep: ep, logits: logits,
                                           ratio: ratio.value > 0 ? ratio.value : nil)
        let table = c.units
        let memo: SweepMemo
        if let last = c.memo as? SweepMemo, last.table === table, last.options == o, last.model == modelIdentity,
           last.gpu == gpuIdentity {
            memo = last
        } else {
            guard case .record(let modelRecord) = v[0], case .record(let gpuRecord) = v[1] else { return nil }
            // Errors are the ordinary path's to report: any span will do here.
            let span = Span(file: nil, start: 0, end: 0)
            guard let model = try? ModelRecord.argument(modelRecord, at: span),
                  let gpu = try? AcceleratorRecord.argument(gpuRecord, at: span, units: table),
                  (try? gpu.accelerator.validate()) != nil, let planner = try? model.planner(o) else { return nil }
            memo = SweepMemo(model: modelRecord, gpu: gpuRecord, table: table, options: o, planner: planner,
                             accelerator: gpu)
            c.function?.shortcutMemo = memo
        }
        guard let p = try? memo.planner.plan(capacity: memo.capacity, batch: batch, seq: seq),
              p.weights.isFinite, p.kvCache.isFinite, p.activation.isFinite, p.total.isFinite, p.capacity.isFinite,
              p.free.isFinite, p.utilization.isFinite else { return nil }
        let units = memo.units
        guard let field = c.field else { return .record(planRecord(p, units: units)) }
        // The field as the record's lookup finds it (Interpreter.fieldValue): by the name's bits, then by ==.
        guard let i = planKeyIndex(field) else { return nil }
        return planValue(p, i, units: units)
    }

    /// Where a record argument's contents live, read in place: binding the record would retain and release its
    /// three buffers (twice per point, a tenth of the call).
    @inline(__always)
    private static func identity(_ v: borrowing Value) -> RecordIdentity? {
        switch v {
        case .record(let r): return RecordIdentity(r)
        default: return nil
        }
    }

    /// The position of a field of planRecord's, or nil.
    private static func planKeyIndex(_ name: String) -> Int? {
        if NameBits.usable {
            let bits = NameBits(name)
            for i in planKeyBits.indices where planKeyBits[i] == bits { return i }
        }
        return planKeys.firstIndex(of: name)
    }

    private static let planKeyBits = planKeys.map(NameBits.init)

    /// LogitsKept(rawValue:) by comparisons (equal short strings compare as two words; the switch over the raw
    /// values costs a table walk per call).
    private static func logitsKept(_ s: String) -> LogitsKept? {
        s == "last" ? .last : s == "all" ? .all : LogitsKept(rawValue: s)
    }

    /// A plain number that is whole and in the range, as `.count` converts it.
    @inline(__always)
    private static func plainWhole(_ v: Value, in range: ClosedRange<Int>) -> Int? {
        guard case .quantity(let q) = v, q.dimension.isDimensionless else { return nil }
        return WholeNumber.exactly(q.value, in: range)
    }
}
