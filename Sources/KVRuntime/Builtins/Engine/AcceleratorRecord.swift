import KVLang
import KVEngine

/// Accelerators as language records: `{name: "H100 SXM", memory: 85017493504 B, bandwidth: 3.35 TB/s,
/// flops: 989 TFLOPS}` (stdlib/gpus.kv). `memory` is required; an unknown field is an error, so a misspelled
/// `bandwith` cannot silently leave the bandwidth at 0.
enum AcceleratorRecord {
    static let fields = ["name", "memory", "bandwidth", "flops"]

    static func accelerator(_ r: Record, at span: Span, argument: String = "gpu",
                            units: UnitTable) throws(Diagnostic) -> Accelerator {
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
        guard let memory = try field("memory", KnownNames.Dimension.information, positive: true) else {
            throw Diagnostic(.argument, "the accelerator record needs a `memory` field (bytes)", at: span)
        }
        return Accelerator(name: try reader.string("name", "gpu"), capacity: memory,
                           bandwidth: try field("bandwidth", KnownNames.Dimension.bandwidth, positive: false) ?? 0,
                           bf16Flops: try field("flops", KnownNames.Dimension.flopRate, positive: false) ?? 0)
    }
}
