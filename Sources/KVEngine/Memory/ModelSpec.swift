/// The kind of normalisation layer: RMSNorm has a weight only, LayerNorm a weight and a bias.
public enum NormKind: String, Sendable, Equatable {
    case rms
    case layer

    /// Parameters of one norm over `width` features.
    func params(width: Int) -> Int { self == .rms ? width : 2 * width }
}

/// Mixture of experts: which layers route their MLP through experts, and how big the experts are.
public struct MoESpec: Sendable, Equatable {
    /// Routed experts per MoE layer.
    public var experts: Int
    /// Routed experts each token passes through (top-k).
    public var expertsPerToken: Int
    /// Intermediate width of one routed expert.
    public var intermediate: Int
    /// Number of shared experts (DeepSeek) — 0 for none. Shared experts see every token.
    public var sharedExperts: Int
    /// Total intermediate width of the shared-expert MLP (DeepSeek: moe_intermediate × n_shared_experts;
    /// Qwen2-MoE: shared_expert_intermediate_size).
    public var sharedIntermediate: Int
    /// Qwen2-MoE gates the shared expert with a Linear(hidden, 1).
    public var sharedExpertGate: Bool
    /// Leading layers that keep a dense MLP (DeepSeek first_k_dense_replace).
    public var firstDenseLayers: Int
    /// Every `layerFrequency`-th layer is MoE: layer i is MoE when (i + frequencyOffset) % layerFrequency == 0
    /// (DeepSeek moe_layer_freq: offset 0; Qwen2-MoE decoder_sparse_step: offset 1).
    public var layerFrequency: Int
    public var frequencyOffset: Int
    /// Layers that keep a dense MLP whatever the rule says (Qwen2-MoE mlp_only_layers).
    public var denseLayers: [Int] { didSet { denseSet = Set(denseLayers) } }
    /// The same as a set: isMoELayer is asked once per layer, so a list lookup made the walks quadratic.
    private var denseSet: Set<Int>

    public init(experts: Int, expertsPerToken: Int, intermediate: Int, sharedExperts: Int = 0,
                sharedIntermediate: Int = 0, sharedExpertGate: Bool = false, firstDenseLayers: Int = 0,
                layerFrequency: Int = 1, frequencyOffset: Int = 0, denseLayers: [Int] = []) {
        self.experts = experts
        self.expertsPerToken = expertsPerToken
        self.intermediate = intermediate
        self.sharedExperts = sharedExperts
        self.sharedIntermediate = sharedIntermediate
        self.sharedExpertGate = sharedExpertGate
        self.firstDenseLayers = firstDenseLayers
        self.layerFrequency = layerFrequency
        self.frequencyOffset = frequencyOffset
        self.denseLayers = denseLayers
        self.denseSet = Set(denseLayers)
    }

    /// Whether decoder layer `i` (0-based) routes through experts.
    public func isMoELayer(_ i: Int) -> Bool {
        i >= firstDenseLayers && !denseSet.contains(i) && layerFrequency > 0
            && (i + frequencyOffset) % layerFrequency == 0
    }
}

/// Multi-head latent attention (DeepSeek-V2/V3): K and V come from a low-rank latent that is what the cache holds.
public struct MLASpec: Sendable, Equatable {
    /// Rank of the query compression; nil when queries are projected directly (DeepSeek-V2-Lite).
    public var qLoraRank: Int?
    public var kvLoraRank: Int
    public var qkRopeHeadDim: Int
    public var qkNopeHeadDim: Int
    public var vHeadDim: Int

    public init(qLoraRank: Int?, kvLoraRank: Int, qkRopeHeadDim: Int, qkNopeHeadDim: Int, vHeadDim: Int) {
        self.qLoraRank = qLoraRank
        self.kvLoraRank = kvLoraRank
        self.qkRopeHeadDim = qkRopeHeadDim
        self.qkNopeHeadDim = qkNopeHeadDim
        self.vHeadDim = vHeadDim
    }

    /// Width of one query/key head: the part without position plus the rotary part.
    public var qkHeadDim: Int { qkNopeHeadDim + qkRopeHeadDim }
}

/// The layers of one pipeline stage, by kind.
struct StageLayers {
    var dense = 0, moe = 0, sliding = 0
}

