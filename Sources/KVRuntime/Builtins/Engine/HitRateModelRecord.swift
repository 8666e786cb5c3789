import KVLang
import KVEngine

/// The model a hit-rate builtin takes: a full model record (a preset, hf_config, a literal), validated as the
/// memory builtins validate it, or the seed presets' shape `{name, layers, kv_heads, head_dim, model_size}`. Either
/// may carry `model_size` (the weights' bytes). Unknown fields are errors with a did-you-mean.
struct HitRateModelRecord {
    static let seedFields = ["name", "model_type", "layers", "kv_heads", "head_dim", "model_size"]
    /// Fields only a full model record has: one of them makes the record a full model.
    static let fullOnly = Set(ModelRecord.fields).subtracting(seedFields)

    var layers: Int
    var kvHeads: Int
    var headDim: Int
    /// The full model's spec (to count its weights when no model_size is given); nil for the seed shape.
    var spec: ModelSpec?
    var modelSize: Double?

    init(_ r: Record, at span: Span, units: UnitTable) throws(Diagnostic) {
        let reader = ModelRecord.Reader(r: r, span: span, what: "the model")
        if let v = r["model_size"] {
            guard case .quantity(let q) = v, q.dimension == units.dimension(named: KnownNames.Dimension.information),
                  q.value.isFinite, q.value >= 0 else {
                throw reader.fail("model_size", "must be a non-negative number of bytes")
            }
            modelSize = q.value
        }
        if r.keys.contains(where: Self.fullOnly.contains) {
            let spec = try ModelRecord.spec(r, at: span, extraFields: ["model_size"])
            self.spec = spec
            layers = spec.layers
            kvHeads = spec.kvHeads
            headDim = spec.headDim
            return
        }
        try reader.rejectUnknown(Self.seedFields, kind: "hit-rate model (the seed presets' shape, or a full model)")
        for f in ["layers", "kv_heads", "head_dim"] where r[f] == nil {
            throw Diagnostic(.argument, "the model is missing the field `\(f)`", at: span,
                             hint: "a hit-rate model needs layers, kv_heads and head_dim (or a full model record)")
        }
        layers = try reader.int("layers")
        kvHeads = try reader.int("kv_heads")
        headDim = try reader.int("head_dim")
        for (f, v) in [("layers", layers), ("kv_heads", kvHeads), ("head_dim", headDim)] where v < 1 || v > Int(Int32.max) {
            throw reader.fail(f, "must be a whole number from 1 to \(Int32.max), not \(v)")
        }
        if layers > ModelSpec.maxLayers {
            throw reader.fail("layers", "must be a whole number from 1 to \(ModelSpec.maxLayers), not \(layers)")
        }
    }
}
