/// Weight bytes of a quantized checkpoint, matrix by matrix from the real shapes.
extension ModelSpec {
    /// Weight bytes per chip as the checkpoint stores them: `checkpoint` when set, else `dtype`.
    /// This is what `weights()` and `memory()` use when their dtype is "auto".
    public func checkpointWeights(dtype: DType = .bf16, tp: Int = 1, pp: Int = 1, ep: Int = 1) throws -> WeightBreakdown {
        guard let q = checkpoint else { return try weights(dtype: dtype, tp: tp, pp: pp, ep: ep) }
        return try weights(quantization: q, tp: tp, pp: pp, ep: ep)
    }

    /// Weight bytes per chip of the largest pipeline stage when the decoder's linear layers are stored as `q`
    /// says (packed values, scales, zero points, index tensors), and everything else (embedding, lm_head, norms,
    /// routers, biases, the modules `q.ignore` names) in `q.modelDType`.
    ///
    /// A matrix's bytes are computed for its full shape; a chip holds its share of them in proportion to its
    /// share of the parameters (exact when tp divides the sharded width into whole groups, as vLLM requires).
    public func weights(quantization q: Quantization, tp: Int = 1, pp: Int = 1, ep: Int = 1) throws -> WeightBreakdown {
        try validate()
        let kept = try unquantizedModules(q)
        return try largestStage(Parallelism(tp: tp, pp: pp, ep: ep), dtype: DType(name: q.description, bits: q.bits),
                                resident: q.modelDType) { op, chip, range in
            quantizedChipBytes(op, chipParams: chip, range: range, q, kept)
        }
    }

    /// One chip's bytes of `op` (its `count` layers of the stage `range` included), holding `chipParams` of its
    /// parameters: the stored bytes of the full matrices, in proportion to the chip's share.
    func quantizedChipBytes(_ op: ParamOp, chipParams: Int, range: Range<Int>, _ q: Quantization,
                            _ kept: (everywhere: Set<String>, perLayer: [Int: Set<String>])) -> Double {
        let plain = Double(op.params) * q.modelDType.bytes
        var full = plain * Double(op.count)
        if op.quantizable, op.inFeatures > 0, op.outFeatures > 0 {
            let copies = op.params / (op.inFeatures * op.outFeatures)
            let packed = Double(copies) * q.bytes(rows: op.outFeatures, cols: op.inFeatures)
            let unquantized = kept.everywhere.contains(op.name) ? op.count
                : kept.perLayer.filter { range.contains($0.key) && layerKind($0.key) == op.layerKind && $0.value.contains(op.name) }.count
            full = packed * Double(op.count - unquantized) + plain * Double(unquantized)
        }
        return op.total > 0 ? full * Double(chipParams) / Double(op.total) : 0
    }

    /// The Hugging Face module name of a quantizable operator inside decoder layer `layer` ("*" for any).
    func moduleName(_ op: ParamOp, layer: String) -> String {
        let base = "model.layers.\(layer)."
        let parts = op.name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return base + "self_attn." + op.name }  // q_proj, kv_a_proj_with_mqa, …
        switch parts[0] {
        case "experts" where modelType == "mixtral":
            let w = ["gate_proj": "w1", "down_proj": "w2", "up_proj": "w3"][parts[1]] ?? parts[1]
            return base + "block_sparse_moe.experts.*." + w
        case "experts":
            return base + "mlp.experts.*." + parts[1]
        case "shared_experts" where modelType == "qwen2_moe":
            return base + "mlp.shared_expert." + parts[1]
        case "shared_experts":
            return base + "mlp.shared_experts." + parts[1]
        default:
            return base + op.name  // mlp.gate_proj …
        }
    }

    /// Which quantizable operators the ignore list keeps unquantized: in every layer, or in the layers it names.
    /// Entries naming a layer past the decoder (DeepSeek's MTP layer 61) or modules that are never quantized
    /// (lm_head, routers) change nothing.
    func unquantizedModules(_ q: Quantization) throws -> (everywhere: Set<String>, perLayer: [Int: Set<String>]) {
        var everywhere = Set<String>()
        var perLayer: [Int: Set<String>] = [:]
        guard !q.ignore.isEmpty else { return (everywhere, perLayer) }
        let patterns = try q.ignore.map { entry in
            do { return try ModulePattern(entry) } catch let e as EngineError {
                throw EngineError("quantization ignore entry \(e.message)", argument: "quantization")
            }
        }
        var opsOfKind: [LayerKind: [ParamOp]] = [:]
        for kind in LayerKind.allCases where kind == .dense || moe != nil {
            opsOfKind[kind] = try layerOps(kind).filter { $0.quantizable && $0.inFeatures > 0 }
        }
        for p in patterns {
            if let l = p.layer {
                guard l < layers else { continue }
                for op in opsOfKind[layerKind(l)] ?? [] where p.matches(moduleName(op, layer: String(l))) {
                    perLayer[l, default: []].insert(op.name)
                }
            } else {
                for op in opsOfKind.values.joined() where p.matches(moduleName(op, layer: "*")) {
                    everywhere.insert(op.name)
                }
            }
        }
        return (everywhere, perLayer)
    }
}
