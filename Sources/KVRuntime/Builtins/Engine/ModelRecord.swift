import KVLang
import KVEngine
import Synchronization

/// Models as language records and back. A record names the architecture with the fields below; optional ones
/// may be left out (a dense model has no `experts`, a GQA model no `kv_lora_rank`), so presets and `hf_config`
/// results print only what matters, and `with {…}` changes any field they have.
///
/// Required: layers, hidden, heads, intermediate, vocab. Optional: name, model_type, kv_heads (= heads),
/// head_dim (= hidden / heads), tied_embeddings, qkv_bias, output_bias, mlp_bias, qk_norm, norm ("rms" or
/// "layer"), norms_per_layer; MoE: experts, experts_per_token, moe_intermediate, shared_experts,
/// shared_intermediate, shared_expert_gate, first_dense_layers, moe_layer_frequency, moe_frequency_offset,
/// dense_layers; MLA: kv_lora_rank, q_lora_rank (0: none), qk_rope_head_dim, qk_nope_head_dim, v_head_dim;
/// sliding_window and sliding_layers; final_logit_softcap; mtp_layers; quantization (a record of
/// Quantization.fieldNames: how the checkpoint stores its weights, which dtype "auto" counts).
enum ModelRecord {
    static let fields: [String] = [
        "name", "model_type", "layers", "hidden", "heads", "kv_heads", "head_dim", "intermediate", "vocab",
        "tied_embeddings", "qkv_bias", "output_bias", "mlp_bias", "qk_norm", "norm", "norms_per_layer", "experts",
        "experts_per_token", "moe_intermediate", "shared_experts", "shared_intermediate", "shared_expert_gate",
        "first_dense_layers", "moe_layer_frequency", "moe_frequency_offset", "dense_layers", "kv_lora_rank",
        "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim", "sliding_window", "sliding_layers",
        "final_logit_softcap", "mtp_layers", "quantization",
    ]

    /// A record's fields, read with their types checked; every error names the field and points at the record.
    struct Reader {
        let r: Record
        let span: Span
        /// "the model" or "the accelerator": how messages name the record.
        let what: String

        func fail(_ f: String, _ message: String, hint: String? = nil) -> Diagnostic {
            Diagnostic(.argument, "\(what)'s `\(f)` \(message)", at: span, hint: hint)
        }

        /// Every field must be one of `known`: a misspelled one would otherwise be ignored and its default used.
        func rejectUnknown(_ known: [String], kind: String) throws(Diagnostic) {
            for key in r.keys where !known.contains(key) {
                throw Diagnostic(.argument, "\(what) has an unknown field `\(key)`", at: span,
                                 hint: Suggestions.hint(for: key, in: known) ?? "\(kind) fields: \(known.joined(separator: ", "))")
            }
        }

        func int(_ f: String) throws(Diagnostic) -> Int {
            guard let v = r[f] else { throw Diagnostic(.argument, "\(what) is missing the field `\(f)`", at: span) }
            return try whole(v, f)
        }

        func int(_ f: String, _ fallback: Int) throws(Diagnostic) -> Int {
            guard let v = r[f] else { return fallback }
            return try whole(v, f)
        }

        /// A whole plain number; its range is ModelSpec.validate()'s to check (negative ones included).
        func whole(_ v: Value, _ f: String) throws(Diagnostic) -> Int {
            guard case .quantity(let q) = v, q.dimension.isDimensionless else {
                throw fail(f, "must be a plain whole number, not \(v.typeName)")
            }
            guard let n = WholeNumber.exactly(q.value, in: -Int(Int32.max)...WholeNumber.largest) else {
                throw fail(f, "must be a whole number, not \(NumberFormat.format(q.value))")
            }
            return n
        }

        func bool(_ f: String, _ fallback: Bool) throws(Diagnostic) -> Bool {
            guard let v = r[f] else { return fallback }
            guard case .bool(let b) = v else { throw fail(f, "must be true or false, not \(v.typeName)") }
            return b
        }

        func string(_ f: String, _ fallback: String) throws(Diagnostic) -> String {
            guard let v = r[f] else { return fallback }
            guard case .string(let s) = v else { throw fail(f, "must be a string, not \(v.typeName)") }
            return s
        }

