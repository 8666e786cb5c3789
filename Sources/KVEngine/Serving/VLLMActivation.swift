/// The activation peak of vLLM's profile run, from its fused kernels rather than the Hugging Face forward pass
/// (Activation.swift): vLLM's RMSNorm adds the residual in place, attention writes into one output buffer and
/// needs no mask, so a layer holds only its projections' outputs. Per token on one rank, b bytes per element:
/// - attention: hidden and residual (2H), the fused qkv output (q + 2kv) and the attention output (q); then
///   o_proj's output (H) beside the attention output;
/// - dense MLP (`MergedColumnParallelLinear` + `SiluAndMul`): 2H, gate_up (2I/tp) and its activation (I/tp);
/// - MoE (`fused_moe`): 2H and per routed pair its three caches (2I + I + H, `intermediate_cache1…3`), shared
///   experts as a dense MLP of their width;
/// - MLA: 2H, the query (heads × qk_head_dim), kv_b's output (heads × (nope + v)), the rope key, the output;
/// - the sampler, on the last token of each of max_num_seqs sequences over the whole vocabulary, fp32:
///   `samplerBytesPerLogit` bytes per logit (vLLM's profile run samples with top_p 0.99 and top_k vocab − 1,
///   so the sort path runs: logits, sorted values, int64 indices, sorted probabilities, their cumulative sum,
///   the mask, softmax and log-softmax). V0 samples on the driver rank only; V1 on every rank.
/// Checked against the logs' "PyTorch activation peak": Llama-3-8B, 8192 tokens, 256 sequences 1.26 GiB
/// (sampler 256 × 128,256 × 40 B = 1.22 GiB); Qwen2.5-7B, 6600 tokens, 1.43 GiB (1.45 GiB); Llama-3.1-70B tp 8,
/// 512 tokens, rank 0 17.67 − 16.46 = 1.21 GiB against 1.22 GiB, the other ranks 0.07 GiB (no sampler).
extension ModelSpec {
    static let samplerBytesPerLogit = 40.0

    public struct ProfileActivation: Sendable, Equatable {
        public var layerPeak: Double
        public var sampler: Double
        public var bytes: Double { max(layerPeak, sampler) }
    }

    func vllmActivation(tokens: Int, sequences: Int, options o: MemoryOptions, sampler: Bool) throws -> ProfileActivation {
        try validate()
        try o.parallelism.check(self)
        let b = o.computeDType.bytes, t = Double(tokens), tp = o.tp
        let h = Double(hidden)
        let q = Double(heads / tp * headDim)
        let kv = Double(max(1, kvHeads / tp) * headDim)
        var perToken: Double
        if let a = mla {
            let hp = Double(heads / tp)
            perToken = 2 * h + hp * Double(a.qkHeadDim + a.qkNopeHeadDim + a.vHeadDim + a.vHeadDim)
                + Double(a.kvLoraRank + a.qkRopeHeadDim)
        } else {
            perToken = max(2 * h + q + 2 * kv + q, 3 * h + q)
        }
        if layerCount(.dense, in: 0..<layers) > 0 {
            perToken = max(perToken, 2 * h + 3 * Double(intermediate / tp))
        }
        if let m = moe, layerCount(.moe, in: 0..<layers) > 0 {
            let width = Double(o.ep > 1 ? m.intermediate : m.intermediate / tp)
            let pairs = Double(m.expertsPerToken) / Double(o.ep)
            perToken = max(perToken, 2 * h + pairs * (3 * width + h) + 3 * Double(m.sharedIntermediate / tp))
        }
        let logits = sampler ? Double(sequences) * Double(vocab) * Self.samplerBytesPerLogit : 0
        return ProfileActivation(layerPeak: perToken * t * b, sampler: logits)
    }
}
