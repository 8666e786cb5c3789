import Foundation

/// Reading a Hugging Face `config.json` into a ModelSpec.
///
/// Defaults and implied facts follow the transformers configuration and modeling classes (v5.23, read in
/// `models/<type>/configuration_<type>.py` and `modeling_<type>.py`): what a config leaves out means what
/// transformers would build from it. Unknown fields are ignored.
extension ModelSpec {
    /// Model types whose configs this reader understands.
    public static let supportedModelTypes = [
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "deepseek_v2", "deepseek_v3", "gemma2",
    ]

    /// Reads `config.json` at `path`. Throws an EngineError (argument "path") when the file is missing or unreadable.
    public static func load(hfConfigPath path: String, name: String? = nil) throws -> ModelSpec {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError("no such file: \(path)", argument: "path")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError("cannot read \(path)", argument: "path")
        }
        let fallback = URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent
        return try ModelSpec(hfConfigJSON: data, name: name ?? fallback)
    }

    /// Parses the bytes of a `config.json`. Throws an EngineError naming the missing or malformed field.
    public init(hfConfigJSON data: Data, name: String = "hf_config") throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw EngineError("invalid JSON in config: \(error.localizedDescription)", argument: "path")
        }
        guard let dict = object as? [String: Any] else {
            throw EngineError("config.json must hold a JSON object", argument: "path")
        }
        let c = HFFields(dict)
        let type = try c.string("model_type")
        guard ModelSpec.supportedModelTypes.contains(type) else {
            throw EngineError("unsupported model_type \"\(type)\" (supported: "
                              + ModelSpec.supportedModelTypes.joined(separator: ", ") + ")", argument: "model_type")
        }
        let layers = try c.int("num_hidden_layers")
        let hidden = try c.int("hidden_size")
        let heads = try c.int("num_attention_heads")
        var spec = ModelSpec(
            name: name, modelType: type, layers: layers, hidden: hidden, heads: heads,
            kvHeads: try c.optionalInt("num_key_value_heads"),
            headDim: try c.optionalInt("head_dim") ?? (type == "gemma2" ? 256 : nil),
            intermediate: try c.int("intermediate_size"), vocab: try c.int("vocab_size"),
            // Gemma ties lm_head to the embedding unless told otherwise; the others do not.
            tiedEmbeddings: try c.bool("tie_word_embeddings", default: type == "gemma2"))

        let attentionBias = try c.bool("attention_bias", default: false)
        spec.qkvBias = attentionBias
        spec.outputBias = attentionBias
        spec.mlpBias = try c.bool("mlp_bias", default: false)

        switch type {
        case "qwen2":
            // Qwen2Attention: q/k/v always carry a bias, o_proj never does.
            spec.qkvBias = true
            spec.outputBias = false
        case "qwen2_moe":
            spec.qkvBias = try c.bool("qkv_bias", default: true)
            spec.outputBias = false
            let shared = try c.optionalInt("shared_expert_intermediate_size") ?? 0
            spec.moe = MoESpec(
                experts: try c.int("num_experts"), expertsPerToken: try c.int("num_experts_per_tok"),
                intermediate: try c.int("moe_intermediate_size"), sharedExperts: shared > 0 ? 1 : 0,
                sharedIntermediate: shared, sharedExpertGate: shared > 0,
                layerFrequency: try c.optionalInt("decoder_sparse_step") ?? 1, frequencyOffset: 1,
                denseLayers: try c.intList("mlp_only_layers") ?? [])
        case "qwen3":
            spec.qkNorm = true
        case "mixtral":
            spec.moe = MoESpec(experts: try c.int("num_local_experts"), expertsPerToken: try c.int("num_experts_per_tok"),
                               intermediate: spec.intermediate)
        case "deepseek_v2", "deepseek_v3":
            spec.kvHeads = heads  // MLA: every head gets its own K/V from the latent
            spec.mla = MLASpec(
                qLoraRank: try c.optionalInt("q_lora_rank"), kvLoraRank: try c.int("kv_lora_rank"),
                qkRopeHeadDim: try c.int("qk_rope_head_dim"), qkNopeHeadDim: try c.int("qk_nope_head_dim"),
                vHeadDim: try c.int("v_head_dim"))
            spec.headDim = spec.mla.map { $0.qkHeadDim } ?? spec.headDim
            if let experts = try c.optionalInt("n_routed_experts") {
                let moeWidth = try c.int("moe_intermediate_size")
                let shared = try c.optionalInt("n_shared_experts") ?? 0
                spec.moe = MoESpec(
                    experts: experts, expertsPerToken: try c.int("num_experts_per_tok"), intermediate: moeWidth,
                    sharedExperts: shared, sharedIntermediate: shared * moeWidth,
                    firstDenseLayers: try c.optionalInt("first_k_dense_replace") ?? 0,
                    layerFrequency: try c.optionalInt("moe_layer_freq") ?? 1)
            }
            spec.mtpLayers = try c.optionalInt("num_nextn_predict_layers") ?? 0
        case "gemma2":
            spec.normsPerLayer = 4  // input, post-attention, pre-feedforward, post-feedforward
            spec.finalLogitSoftcap = c.has("final_logit_softcapping") ? try c.optionalDouble("final_logit_softcapping") : 30
        default:
            break
        }
        try spec.readSlidingWindow(c, type: type)
        try spec.validate()
        self = spec
    }

    /// Which layers use a sliding window, by each type's rule (an explicit `layer_types` list wins).
    private mutating func readSlidingWindow(_ c: HFFields, type: String) throws {
        // transformers' defaults when the key is absent: 4096 for mistral and gemma2, none for mixtral.
        let defaultWindow: Int? = (type == "mistral" || type == "gemma2") ? 4096 : nil
        var window = c.has("sliding_window") ? try c.optionalInt("sliding_window") : defaultWindow
        var sliding: [Int] = []
        switch type {
        case "mistral", "mixtral":
            sliding = Array(0..<layers)
        case "qwen2", "qwen3":
            // The window applies only with use_sliding_window, and then from max_window_layers on.
            if try c.bool("use_sliding_window", default: false) {
                let from = try c.optionalInt("max_window_layers") ?? 28
                sliding = Array(min(from, layers)..<layers)
            } else {
                window = nil
            }
        case "qwen2_moe":
            // Qwen2MoeConfig: with use_sliding_window, even layers below max_window_layers slide.
            if try c.bool("use_sliding_window", default: false) {
                let below = min(try c.optionalInt("max_window_layers") ?? 28, layers)
                sliding = stride(from: 0, to: below, by: 2).map { $0 }
            } else {
                window = nil
            }
        case "gemma2":
            sliding = stride(from: 0, to: layers, by: 2).map { $0 }  // even layers slide, odd ones are global
        default:
            window = nil
        }
        if let types = try c.stringList("layer_types") {
            guard types.count == layers else {
                throw EngineError("layer_types has \(types.count) entries for \(layers) layers", argument: "layer_types")
            }
            sliding = types.indices.filter { types[$0] == "sliding_attention" }
        }
        slidingWindow = sliding.isEmpty ? nil : window
        slidingLayers = slidingWindow == nil ? [] : sliding
    }
}

