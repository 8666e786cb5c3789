/// Which positions' logits a prefill keeps: the last one per sequence (as generation does) or every position.
public enum LogitsKept: String, Sendable, CaseIterable {
    case last, all
}

/// One moment of the forward pass and the transient bytes alive then.
public struct ActivationPhase: Sendable, Equatable {
    public var name: String
    public var bytes: Double
}

/// The transient peak of a prefill: the largest of the phases' live sets.
public struct ActivationBreakdown: Sendable {
    public var bytes: Double
    /// The peak inside the decoder layers (every pipeline stage) and of the logits (the last stage only).
    public var layerPeak: Double
    public var logitsPeak: Double
    /// The phase that sets the peak.
    public var peakPhase: String
    public var phases: [ActivationPhase]
    public var tokens: Int
}

/// The activation peak of a prefill, derived tensor by tensor from Hugging Face transformers' forward pass
/// (v5.23: `LlamaModel.forward`, `LlamaDecoderLayer`, `LlamaRMSNorm`, `apply_rotary_pos_emb`,
/// `sdpa_attention_forward`, `DynamicLayer.update`, `MixtralExperts`, `DeepseekV3Attention`, `DeepseekV3MoE`),
/// in the compute dtype, with a fused attention kernel (no seq × seq scores). Gemma-2 runs eager attention in
/// transformers (its softcapping has no sdpa path), whose seq × seq scores are not modelled: serving engines fuse it.
///
/// Derived, not fitted: every term below is a tensor the reference code keeps alive at that moment.
/// Calibrated: nothing. The measurements (Tests/KVEngineTests/Fixtures/activation-h100.json) only check it.
///
/// Checked against both the H100 measurements and, for the other architectures, live-set measurements of the
/// same forward on the CPU (scripts/activation_livebytes.py, Fixtures/activation-cpu-livebytes.json).
///
/// Per token, with H = hidden, q = heads·head_dim / tp, kv = chip's kv heads·head_dim, I = intermediate / tp:
/// - carried through every layer: `inputs_embeds` (kept by the model's forward) and the layer's input: 2H;
/// - post-attention norm: + the attention sum H, + its fp32 copy and product (8H bytes);
/// - attention: + the normed input H, + the largest of rotary on q (4q + 2kv: q, q·cos, rotate_half(q)·sin,
///   q_embed, k, v), rotary on k (2q + 5kv), sdpa (q_embed, output, its contiguous copy: 3q, and the fp32
///   log-sum-exp), o_proj (2q + H); K and V copied into the cache are cache, not activation;
/// - MLP: + the attention sum H and the normed input H, + gate's activation, up, and their product: 3I;
/// - MoE (transformers' default `grouped_mm_experts_forward`, all tokens × top-k pairs at once, so no routing
///   balance enters): the same 4H, + the router's top-k weights and ids, + per pair its gathered input H, gate_up
///   2I, act I and product I, and the sort's int64 ids and permutation; later the pairs' outputs, weighted (fp32
///   with Mixtral's and DeepSeek's fp32 routing weights) and re-ordered; shared experts 3·I_shared per token;
/// - logits: the final hidden states H and the kept logits (batch or tokens rows × vocab/tp), twice with
///   Gemma-2's final-logit softcapping;
/// - rotary cos/sin: 2·seq·head_dim (shared by the batch) alive throughout, and the seq × seq boolean mask
///   when transformers builds one (sliding-window layers at seq ≥ window; Qwen2-MoE always).
extension ModelSpec {
    public func activation(batch: Int, seq: Int, dtype: DType = .bf16, logits: LogitsKept = .last,
                           tp: Int = 1, ep: Int = 1) throws -> ActivationBreakdown {
        try activation(batch: batch, seq: seq, dtype: dtype, logitRows: logits == .all ? nil : batch,
                       logitBytes: dtype.bytes, tp: tp, ep: ep)
    }

    /// The derivation, with the logits' rows (nil: every position) and bytes per logit given explicitly.
    func activation(batch: Int, seq: Int, dtype: DType, logitRows: Int?, logitBytes: Double,
                    tp: Int, ep: Int) throws -> ActivationBreakdown {
        try Argument.positive(batch, "batch")
        try Argument.positive(seq, "seq")
        try validate()
        let par = Parallelism(tp: tp, ep: ep)
        try par.check(self)
        let tokens = try activationTokens(batch: batch, seq: seq)
        var phases: [ActivationPhase] = []
        let logitsPeak = activationPhases(batch: batch, seq: seq, tokens: tokens, dtype: dtype, logitRows: logitRows,
                                          logitBytes: logitBytes, tp: tp, ep: ep,
                                          hasDense: layerCount(.dense, in: 0..<layers) > 0,
                                          hasMoE: layerCount(.moe, in: 0..<layers) > 0) { name, bytes in
            phases.append(ActivationPhase(name: name, bytes: bytes))
        }
        let layerPeak = phases.map(\.bytes).max() ?? 0
        phases.append(ActivationPhase(name: logitRows == nil ? "logits (all)" : "logits (last)", bytes: logitsPeak))

        let peak = phases.max { $0.bytes < $1.bytes } ?? ActivationPhase(name: "none", bytes: 0)
        return ActivationBreakdown(bytes: peak.bytes, layerPeak: layerPeak, logitsPeak: logitsPeak,
                                   peakPhase: peak.name, phases: phases, tokens: tokens)
    }

    /// batch × seq, the prefill's tokens; an overflow is an error.
    func activationTokens(batch: Int, seq: Int) throws -> Int {
        let (tokens, overflow) = batch.multipliedReportingOverflow(by: seq)
        if overflow { throw EngineError("batch × seq overflows", argument: "batch") }
        return tokens
    }

