/// The groups a parameter count is aggregated into.
public enum ParamGroup: String, CaseIterable, Sendable {
    case embedding, attention, mlp, experts
    case sharedExperts = "shared_experts"
    case router, norms
    case lmHead = "lm_head"
}

/// Kinds of decoder layer: a dense MLP or routed experts.
public enum LayerKind: String, CaseIterable, Sendable {
    case dense, moe
}

/// How tensor and expert parallelism split an operator's parameters across chips.
enum Split: Sendable, Equatable {
    case replicated      // norms, routers, MLA's down-projections
    case heads           // query/output projections: heads / tp
    case kvHeads         // key/value projections: max(1, kv_heads / tp) heads, replicated past kv_heads
    case width           // dense MLP and shared experts: intermediate / tp
    case vocab           // embedding, lm_head: ceil(vocab / tp) rows
    case routedExperts   // ceil(experts / ep) experts per chip; inside an expert, intermediate / tp when ep == 1
}

/// One operator's parameters: `params` in one instance, `count` instances (layers of its kind, or 1).
public struct ParamOp: Sendable, Equatable {
    /// Hugging Face module name, e.g. "q_proj", "experts.gate_up_proj", "q_proj.bias".
    public var name: String
    public var group: ParamGroup
    /// The layer kind it belongs to; nil for model-level operators (embedding, final norm, lm_head).
    public var layerKind: LayerKind?
    public var params: Int
    public var count: Int
    let split: Split
    /// Quantizable: a linear layer's weight inside the decoder (embedding, lm_head, norms, routers stay 16-bit).
    let quantizable: Bool
    /// A linear weight's input and output features (one copy; 0 for other tensors): quantized bytes need shapes.
    var inFeatures = 0
    var outFeatures = 0

    public var total: Int { params * count }
}

/// Parameters counted op by op, as Hugging Face transformers builds the model.
public struct ParamBreakdown: Sendable {
    /// Model-level operators, then each layer kind's operators (once per kind, with `count` = its layers).
    public var ops: [ParamOp]
    /// Decoder layers of each kind.
    public var layersOfKind: [LayerKind: Int]
    public var total: Int
    /// Parameters one token passes through: all but the routed experts it is not sent to.
    public var active: Int

    /// Total parameters in a group.
    public func params(in group: ParamGroup) -> Int {
        ops.filter { $0.group == group }.reduce(0) { $0 + $1.total }
    }

    /// Parameters of one decoder layer of a kind (0 when the model has no such layer).
    public func paramsPerLayer(_ kind: LayerKind) -> Int {
        ops.filter { $0.layerKind == kind }.reduce(0) { $0 + $1.params }
    }
}

extension ModelSpec {
    /// The parameter count, total or active (MoE: top-k routed plus shared experts per token).
    public func params(active: Bool = false) throws -> Int {
        let b = try paramBreakdown()
        return active ? b.active : b.total
    }

    /// Every operator's parameters, aggregated per layer kind.
    public func paramBreakdown() throws -> ParamBreakdown {
        try validate()
        var ops = try modelOps(firstStage: true, lastStage: true)
        var layersOfKind: [LayerKind: Int] = [:]
        for kind in LayerKind.allCases { layersOfKind[kind] = layerCount(kind, in: 0..<layers) }
        for kind in LayerKind.allCases {
            guard let n = layersOfKind[kind], n > 0 else { continue }
            ops += try layerOps(kind).map { op in
                var o = op
                o.count = n
                _ = try Checked.mul(o.params, n)
                return o
            }
        }
        let total = try Checked.sum(ops.map(\.total))
        var inactive = 0
        if let m = moe {
            // Of each MoE layer's routed experts a token uses top-k of E.
            let routed = ops.filter { $0.group == .experts }.reduce(0) { $0 + $1.total }
            inactive = routed / m.experts * (m.experts - m.expertsPerToken)
        }
        return ParamBreakdown(ops: ops, layersOfKind: layersOfKind, total: total, active: total - inactive)
    }

    func layerKind(_ i: Int) -> LayerKind { isMoELayer(i) ? .moe : .dense }

    /// Model-level operators on a pipeline stage: the embedding on the first, the final norm and lm_head on the
    /// last. A tied lm_head is counted once when one stage holds both ends; under pipeline parallelism the last
    /// stage keeps its own copy of the shared matrix (as vLLM and Megatron do).
    func modelOps(firstStage: Bool, lastStage: Bool) throws -> [ParamOp] {
        let table = try Checked.mul(vocab, hidden)
        var ops: [ParamOp] = []
        if firstStage {
            ops.append(op("embed_tokens", .embedding, nil, table, .vocab, quantizable: false))
        }
        if lastStage {
            ops.append(op("norm", .norms, nil, norm.params(width: hidden), .replicated, quantizable: false))
            if !tiedEmbeddings || !firstStage {
                ops.append(op("lm_head", .lmHead, nil, table, .vocab, quantizable: false))
            }
        }
        return ops
    }

