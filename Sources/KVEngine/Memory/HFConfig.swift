import Foundation

/// Reading a Hugging Face `config.json` into a ModelSpec.
///
/// Defaults and implied facts follow the transformers configuration and modeling classes (v5.23, read in
/// `models/<type>/configuration_<type>.py` and `modeling_<type>.py`): what a config leaves out means what
/// transformers would build from it. Keys it reads are validated (type, whole number, range) with errors naming the
/// key and its line:column; keys it does not model are ignored. `quantization_config` becomes `checkpoint`.
extension ModelSpec {
    /// Model types whose configs this reader understands.
    public static let supportedModelTypes = [
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "deepseek_v2", "deepseek_v3", "gemma2",
    ]

    /// The `layer_types` entries the supported models use.
    static let knownLayerTypes = ["full_attention", "sliding_attention"]

    /// Reads `config.json` at `path` (a regular UTF-8 file of at most 16 MiB). Throws an EngineError: argument
    /// "path" for a file that cannot be read or parsed, else the JSON key at fault.
    public static func load(hfConfigPath path: String, name: String? = nil) throws -> ModelSpec {
        let bytes = try HFConfigFile.read(path)
        let fallback = URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent
        return try ModelSpec(hfConfigBytes: bytes, name: name ?? fallback, source: path)
    }

    /// Parses the bytes of a `config.json`; `source` names it in messages.
    public init(hfConfigJSON data: Data, name: String = "hf_config", source: String = "config.json") throws {
        guard data.count <= HFConfigFile.maxBytes else {
            throw EngineError("\(source) is larger than \(HFConfigFile.maxBytes >> 20) MiB", argument: "path")
        }
        try self.init(hfConfigBytes: try HFConfigFile.decode(Array(data), source: source), name: name, source: source)
    }

