import KVLang
import KVEngine

/// Accelerators as language records: `{name: "H100 SXM", memory: 85017493504 B, bandwidth: 3.35 TB/s,
/// flops: 989 TFLOPS}` (stdlib/gpus.kv), plus what the latency engine reads (stdlib/latency.kv documents them):
/// `fp8_flops`, `bandwidth_efficiency`, `flops_efficiency`, `fp8_flops_efficiency`, `interconnect`,
/// `interconnect_latency`, `interconnect_efficiency`. `memory` is required; an unknown field is an error, so a
/// misspelled `bandwith` cannot silently leave the bandwidth at 0.
enum AcceleratorRecord {
    static let fields = ["name", "memory", "bandwidth", "flops"] + performanceFields
    static let efficiencies = ["bandwidth_efficiency", "flops_efficiency", "fp8_flops_efficiency",
                               "interconnect_efficiency"]
    static let performanceFields = ["fp8_flops", "interconnect", "interconnect_latency"] + efficiencies

    static func accelerator(_ r: Record, at span: Span, argument: String = "gpu",
                            units: UnitTable) throws(Diagnostic) -> Accelerator {
        try self.argument(r, at: span, units: units).accelerator
    }

    /// The converted accelerator, remembered by the record's identity and the unit table (RecordMemo).
    static func argument(_ r: Record, at span: Span, units: UnitTable) throws(Diagnostic) -> AcceleratorArgument {
        let c = try memo.converted(r, table: units) { () throws(Diagnostic) in
            .accelerator(AcceleratorArgument(try convert(r, at: span, units: units), units: EngineUnits(units)))
        }
        if case .accelerator(let a) = c { return a }
        // Not reached: this memo holds accelerators.
        return AcceleratorArgument(try convert(r, at: span, units: units), units: EngineUnits(units))
    }

    static let memo = RecordMemo()

    /// The conversion itself, every field read and checked.
    private static func convert(_ r: Record, at span: Span, units: UnitTable) throws(Diagnostic) -> Accelerator {
        let reader = ModelRecord.Reader(r: r, span: span, what: "the accelerator")
        try reader.rejectUnknown(fields, kind: "accelerator")
        func field(_ f: String, _ dimension: String, positive: Bool) throws(Diagnostic) -> Double? {
            guard let v = r[f] else { return nil }
            guard case .quantity(let q) = v, let d = units.dimension(named: dimension), q.dimension == d else {
                throw Diagnostic(.dimension, "the accelerator's `\(f)` must be \(dimension)", at: span)
            }
            guard q.value.isFinite, positive ? q.value > 0 : q.value >= 0 else {
                throw reader.fail(f, "must be \(positive ? "positive" : "non-negative") and finite")
            }
            return q.value
        }
        /// A fraction in (0, 1]: a plain number or a percentage.
        func fraction(_ f: String) throws(Diagnostic) -> Double? {
            guard let v = r[f] else { return nil }
            guard case .quantity(let q) = v, q.dimension.isDimensionless else {
                throw reader.fail(f, "must be a plain number or a percentage, not \(v.typeName)")
            }
            guard q.value.isFinite, q.value > 0, q.value <= 1 else {
                throw reader.fail(f, "must be above 0 and at most 1 (100 %), got \(NumberFormat.format(q.value))",
                                  hint: "an efficiency is the achieved share of the peak, e.g. 0.8 or 80 %")
            }
            return q.value
        }
        guard let memory = try field("memory", KnownNames.Dimension.information, positive: true) else {
            throw Diagnostic(.argument, "the accelerator record needs a `memory` field (bytes)", at: span)
        }
        var p = AcceleratorPerformance.defaults
        p.fp8Flops = try field("fp8_flops", KnownNames.Dimension.flopRate, positive: false) ?? p.fp8Flops
        p.interconnect = try field("interconnect", KnownNames.Dimension.bandwidth, positive: false) ?? p.interconnect
        p.interconnectLatency = try field("interconnect_latency", KnownNames.Dimension.time, positive: false)
            ?? p.interconnectLatency
        p.bandwidthEfficiency = try fraction("bandwidth_efficiency") ?? p.bandwidthEfficiency
        p.flopsEfficiency = try fraction("flops_efficiency") ?? p.flopsEfficiency
        p.fp8FlopsEfficiency = try fraction("fp8_flops_efficiency") ?? p.fp8FlopsEfficiency
        p.interconnectEfficiency = try fraction("interconnect_efficiency") ?? p.interconnectEfficiency
        return Accelerator(name: try reader.string("name", "gpu"), capacity: memory,
                           bandwidth: try field("bandwidth", KnownNames.Dimension.bandwidth, positive: false) ?? 0,
                           bf16Flops: try field("flops", KnownNames.Dimension.flopRate, positive: false) ?? 0,
                           performance: p)
    }
}

/// A converted accelerator, boxed so converted arguments and the memo share it. It was converted for one unit
/// table (the memo's key), so it also carries that table's result units: memory()'s sweep point prints in them
/// without looking them up.
final class AcceleratorArgument: Sendable {
    let accelerator: Accelerator
    let units: EngineUnits

    init(_ accelerator: Accelerator, units: EngineUnits) {
        self.accelerator = accelerator
        self.units = units
    }
}