    /// Operators of one decoder layer of a kind, with count 1.
    func layerOps(_ kind: LayerKind) throws -> [ParamOp] {
        var ops = try attentionOps()
        ops.append(op("norms", .norms, kind, normsPerLayer * norm.params(width: hidden), .replicated, quantizable: false))
        switch kind {
        case .dense:
            ops += try mlpOps(prefix: "mlp", width: intermediate, group: .mlp, kind: .dense, split: .width)
        case .moe:
            guard let m = moe else { break }
            ops.append(op("gate", .router, .moe, try Checked.mul(m.experts, hidden), .replicated, quantizable: false))
            ops += try mlpOps(prefix: "experts", width: m.intermediate, group: .experts, kind: .moe,
                              split: .routedExperts, copies: m.experts)
            if m.sharedIntermediate > 0 {
                ops += try mlpOps(prefix: "shared_experts", width: m.sharedIntermediate, group: .sharedExperts,
                                  kind: .moe, split: .width)
                if m.sharedExpertGate {
                    ops.append(op("shared_expert_gate", .router, .moe, hidden, .replicated, quantizable: false))
                }
            }
        }
        return ops.map { var o = $0; o.layerKind = kind; return o }
    }

    /// Attention operators (the layer kind is filled in by layerOps).
    private func attentionOps() throws -> [ParamOp] {
        var ops: [ParamOp] = []
        func linear(_ name: String, _ inF: Int, _ outF: Int, _ split: Split, bias: Bool, biasSplit: Split? = nil,
                    quantizable: Bool = true) throws {
            ops.append(op(name, .attention, nil, try Checked.mul(inF, outF), split, quantizable: quantizable, shape: (inF, outF)))
            if bias { ops.append(op(name + ".bias", .attention, nil, outF, biasSplit ?? split, quantizable: false)) }
        }
        func rmsNorm(_ name: String, _ width: Int) {
            ops.append(op(name, .attention, nil, width, .replicated, quantizable: false))
        }
        if let a = mla {
            let qWidth = try Checked.mul(heads, a.qkHeadDim)
            if let r = a.qLoraRank {
                try linear("q_a_proj", hidden, r, .replicated, bias: qkvBias)
                rmsNorm("q_a_layernorm", r)
                try linear("q_b_proj", r, qWidth, .heads, bias: false)
            } else {
                try linear("q_proj", hidden, qWidth, .heads, bias: false)
            }
            try linear("kv_a_proj_with_mqa", hidden, a.kvLoraRank + a.qkRopeHeadDim, .replicated, bias: qkvBias)
            rmsNorm("kv_a_layernorm", a.kvLoraRank)
            try linear("kv_b_proj", a.kvLoraRank, try Checked.mul(heads, a.qkNopeHeadDim + a.vHeadDim), .heads, bias: false)
            try linear("o_proj", try Checked.mul(heads, a.vHeadDim), hidden, .heads, bias: outputBias, biasSplit: .replicated)
        } else {
            let qWidth = try Checked.mul(heads, headDim)
            let kvWidth = try Checked.mul(kvHeads, headDim)
            try linear("q_proj", hidden, qWidth, .heads, bias: qkvBias)
            try linear("k_proj", hidden, kvWidth, .kvHeads, bias: qkvBias)
            try linear("v_proj", hidden, kvWidth, .kvHeads, bias: qkvBias)
            try linear("o_proj", qWidth, hidden, .heads, bias: outputBias, biasSplit: .replicated)
            if qkNorm {
                rmsNorm("q_norm", headDim)
                rmsNorm("k_norm", headDim)
            }
        }
        return ops
    }

    /// A gated MLP (gate, up, down), `copies` times (the routed experts).
    private func mlpOps(prefix: String, width: Int, group: ParamGroup, kind: LayerKind, split: Split,
                        copies: Int = 1) throws -> [ParamOp] {
        let matrix = try Checked.mul(copies, hidden, width)
        var ops = [
            op(prefix + ".gate_proj", group, kind, matrix, split, shape: (hidden, width)),
            op(prefix + ".up_proj", group, kind, matrix, split, shape: (hidden, width)),
            op(prefix + ".down_proj", group, kind, matrix, split, shape: (width, hidden)),
        ]
        if mlpBias {
            // gate/up biases are sharded with the intermediate width; down's bias (hidden) is replicated.
            ops.append(op(prefix + ".gate_up.bias", group, kind, try Checked.mul(copies, 2 * width), split, quantizable: false))
            ops.append(op(prefix + ".down_proj.bias", group, kind, try Checked.mul(copies, hidden),
                          split == .routedExperts ? .routedExperts : .replicated, quantizable: false))
        }
        return ops
    }

    private func op(_ name: String, _ group: ParamGroup, _ kind: LayerKind?, _ params: Int, _ split: Split,
                    quantizable: Bool = true, shape: (Int, Int) = (0, 0)) -> ParamOp {
        ParamOp(name: name, group: group, layerKind: kind, params: params, count: 1, split: split, quantizable: quantizable,
                inFeatures: shape.0, outFeatures: shape.1)
    }
}