    init(hfConfigBytes bytes: [UInt8], name: String, source: String) throws {
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            throw EngineError("\(source):\(error.line):\(error.column): invalid JSON: \(error.message)", argument: "path")
        }
        let c = try HFFields(root, source: source)
        let type = try c.string("model_type")
        guard ModelSpec.supportedModelTypes.contains(type) else {
            throw c.error("model_type", "\"\(type)\" is not supported (supported: "
                          + ModelSpec.supportedModelTypes.joined(separator: ", ") + ")")
        }
        // Validated before use: the layer count sizes the lists built below.
        let layers = try c.count("num_hidden_layers", max: ModelSpec.maxLayers)
        let hidden = try c.count("hidden_size")
        let heads = try c.count("num_attention_heads")
        var headDim = try c.optionalCount("head_dim") ?? (type == "gemma2" ? 256 : nil)
        if headDim == nil, hidden % heads != 0 {
            throw c.error("hidden_size", "(\(hidden)) is not a multiple of num_attention_heads (\(heads)), and no head_dim is given")
        }
        headDim = headDim ?? hidden / heads
        var spec = ModelSpec(
            name: name, modelType: type, layers: layers, hidden: hidden, heads: heads,
            kvHeads: try c.optionalCount("num_key_value_heads"), headDim: headDim,
            intermediate: try c.count("intermediate_size"), vocab: try c.count("vocab_size"),
            // Gemma ties lm_head to the embedding unless told otherwise; the others do not.
            tiedEmbeddings: try c.bool("tie_word_embeddings", default: type == "gemma2"))
        if spec.kvHeads > heads {
            throw c.error("num_key_value_heads", "(\(spec.kvHeads)) exceeds num_attention_heads (\(heads))")
        }

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
            let shared = try c.optionalCount("shared_expert_intermediate_size", min: 0) ?? 0
            spec.moe = MoESpec(
                experts: try c.count("num_experts"), expertsPerToken: try c.count("num_experts_per_tok"),
                intermediate: try c.count("moe_intermediate_size"), sharedExperts: shared > 0 ? 1 : 0,
                sharedIntermediate: shared, sharedExpertGate: shared > 0,
                layerFrequency: try c.optionalCount("decoder_sparse_step") ?? 1, frequencyOffset: 1,
                denseLayers: try c.layerList("mlp_only_layers", layers: layers) ?? [])
        case "qwen3":
            spec.qkNorm = true
        case "mixtral":
            spec.moe = MoESpec(experts: try c.count("num_local_experts"), expertsPerToken: try c.count("num_experts_per_tok"),
                               intermediate: spec.intermediate)
        case "deepseek_v2", "deepseek_v3":
            spec.kvHeads = heads  // MLA: every head gets its own K/V from the latent
            spec.mla = MLASpec(
                qLoraRank: try c.optionalCount("q_lora_rank"), kvLoraRank: try c.count("kv_lora_rank"),
                qkRopeHeadDim: try c.count("qk_rope_head_dim"), qkNopeHeadDim: try c.count("qk_nope_head_dim"),
                vHeadDim: try c.count("v_head_dim"))
            spec.headDim = spec.mla.map { $0.qkHeadDim } ?? spec.headDim
            if let experts = try c.optionalCount("n_routed_experts") {
                let moeWidth = try c.count("moe_intermediate_size")
                let shared = try c.optionalCount("n_shared_experts", min: 0) ?? 0
                spec.moe = MoESpec(
                    experts: experts, expertsPerToken: try c.count("num_experts_per_tok"), intermediate: moeWidth,
                    sharedExperts: shared, sharedIntermediate: try Checked.mul(shared, moeWidth, argument: "n_shared_experts"),
                    firstDenseLayers: try c.optionalCount("first_k_dense_replace", min: 0, max: layers) ?? 0,
                    layerFrequency: try c.optionalCount("moe_layer_freq") ?? 1)
            }
            spec.mtpLayers = try c.optionalCount("num_nextn_predict_layers", min: 0, max: ModelSpec.maxLayers) ?? 0
        case "gemma2":
            spec.normsPerLayer = 4  // input, post-attention, pre-feedforward, post-feedforward
            // Absent: transformers' default 30; null: no capping.
            spec.finalLogitSoftcap = c.values["final_logit_softcapping"] == nil ? 30 : try c.optionalNumber("final_logit_softcapping")
            if let cap = spec.finalLogitSoftcap, cap <= 0 {
                throw c.error("final_logit_softcapping", "must be positive, got \(cap)")
            }
        default:
            break
        }
        if let m = spec.moe, m.expertsPerToken > m.experts {
            throw c.error("num_experts_per_tok", "(\(m.expertsPerToken)) exceeds the number of experts (\(m.experts))")
        }
        try spec.readSlidingWindow(c, type: type)
        if let q = try c.object("quantization_config") {
            spec.checkpoint = try Quantization(hf: q, modelDType: try Quantization.modelDType(c))
        }
        try spec.validate()
        self = spec
    }

    /// Which layers use a sliding window, by each type's rule (an explicit `layer_types` list wins).
    private mutating func readSlidingWindow(_ c: HFFields, type: String) throws {
        // transformers' defaults when the key is absent: 4096 for mistral and gemma2, none for mixtral.
        let defaultWindow: Int? = (type == "mistral" || type == "gemma2") ? 4096 : nil
        var window = c.values["sliding_window"] == nil ? defaultWindow : try c.optionalCount("sliding_window")
        var sliding: [Int] = []
        switch type {
        case "mistral", "mixtral":
            sliding = Array(0..<layers)
        case "qwen2", "qwen3":
            // The window applies only with use_sliding_window, and then from max_window_layers on.
            if try c.bool("use_sliding_window", default: false) {
                let from = try c.optionalCount("max_window_layers", min: 0) ?? 28
                sliding = Array(min(from, layers)..<layers)
            } else {
                window = nil
            }
        case "qwen2_moe":
            // Qwen2MoeConfig: with use_sliding_window, even layers below max_window_layers slide.
            if try c.bool("use_sliding_window", default: false) {
                let below = min(try c.optionalCount("max_window_layers", min: 0) ?? 28, layers)
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
                throw c.error("layer_types", "has \(types.count) entries for \(layers) layers (num_hidden_layers)")
            }
            if let bad = types.firstIndex(where: { !ModelSpec.knownLayerTypes.contains($0) }) {
                throw c.error("layer_types", "[\(bad)] is \"\(types[bad])\"; expected "
                              + ModelSpec.knownLayerTypes.map { "\"\($0)\"" }.joined(separator: " or "))
            }
            // As in transformers, sliding layers without a window (use_sliding_window false) attend fully.
            sliding = types.indices.filter { types[$0] == "sliding_attention" }
        }
        slidingWindow = sliding.isEmpty ? nil : window
        slidingLayers = slidingWindow == nil ? [] : sliding
    }
}