/// Typed access to a config's fields, each error naming the field.
struct HFFields {
    let dict: [String: Any]
    init(_ dict: [String: Any]) { self.dict = dict }

    func has(_ key: String) -> Bool { dict[key] != nil }

    private func isNull(_ v: Any?) -> Bool { v == nil || v is NSNull }

    func string(_ key: String) throws -> String {
        guard let v = dict[key], !isNull(v) else { throw EngineError("config lacks required field \"\(key)\"", argument: key) }
        guard let s = v as? String else { throw EngineError("config field \"\(key)\" must be a string", argument: key) }
        return s
    }

    /// An integer-valued field; nil when absent or null.
    func optionalInt(_ key: String) throws -> Int? {
        guard let v = dict[key], !isNull(v) else { return nil }
        return try Self.integer(v, key)
    }

    /// A numeric field; nil when absent or null.
    func optionalDouble(_ key: String) throws -> Double? {
        guard let v = dict[key], !isNull(v) else { return nil }
        guard let n = v as? NSNumber, !Self.isBoolean(n), n.doubleValue.isFinite else {
            throw EngineError("config field \"\(key)\" must be a number", argument: key)
        }
        return n.doubleValue
    }

    func int(_ key: String) throws -> Int {
        guard let v = try optionalInt(key) else {
            throw EngineError("config lacks required field \"\(key)\"", argument: key)
        }
        return v
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let v = dict[key], !isNull(v) else { return fallback }
        if let n = v as? NSNumber, Self.isBoolean(n) { return n.boolValue }
        throw EngineError("config field \"\(key)\" must be true or false", argument: key)
    }

    func intList(_ key: String) throws -> [Int]? {
        guard let v = dict[key], !isNull(v) else { return nil }
        guard let list = v as? [Any] else { throw EngineError("config field \"\(key)\" must be a list", argument: key) }
        return try list.map { try Self.integer($0, key) }
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let v = dict[key], !isNull(v) else { return nil }
        guard let list = v as? [String] else {
            throw EngineError("config field \"\(key)\" must be a list of strings", argument: key)
        }
        return list
    }

    private static func isBoolean(_ n: NSNumber) -> Bool {
        // JSONSerialization gives booleans as NSNumber; their objCType is "c" (char).
        String(cString: n.objCType) == "c"
    }

    private static func integer(_ v: Any, _ key: String) throws -> Int {
        guard let n = v as? NSNumber, !isBoolean(n) else {
            throw EngineError("config field \"\(key)\" must be an integer", argument: key)
        }
        let d = n.doubleValue
        guard d.rounded() == d, abs(d) < 9e15 else {
            throw EngineError("config field \"\(key)\" must be an integer, got \(d)", argument: key)
        }
        return Int(d)
    }
}