        func ints(_ f: String) throws(Diagnostic) -> [Int] {
            guard let v = r[f] else { return [] }
            guard case .list(let items) = v else { throw fail(f, "must be a list of layer indices, not \(v.typeName)") }
            var out: [Int] = []
            for item in items { out.append(try whole(item, f)) }
            return out
        }

        func number(_ f: String) throws(Diagnostic) -> Double? {
            guard let v = r[f] else { return nil }
            guard case .quantity(let q) = v, q.dimension.isDimensionless, q.value.isFinite else {
                throw fail(f, "must be a finite plain number")
            }
            return q.value
        }
    }

    /// The engine spec of a model record, validated: unknown fields, wrong types, out-of-range counts and
    /// contradictions are errors at `span` naming the field. `argument` is the builtin's parameter.
    static func spec(_ record: Record, at span: Span, argument: String = "model",
                     extraFields: [String] = []) throws(Diagnostic) -> ModelSpec {
        guard extraFields.isEmpty else { return try convert(record, at: span, extraFields: extraFields) }
        return try self.argument(record, at: span).spec
    }

    /// The converted model, remembered by the record's identity (RecordMemo): a sweep converts and validates its
    /// model once.
    static func argument(_ record: Record, at span: Span) throws(Diagnostic) -> ModelArgument {
        let c = try memo.converted(record, table: nil) { () throws(Diagnostic) in
            .model(ModelArgument(spec: try convert(record, at: span, extraFields: [])))
        }
        if case .model(let m) = c { return m }
        return ModelArgument(spec: try convert(record, at: span, extraFields: []))  // not reached: this memo holds models
    }

    static let memo = RecordMemo()

    /// The conversion itself, every field read and checked.
    private static func convert(_ record: Record, at span: Span, extraFields: [String]) throws(Diagnostic) -> ModelSpec {
        let f = Reader(r: record, span: span, what: "the model")
        try f.rejectUnknown(fields + extraFields, kind: "model")
        let heads = try f.int("heads"), hidden = try f.int("hidden")
        let headDim: Int
        if record["head_dim"] != nil {
            headDim = try f.int("head_dim")
        } else {
            // head_dim defaults to hidden / heads; a remainder would silently drop features.
            // heads ≤ 0 is validate()'s to report.
            guard heads <= 0 || hidden % heads == 0 else {
                throw f.fail("hidden", "(\(hidden)) is not a multiple of `heads` (\(heads)), so head_dim cannot default "
                             + "to hidden / heads", hint: "give `head_dim` explicitly")
            }
            headDim = heads > 0 ? hidden / heads : 0
        }
        var spec = ModelSpec(
            name: try f.string("name", "model"), modelType: try f.string("model_type", "custom"),
            layers: try f.int("layers"), hidden: hidden, heads: heads, kvHeads: try f.int("kv_heads", heads),
            headDim: headDim, intermediate: try f.int("intermediate"),
            vocab: try f.int("vocab"), tiedEmbeddings: try f.bool("tied_embeddings", false),
            qkvBias: try f.bool("qkv_bias", false), outputBias: try f.bool("output_bias", false),
            mlpBias: try f.bool("mlp_bias", false), qkNorm: try f.bool("qk_norm", false),
            normsPerLayer: try f.int("norms_per_layer", 2),
            slidingLayers: try f.ints("sliding_layers"), finalLogitSoftcap: try f.number("final_logit_softcap"),
            mtpLayers: try f.int("mtp_layers", 0))
        switch try f.string("norm", "rms") {
        case "rms": spec.norm = .rms
        case "layer": spec.norm = .layer
        case let other: throw f.fail("norm", "must be \"rms\" or \"layer\", not \"\(other)\"")
        }
        // sliding_window 0 means none (as in configs); without sliding_layers every layer slides.
        let window = try f.int("sliding_window", 0)
        guard window >= 0 else { throw f.fail("sliding_window", "must be 0 (none) or a positive number of tokens, not \(window)") }
        if window == 0, record["sliding_layers"] != nil {
            throw f.fail("sliding_layers", "lists sliding layers but `sliding_window` is 0 or missing")
        }
        spec.slidingWindow = window > 0 ? window : nil
        if window > 0, record["sliding_layers"] == nil, (1...ModelSpec.maxLayers).contains(spec.layers) {
            spec.slidingLayers = Array(0..<spec.layers)
        }
        let experts = try f.int("experts", 0)
        let moeFields = ["experts_per_token", "moe_intermediate", "shared_experts", "shared_intermediate",
                         "shared_expert_gate", "first_dense_layers", "moe_layer_frequency", "moe_frequency_offset",
                         "dense_layers"]
        if experts != 0 {
            spec.moe = MoESpec(
                experts: experts, expertsPerToken: try f.int("experts_per_token"),
                intermediate: try f.int("moe_intermediate", spec.intermediate),
                sharedExperts: try f.int("shared_experts", 0), sharedIntermediate: try f.int("shared_intermediate", 0),
                sharedExpertGate: try f.bool("shared_expert_gate", false),
                firstDenseLayers: try f.int("first_dense_layers", 0),
                layerFrequency: try f.int("moe_layer_frequency", 1),
                frequencyOffset: try f.int("moe_frequency_offset", 0), denseLayers: try f.ints("dense_layers"))
        } else if let stray = moeFields.first(where: { record[$0] != nil }) {
            throw f.fail(stray, "needs a mixture-of-experts model, but `experts` is 0 or missing")
        }
        let kvLora = try f.int("kv_lora_rank", 0)
        let mlaFields = ["q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"]
        if kvLora != 0 {
            let q = try f.int("q_lora_rank", 0)
            guard q >= 0 else { throw f.fail("q_lora_rank", "must be 0 (none) or positive, not \(q)") }
            spec.mla = MLASpec(qLoraRank: q > 0 ? q : nil, kvLoraRank: kvLora,
                               qkRopeHeadDim: try f.int("qk_rope_head_dim"), qkNopeHeadDim: try f.int("qk_nope_head_dim"),
                               vHeadDim: try f.int("v_head_dim"))
        } else if let stray = mlaFields.first(where: { record[$0] != nil }) {
            throw f.fail(stray, "needs multi-head latent attention, but `kv_lora_rank` is 0 or missing")
        }
        do { try spec.validate(naming: .record) } catch {
            let message = (error as? EngineError)?.message ?? "\(error)"
            throw Diagnostic(.argument, "the model's \(message)", at: span)
        }
        if let v = record["quantization"] { spec.checkpoint = try quantization(v, f) }
        return spec
    }

