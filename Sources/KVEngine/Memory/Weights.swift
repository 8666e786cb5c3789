/// Weight bytes held by one chip of the largest pipeline stage.
public struct WeightBreakdown: Sendable {
    /// Bytes on the chip that holds the most (the one that must fit).
    public var bytes: Double
    /// Parameters on that chip.
    public var params: Int
    /// Index of that pipeline stage, and the bytes per chip of every stage.
    public var stage: Int
    public var stageBytes: [Double]
    /// That chip's bytes per group.
    public var byGroup: [ParamGroup: Double]
    /// The dtype of the decoder's linear layers; `residentDType` holds embeddings, lm_head, norms and routers.
    public var dtype: DType
    public var residentDType: DType
}

extension ModelSpec {
    /// Weight bytes per chip. Quantized dtypes (fp8, int8, int4) apply to the decoder's linear layers; the embedding,
    /// lm_head, norms and routers stay in bf16 as quantized checkpoints keep them. Vocabulary rows split as
    /// ⌈vocab / tp⌉ per chip (vLLM pads the vocabulary further, to a multiple of 64 per rank; not modelled).
    public func weights(dtype: DType = .bf16, tp: Int = 1, pp: Int = 1, ep: Int = 1) throws -> WeightBreakdown {
        let resident = dtype.isQuantized ? DType.bf16 : dtype
        return try largestStage(Parallelism(tp: tp, pp: pp, ep: ep), dtype: dtype, resident: resident) { op, chip, _ in
            Double(chip) * (op.quantizable ? dtype : resident).bytes
        }
    }

    /// Walks the pipeline stages and returns the chip of the one holding the most bytes, with every stage's bytes;
    /// `bytes(op, chipParams, stageRange)` is one chip's bytes of an operator (its `count` layers included).
    func largestStage(_ par: Parallelism, dtype: DType, resident: DType,
                      bytes bytesOf: (ParamOp, Int, Range<Int>) -> Double) throws -> WeightBreakdown {
        try validate()
        try par.check(self)
        var best: WeightBreakdown?
        var stageBytes: [Double] = []
        let stages = par.stages(layers: layers)
        for (s, counts) in stageLayers(stages).enumerated() {
            var bytes = 0.0
            var params = 0
            var byGroup: [ParamGroup: Double] = [:]
            for op in try stageOps(counts, first: s == 0, last: s == par.pp - 1) {
                let n = try perChipParams(op, par)
                let b = bytesOf(op, n, stages[s])
                bytes += b
                params = try Checked.sum([params, n])
                byGroup[op.group, default: 0] += b
            }
            stageBytes.append(bytes)
            if bytes > (best?.bytes ?? -1) {
                best = WeightBreakdown(bytes: bytes, params: params, stage: s, stageBytes: [], byGroup: byGroup,
                                       dtype: dtype, residentDType: resident)
            }
        }
        guard var result = best else { throw EngineError("the model has no layers", argument: "num_hidden_layers") }
        result.stageBytes = stageBytes
        return result
    }

    /// The operators of one pipeline stage, each with `count` = its layers in the stage.
    func stageOps(_ counts: StageLayers, first: Bool, last: Bool) throws -> [ParamOp] {
        var ops = try modelOps(firstStage: first, lastStage: last)
        for kind in LayerKind.allCases {
            let n = kind == .moe ? counts.moe : counts.dense
            guard n > 0 else { continue }
            ops += try layerOps(kind).map { var o = $0; o.count = n; return o }
        }
        return ops
    }

    /// One chip's share of an operator under tp/ep (exact: the checks in Parallelism make the divisions whole).
    func perChipParams(_ op: ParamOp, _ par: Parallelism) throws -> Int {
        let share: Int
        switch op.split {
        case .replicated:
            share = op.params
        case .heads, .width:
            share = op.params / par.tp
        case .kvHeads:
            share = op.params / kvHeads * par.kvHeadsPerChip(kvHeads)
        case .vocab:
            share = try Checked.mul(op.params / vocab, (vocab + par.tp - 1) / par.tp)
        case .routedExperts:
            let experts = moe?.experts ?? 1
            share = par.ep > 1 ? try Checked.mul(op.params / experts, (experts + par.ep - 1) / par.ep) : op.params / par.tp
        }
        return try Checked.mul(share, op.count)
    }
}