    /// The arithmetic of the derivation, once the arguments are checked: hands each decoder-layer phase to
    /// `phase` and returns the logits' peak. `hasDense` and `hasMoE`: whether any layer has that MLP (they depend
    /// on the model alone, so MemoryPlanner counts them once).
    func activationPhases(batch: Int, seq: Int, tokens: Int, dtype: DType, logitRows: Int?, logitBytes: Double,
                          tp: Int, ep: Int, hasDense: Bool, hasMoE: Bool,
                          phase: (String, Double) -> Void) -> Double {
        let t = Double(tokens)
        let b = dtype.bytes
        let h = Double(hidden)
        let rope = 2 * Double(seq) * Double(mla?.qkRopeHeadDim ?? headDim) * b
        // transformers builds one seq × seq boolean mask (expanded, not copied, over the batch) for sliding-window
        // layers once the sequence reaches the window, and then sdpa repeats K/V to every head (no native GQA
        // with a mask). Qwen2-MoE builds that mask always: its config turns an unused window into 0.
        let slidingMask = slidingWindow.map { !slidingLayers.isEmpty && seq >= $0 } ?? false
        let mask = slidingMask || modelType == "qwen2_moe" ? Double(seq) * Double(seq) : 0
        let carried = (layers > 1 ? 2 : 1) * h * b * t + rope + mask

        func add(_ name: String, perToken: Double, extra: Double = 0) {
            phase(name, carried + perToken * t + extra)
        }
        add("post-attention norm (fp32)", perToken: h * b + 8 * h)
        add("attention", perToken: h * b + attentionPeakPerToken(tp: tp, b: b, repeatedKV: slidingMask))
        if hasDense {
            add("mlp", perToken: (2 * h + 3 * Double(intermediate / tp)) * b)
        }
        if let m = moe, hasMoE {
            // transformers' default "grouped_mm" experts: every (token, expert) pair at once, sorted by expert.
            // Under ep each chip runs only its experts' pairs: k/ep per token with balanced routing (assumed).
            let k = Double(m.expertsPerToken) / Double(ep)
            let routed = Double(m.expertsPerToken)  // the router's top-k outputs exist for every token
            let width = Double(ep > 1 ? m.intermediate : m.intermediate / tp)
            let shared = Double(m.sharedIntermediate / tp)
            // Qwen2-MoE casts the routing weights to bf16 and runs the shared expert first; Mixtral and DeepSeek
            // keep fp32 weights (so the weighted expert outputs are fp32) and run shared experts after.
            let qwenStyle = modelType == "qwen2_moe"
            let routeBytes = qwenStyle ? b : 4
            let sharedOutput = qwenStyle && shared > 0 ? h * b : 0
            // attention sum + normed input; top-k weights and int64 ids; the shared output when computed first.
            let common = 2 * h * b + routed * (routeBytes + 8) + sharedOutput
            // per pair: sorted expert ids and permutation (int64), sorted weights, histc input (int32).
            let sortBytes = 8 + 8 + routeBytes + 4
            add("moe experts (gate_up)", perToken: common + k * ((h + 4 * width) * b + sortBytes))
            let weighted = max(b, routeBytes)
            add("moe experts (combine)", perToken: common + k * (h * (2 * b + 2 * weighted) + sortBytes + 8))
            if shared > 0 {
                add("shared experts", perToken: common - sharedOutput + (qwenStyle ? 0 : h * b) + 3 * shared * b)
            }
        }
        let vocabPerChip = Double((vocab + tp - 1) / tp)
        let rows = logitRows.map { Double($0) } ?? t
        // Gemma-2's softcapping (logits / cap, tanh, × cap) holds two copies at each step.
        let copies: Double = finalLogitSoftcap == nil ? 1 : 2
        return t * h * b + copies * rows * vocabPerChip * logitBytes
    }

    /// The old rule of thumb: activations as a share of the weights on the chip (e.g. 0.1). Not the default:
    /// measured peaks differ from it by more than 10× either way.
    public func activation(ratio: Double, dtype: DType = .bf16, tp: Int = 1, pp: Int = 1, ep: Int = 1) throws -> Double {
        guard ratio.isFinite, ratio >= 0 else {
            throw EngineError("ratio must be a non-negative share, got \(ratio)", argument: "ratio")
        }
        return ratio * (try weights(dtype: dtype, tp: tp, pp: pp, ep: ep).bytes)
    }

    /// Elements (bytes for fp32 parts) per token that attention adds above the normed input, on one chip.
    private func attentionPeakPerToken(tp: Int, b: Double, repeatedKV: Bool) -> Double {
        let headsPerChip = Double(heads / tp)
        let lse = 4 * headsPerChip  // sdpa's fp32 log-sum-exp per head
        if let a = mla {
            // DeepseekV3Attention: q_states (kept by q_pass), rotated q_rot, the concatenated query, kv_b's output
            // (nope + v, value_states is a view of it), the new key_states, sdpa output and its contiguous copy;
            // plus the compressed kv (kv_lora + rope) before the cache takes it.
            let qk = Double(a.qkHeadDim), perHead = 3 * qk + Double(a.qkRopeHeadDim) + Double(a.qkNopeHeadDim)
                + 3 * Double(a.vHeadDim)
            return (headsPerChip * perHead + Double(a.kvLoraRank + a.qkRopeHeadDim)) * b + lse
        }
        let q = headsPerChip * Double(headDim)
        let kv = Double(max(1, kvHeads / tp) * headDim)
        let peak = max(4 * q + 2 * kv, 2 * q + 5 * kv, 2 * q + Double(hidden))
        let repeated = repeatedKV && kvHeads < heads ? 2 * q : 0  // repeat_kv copies under a mask
        return max(peak * b, (3 * q + repeated) * b + lse)
    }
}