    /// A `quantization` record as the engine's Quantization.
    private static func quantization(_ v: Value, _ f: Reader) throws(Diagnostic) -> Quantization {
        guard case .record(let qr) = v else {
            throw f.fail("quantization", "must be a record such as "
                          + "{method: \"awq\", bits: 4, scales: \"group\", group_size: 128, zero_points: true}")
        }
        var fields: [String: Quantization.Field] = [:]
        for (k, item) in qr {
            switch item {
            case .bool(let b): fields[k] = .bool(b)
            case .string(let s): fields[k] = .string(s)
            case .list(let items) where items.allSatisfy({ if case .string = $0 { true } else { false } }):
                fields[k] = .strings(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
            case .list(let items):
                var ints: [Int] = []
                for i in items { ints.append(try f.whole(i, "quantization.\(k)")) }
                fields[k] = .ints(ints)
            default: fields[k] = .int(try f.whole(item, "quantization.\(k)"))
            }
        }
        do { return try Quantization(fields: fields) } catch {
            throw f.fail("quantization", "is invalid: \(error)")
        }
    }

    /// The record for a spec: the core fields always, the others only where they differ from the default.
    static func record(from s: ModelSpec) -> Record {
        var r = Record()
        func n(_ v: Int) -> Value { .number(Double(v)) }
        r["name"] = .string(s.name)
        r["model_type"] = .string(s.modelType)
        r["layers"] = n(s.layers)
        r["hidden"] = n(s.hidden)
        r["heads"] = n(s.heads)
        r["kv_heads"] = n(s.kvHeads)
        r["head_dim"] = n(s.headDim)
        r["intermediate"] = n(s.intermediate)
        r["vocab"] = n(s.vocab)
        r["tied_embeddings"] = .bool(s.tiedEmbeddings)
        if s.qkvBias { r["qkv_bias"] = .bool(true) }
        if s.outputBias { r["output_bias"] = .bool(true) }
        if s.mlpBias { r["mlp_bias"] = .bool(true) }
        if s.qkNorm { r["qk_norm"] = .bool(true) }
        if s.norm == .layer { r["norm"] = .string("layer") }
        if s.normsPerLayer != 2 { r["norms_per_layer"] = n(s.normsPerLayer) }
        if let m = s.moe {
            r["experts"] = n(m.experts)
            r["experts_per_token"] = n(m.expertsPerToken)
            r["moe_intermediate"] = n(m.intermediate)
            if m.sharedExperts > 0 { r["shared_experts"] = n(m.sharedExperts) }
            if m.sharedIntermediate > 0 { r["shared_intermediate"] = n(m.sharedIntermediate) }
            if m.sharedExpertGate { r["shared_expert_gate"] = .bool(true) }
            if m.firstDenseLayers > 0 { r["first_dense_layers"] = n(m.firstDenseLayers) }
            if m.layerFrequency != 1 { r["moe_layer_frequency"] = n(m.layerFrequency) }
            if m.frequencyOffset != 0 { r["moe_frequency_offset"] = n(m.frequencyOffset) }
            if !m.denseLayers.isEmpty { r["dense_layers"] = .list(m.denseLayers.map(n)) }
        }
        if let a = s.mla {
            r["kv_lora_rank"] = n(a.kvLoraRank)
            r["q_lora_rank"] = n(a.qLoraRank ?? 0)
            r["qk_rope_head_dim"] = n(a.qkRopeHeadDim)
            r["qk_nope_head_dim"] = n(a.qkNopeHeadDim)
            r["v_head_dim"] = n(a.vHeadDim)
        }
        if let w = s.slidingWindow {
            r["sliding_window"] = n(w)
            if s.slidingLayers != Array(0..<s.layers) { r["sliding_layers"] = .list(s.slidingLayers.map(n)) }
        }
        if let c = s.finalLogitSoftcap { r["final_logit_softcap"] = .number(c) }
        if s.mtpLayers > 0 { r["mtp_layers"] = n(s.mtpLayers) }
        if let q = s.checkpoint {
            var qr = Record()
            for (name, v) in q.fields {
                switch v {
                case .int(let i): qr[name] = n(i)
                case .bool(let b): qr[name] = .bool(b)
                case .string(let t): qr[name] = .string(t)
                case .ints(let l): qr[name] = .list(l.map(n))
                case .strings(let l): qr[name] = .list(l.map { .string($0) })
                }
            }
            r["quantization"] = .record(qr)
        }
        return r
    }
}

/// A model argument: its record's validated engine spec, and the memory planner it was last asked for (a sweep of
/// memory() over batch sizes asks for the same options at every point). A class, so the memo and the converted
/// arguments share it without copying the spec.
final class ModelArgument: Sendable {
    let spec: ModelSpec
    private let lastPlanner = Mutex<MemoryPlanner?>(nil)