/// A decoder-only transformer, described by the facts that memory arithmetic needs.
///
/// Counts are plain integers; `validate()` checks that they are positive and consistent.
public struct ModelSpec: Sendable, Equatable {
    public var name: String
    /// The Hugging Face model_type it was read from ("llama", "deepseek_v3", …), or "custom".
    public var modelType: String
    public var layers: Int
    public var hidden: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    /// Intermediate width of the dense MLP (unused by MoE layers).
    public var intermediate: Int
    public var vocab: Int
    /// lm_head shares the embedding matrix.
    public var tiedEmbeddings: Bool
    /// Biases on q/k/v projections (Qwen2), on the output projection, and on the MLP projections.
    public var qkvBias: Bool
    public var outputBias: Bool
    public var mlpBias: Bool
    /// Per-head RMSNorm on queries and keys (Qwen3): two norms of head_dim per layer.
    public var qkNorm: Bool
    public var norm: NormKind
    /// Norms per decoder layer: 2 (pre-attention, pre-MLP), 4 for Gemma-2 (also post-attention, post-MLP).
    public var normsPerLayer: Int
    public var moe: MoESpec?
    public var mla: MLASpec?
    /// Sliding-window length in tokens, and the 0-based layers that use it (empty: none).
    public var slidingWindow: Int?
    public var slidingLayers: [Int]
    /// Gemma-2 caps its final logits with tanh (final_logit_softcapping); the capping copies the logits.
    public var finalLogitSoftcap: Double?
    /// Multi-token-prediction layers shipped in the checkpoint (DeepSeek-V3: 1). Transformers does not build them,
    /// so they are not counted in `params`; recorded for information.
    public var mtpLayers: Int
    /// How the checkpoint stores its weights (hf_config's quantization_config); nil: unquantized.
    public var checkpoint: Quantization? = nil

    public init(name: String = "custom", modelType: String = "custom", layers: Int, hidden: Int, heads: Int,
                kvHeads: Int? = nil, headDim: Int? = nil, intermediate: Int, vocab: Int,
                tiedEmbeddings: Bool = false, qkvBias: Bool = false, outputBias: Bool = false, mlpBias: Bool = false,
                qkNorm: Bool = false, norm: NormKind = .rms, normsPerLayer: Int = 2, moe: MoESpec? = nil,
                mla: MLASpec? = nil, slidingWindow: Int? = nil, slidingLayers: [Int] = [], finalLogitSoftcap: Double? = nil,
                mtpLayers: Int = 0) {
        self.name = name
        self.modelType = modelType
        self.layers = layers
        self.hidden = hidden
        self.heads = heads
        self.kvHeads = kvHeads ?? heads
        // heads > 0 is checked by validate(); avoid a division trap here.
        self.headDim = headDim ?? (heads > 0 ? hidden / heads : 0)
        self.intermediate = intermediate
        self.vocab = vocab
        self.tiedEmbeddings = tiedEmbeddings
        self.qkvBias = qkvBias
        self.outputBias = outputBias
        self.mlpBias = mlpBias
        self.qkNorm = qkNorm
        self.norm = norm
        self.normsPerLayer = normsPerLayer
        self.moe = moe
        self.mla = mla
        self.slidingWindow = slidingWindow
        self.slidingLayers = slidingLayers
        self.finalLogitSoftcap = finalLogitSoftcap
        self.mtpLayers = mtpLayers
    }

    /// Whether layer `i` attends over a sliding window (and so caches at most `slidingWindow` tokens).
    public func isSlidingLayer(_ i: Int) -> Bool {
        slidingWindow != nil && slidingLayers.contains(i)
    }

    /// How many of the layers in `range` slide.
    func slidingCount(in range: Range<Int>) -> Int { stageLayers([range])[0].sliding }

    /// Whether layer `i` has a routed-expert MLP.
    public func isMoELayer(_ i: Int) -> Bool { moe?.isMoELayer(i) ?? false }

    /// Layers of `kind` in `range`.
    func layerCount(_ kind: LayerKind, in range: Range<Int>) -> Int {
        let c = stageLayers([range])[0]
        return kind == .moe ? c.moe : c.dense
    }

    /// Each stage's dense, MoE and sliding layers, from one pass over the layers and the layer lists: linear in
    /// the layers however many stages there are (asking isMoELayer per layer scans the dense list each time).
    func stageLayers(_ stages: [Range<Int>]) -> [StageLayers] {
        var isMoE = [Bool](repeating: false, count: max(layers, 0))
        if let m = moe, m.layerFrequency > 0 {
            let dense = Set(m.denseLayers)
            for i in isMoE.indices {
                isMoE[i] = i >= m.firstDenseLayers && !dense.contains(i) && (i + m.frequencyOffset) % m.layerFrequency == 0
            }
        }
        var slides = [Bool](repeating: false, count: max(layers, 0))
        if slidingWindow != nil {
            for i in slidingLayers where slides.indices.contains(i) { slides[i] = true }
        }
        return stages.map { range in
            var c = StageLayers()
            for i in range where isMoE.indices.contains(i) {
                if isMoE[i] { c.moe += 1 } else { c.dense += 1 }
                if slides[i] { c.sliding += 1 }
            }
            return c
        }
    }

    /// The most decoder layers a spec may have.
    public static let maxLayers = 100_000

    /// Throws an EngineError naming the first field that is out of range or contradicts another, by its
    /// Hugging Face config key (what `hf_config` reads).
    public func validate() throws { try validate(naming: .huggingFace) }

