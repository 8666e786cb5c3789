/// How a model is split across chips: tensor (tp), pipeline (pp) and expert (ep) parallelism.
///
/// - tp splits attention heads, MLP widths and the vocabulary; norms and routers are replicated. Key/value heads
///   are split too, and replicated when tp exceeds them (each chip keeps max(1, kv_heads / tp) heads).
/// - pp splits the decoder layers into contiguous stages as vLLM's `get_pp_indices` does: ⌊L / pp⌋ each, the
///   remainder going one layer each to the stages just before the last. The embedding sits on the first stage,
///   the final norm and lm_head on the last. Figures per chip are for the largest stage, which is what must fit.
/// - ep splits each MoE layer's routed experts, ⌈E / ep⌉ whole experts per chip (no tp inside an expert when
///   ep > 1, as with vLLM's expert parallelism); with ep = 1 routed experts are split by tp like a dense MLP.
public struct Parallelism: Sendable, Equatable {
    public var tp: Int
    public var pp: Int
    public var ep: Int

    public init(tp: Int = 1, pp: Int = 1, ep: Int = 1) {
        self.tp = tp
        self.pp = pp
        self.ep = ep
    }

    /// Chips a replica occupies: tp × pp (expert parallelism reuses the tp/dp ranks, as in vLLM).
    public var devices: Int { tp * pp }

    /// Throws an EngineError naming tp, pp or ep when the model cannot be split so.
    public func check(_ m: ModelSpec) throws {
        try Argument.positive(tp, "tp")
        try Argument.positive(pp, "pp")
        try Argument.positive(ep, "ep")
        if m.heads % tp != 0 {
            throw EngineError("tp = \(tp) does not divide the \(m.heads) attention heads", argument: "tp")
        }
        if m.mla == nil, m.kvHeads % tp != 0, tp % m.kvHeads != 0 {
            throw EngineError("tp = \(tp) neither divides nor is a multiple of the \(m.kvHeads) key/value heads",
                              argument: "tp")
        }
        let hasDense = m.layerCount(.dense, in: 0..<m.layers) > 0
        if hasDense, m.intermediate % tp != 0 {
            throw EngineError("tp = \(tp) does not divide intermediate_size \(m.intermediate)", argument: "tp")
        }
        if let e = m.moe {
            if ep == 1, e.intermediate % tp != 0 {
                throw EngineError("tp = \(tp) does not divide moe_intermediate_size \(e.intermediate)", argument: "tp")
            }
            if e.sharedIntermediate % tp != 0 {
                throw EngineError("tp = \(tp) does not divide the shared experts' width \(e.sharedIntermediate)",
                                  argument: "tp")
            }
            if ep > e.experts {
                throw EngineError("ep = \(ep) exceeds the \(e.experts) routed experts", argument: "ep")
            }
        } else if ep > 1 {
            throw EngineError("ep = \(ep) needs a mixture-of-experts model", argument: "ep")
        }
        if pp > m.layers {
            throw EngineError("pp = \(pp) exceeds the \(m.layers) layers", argument: "pp")
        }
    }

    /// The layers of each pipeline stage (vLLM `get_pp_indices`: the remainder goes to the stages before the last).
    public func stages(layers: Int) -> [Range<Int>] {
        guard pp > 0, layers > 0 else { return [] }
        var sizes = Array(repeating: layers / pp, count: pp)
        let remainder = layers % pp
        if remainder > 0 {
            for i in 2..<(remainder + 2) { sizes[pp - i] += 1 }
        }
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return start..<(start + n)
        }
    }

    /// Key/value heads held by one chip: an even share, or one replicated head when tp exceeds them.
    func kvHeadsPerChip(_ kvHeads: Int) -> Int { max(1, kvHeads / tp) }
}