    init(spec: ModelSpec) { self.spec = spec }

    /// The planner for these options, reused while they stay the same. Errors are never remembered.
    func planner(_ options: MemoryOptions) throws -> MemoryPlanner {
        if let p = lastPlanner.withLock({ $0 }), p.options == options { return p }
        let p = try MemoryPlanner(model: spec, options: options)
        lastPlanner.withLock { $0 = p }
        return p
    }

    /// The options of memory()'s sweep point (MemorySweepPoint.swift): dtype and kv_dtype "auto", so the
    /// rest of MemoryOptions follows from these and the model. Comparing them is a few integer compares, where
    /// MemoryOptions' == copies its optional quantization.
    struct SweepOptions: Equatable, Sendable {
        var tp, pp, ep: Int
        var logits: LogitsKept
        var ratio: Double?

        var memoryOptions: MemoryOptions {
            MemoryOptions(tp: tp, pp: pp, ep: ep, logits: logits, activationRatio: ratio)
        }
    }

    private struct SweepPlanner {
        let options: SweepOptions
        let planner: MemoryPlanner
    }

    private let lastSweepPlanner = Mutex<SweepPlanner?>(nil)

    /// The planner for a sweep point's options: dtype "auto" counts the checkpoint's quantization, as
    /// Arguments.memoryOptions() reads it.
    func planner(_ sweep: SweepOptions) throws -> MemoryPlanner {
        if let last = lastSweepPlanner.withLock({ $0 }), last.options == sweep { return last.planner }
        var o = sweep.memoryOptions
        o.weightQuantization = spec.checkpoint
        let p = try planner(o)
        lastSweepPlanner.withLock { $0 = SweepPlanner(options: sweep, planner: p) }
        return p
    }
}