    /// The same, naming fields as `naming` spells them (a kvcalc model record's `kv_heads`, or a config's
    /// `num_key_value_heads`). Linear in the layers and the layer lists.
    public func validate(naming: FieldNaming) throws {
        func name(_ f: ModelField) -> String { naming == .record ? f.rawValue : f.huggingFace }
        func fail(_ f: ModelField, _ message: String) -> EngineError {
            EngineError((naming == .record ? "" : "\(self.name): ") + "`\(name(f))` \(message)", argument: name(f))
        }
        func atLeast(_ f: ModelField, _ v: Int, _ lower: Int, _ upper: Int = Int(Int32.max)) throws {
            guard v >= lower, v <= upper else {
                throw fail(f, "must be a whole number from \(lower) to \(upper), not \(v)")
            }
        }
        try atLeast(.layers, layers, 1, ModelSpec.maxLayers)
        for (f, v) in [(ModelField.hidden, hidden), (.heads, heads), (.kvHeads, kvHeads), (.headDim, headDim),
                       (.vocab, vocab), (.intermediate, intermediate)] {
            try atLeast(f, v, 1)
        }
        try atLeast(.normsPerLayer, normsPerLayer, 0, 8)
        try atLeast(.mtpLayers, mtpLayers, 0, ModelSpec.maxLayers)
        if mla == nil, heads % kvHeads != 0 {
            throw fail(.kvHeads, "(\(kvHeads)) must divide `\(name(.heads))` (\(heads)): each key/value head serves a whole group of query heads")
        }
        if let m = moe {
            try atLeast(.experts, m.experts, 1)
            try atLeast(.expertsPerToken, m.expertsPerToken, 1, m.experts)
            try atLeast(.moeIntermediate, m.intermediate, 1)
            try atLeast(.sharedExperts, m.sharedExperts, 0)
            try atLeast(.sharedIntermediate, m.sharedIntermediate, 0)
            try atLeast(.firstDenseLayers, m.firstDenseLayers, 0, layers)
            try atLeast(.moeLayerFrequency, m.layerFrequency, 1, layers)
            try atLeast(.moeFrequencyOffset, m.frequencyOffset, 0, layers)
            try checkLayerList(m.denseLayers, .denseLayers, fail)
        }
        if let a = mla {
            for (f, v) in [(ModelField.kvLoraRank, a.kvLoraRank), (.qkRopeHeadDim, a.qkRopeHeadDim),
                           (.qkNopeHeadDim, a.qkNopeHeadDim), (.vHeadDim, a.vHeadDim), (.qLoraRank, a.qLoraRank ?? 1)] {
                try atLeast(f, v, 1)
            }
        }
        if let w = slidingWindow { try atLeast(.slidingWindow, w, 1) }
        try checkLayerList(slidingLayers, .slidingLayers, fail)
        if let c = finalLogitSoftcap, !(c.isFinite && c > 0) {
            throw fail(.finalLogitSoftcap, "must be a positive number, not \(c)")
        }
    }

    /// Layer indices: each in 0..<layers, none twice.
    private func checkLayerList(_ list: [Int], _ f: ModelField,
                                _ fail: (ModelField, String) -> EngineError) throws {
        var seen = Set<Int>()
        for i in list {
            guard i >= 0, i < layers else { throw fail(f, "lists layer \(i), outside 0 … \(layers - 1)") }
            guard seen.insert(i).inserted else { throw fail(f, "lists layer \(i) twice") }
        }
    }
}

/// How validation errors spell a model's fields.
public enum FieldNaming: Sendable {
    case record, huggingFace
}

/// A model's fields: the raw value is the kvcalc record's name, `huggingFace` the config.json key that sets it.
public enum ModelField: String, CaseIterable, Sendable {
    case layers, hidden, heads, vocab, intermediate
    case kvHeads = "kv_heads", headDim = "head_dim", normsPerLayer = "norms_per_layer", mtpLayers = "mtp_layers"
    case experts, expertsPerToken = "experts_per_token", moeIntermediate = "moe_intermediate"
    case sharedExperts = "shared_experts", sharedIntermediate = "shared_intermediate"
    case firstDenseLayers = "first_dense_layers", moeLayerFrequency = "moe_layer_frequency"
    case moeFrequencyOffset = "moe_frequency_offset", denseLayers = "dense_layers"
    case kvLoraRank = "kv_lora_rank", qLoraRank = "q_lora_rank", qkRopeHeadDim = "qk_rope_head_dim"
    case qkNopeHeadDim = "qk_nope_head_dim", vHeadDim = "v_head_dim"
    case slidingWindow = "sliding_window", slidingLayers = "sliding_layers", finalLogitSoftcap = "final_logit_softcap"

    public var huggingFace: String {
        switch self {
        case .layers: "num_hidden_layers"
        case .hidden: "hidden_size"
        case .heads: "num_attention_heads"
        case .kvHeads: "num_key_value_heads"
        case .vocab: "vocab_size"
        case .intermediate: "intermediate_size"
        case .mtpLayers: "num_nextn_predict_layers"
        case .experts: "num_experts"
        case .expertsPerToken: "num_experts_per_tok"
        case .moeIntermediate: "moe_intermediate_size"
        case .sharedExperts: "n_shared_experts"
        case .sharedIntermediate: "shared_expert_intermediate_size"
        case .firstDenseLayers: "first_k_dense_replace"
        case .moeLayerFrequency: "moe_layer_freq"
        case .denseLayers: "mlp_only_layers"
        case .slidingLayers: "layer_types"
        case .finalLogitSoftcap: "final_logit_softcapping"
        default: rawValue
        }
    }
}
