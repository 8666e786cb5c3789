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

    /// How many of the layers in `range` slide (linear in the sliding list, not in range × list).
    func slidingCount(in range: Range<Int>) -> Int {
        slidingWindow == nil ? 0 : Set(slidingLayers).filter { range.contains($0) }.count
    }

    /// Whether layer `i` has a routed-expert MLP.
    public func isMoELayer(_ i: Int) -> Bool { moe?.isMoELayer(i) ?? false }

    /// The most decoder layers a spec may have.
    public static let maxLayers = 100_000

    /// Throws an EngineError naming the first field that is not a positive count, or that contradicts another.
    public func validate() throws {
        let counts: [(String, Int)] = [
            ("num_hidden_layers", layers), ("hidden_size", hidden), ("num_attention_heads", heads),
            ("num_key_value_heads", kvHeads), ("head_dim", headDim), ("vocab_size", vocab),
            ("intermediate_size", intermediate),
        ]
        for (field, v) in counts where v <= 0 {
            throw EngineError("\(name): \(field) must be a positive integer, got \(v)", argument: field)
        }
        // Layers are walked one by one; no real model comes near this bound.
        if layers > ModelSpec.maxLayers {
            throw EngineError("\(name): num_hidden_layers \(layers) exceeds \(ModelSpec.maxLayers)", argument: "num_hidden_layers")
        }
        if mla == nil, heads % kvHeads != 0 {
            throw EngineError("\(name): num_attention_heads (\(heads)) is not a multiple of num_key_value_heads (\(kvHeads))",
                              argument: "num_key_value_heads")
        }
        if let m = moe {
            let moeCounts: [(String, Int)] = [
                ("num_experts", m.experts), ("num_experts_per_tok", m.expertsPerToken),
                ("moe_intermediate_size", m.intermediate), ("moe_layer_freq", m.layerFrequency),
            ]
            for (field, v) in moeCounts where v <= 0 {
                throw EngineError("\(name): \(field) must be a positive integer, got \(v)", argument: field)
            }
            if m.expertsPerToken > m.experts {
                throw EngineError("\(name): num_experts_per_tok (\(m.expertsPerToken)) exceeds the experts (\(m.experts))",
                                  argument: "num_experts_per_tok")
            }
        }
        if let a = mla {
            let mlaCounts: [(String, Int)] = [
                ("kv_lora_rank", a.kvLoraRank), ("qk_rope_head_dim", a.qkRopeHeadDim),
                ("qk_nope_head_dim", a.qkNopeHeadDim), ("v_head_dim", a.vHeadDim), ("q_lora_rank", a.qLoraRank ?? 1),
            ]
            for (field, v) in mlaCounts where v <= 0 {
                throw EngineError("\(name): \(field) must be a positive integer, got \(v)", argument: field)
            }
        }
        if let w = slidingWindow, w <= 0 {
            throw EngineError("\(name): sliding_window must be a positive integer, got \(w)", argument: "sliding_window")
        }
    }
}
