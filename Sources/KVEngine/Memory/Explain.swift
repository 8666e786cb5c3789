/// A named number in a derivation ("layers" = 32, "bytes/param" = 2).
public struct ExplainFactor: Sendable, Equatable {
    public var name: String
    public var value: Double
}

/// One line of a derivation: a component's item, the factors whose product (or sum, for phases) gives its bytes.
public struct ExplainRow: Sendable, Equatable {
    /// "weights", "kv_cache", "activation" or "total".
    public var component: String
    /// What the row covers: "attention (dense layers)", "embedding", "full-attention layers", a phase's name.
    public var item: String
    public var factors: [ExplainFactor]
    public var bytes: Double
}

/// How a memory plan's figures come about, row by row, for the language to print as a table.
public struct Explanation: Sendable {
    public var plan: MemoryPlan
    public var rows: [ExplainRow]
}

extension ModelSpec {
    /// The derivation of `memory(gpu:batch:seq:options:)` for the chip it reports: weights per layer kind and
    /// group, KV cache per kind of attention layer, the activation phases, and the total against capacity.
    public func explain(gpu: Accelerator, batch: Int, seq: Int, options: MemoryOptions = MemoryOptions()) throws -> Explanation {
        let plan = try memory(gpu: gpu, batch: batch, seq: seq, options: options)
        let o = options
        let par = o.parallelism
        let range = par.stages(layers: layers)[plan.stage]
        let resident = o.dtype.isQuantized ? DType.bf16 : o.dtype
        let kept = try o.weightQuantization.map { try unquantizedModules($0) }
        var rows: [ExplainRow] = []

        // Weights: one row per (layer kind, group), then the model-level operators.
        let ops = try stageOps(stageLayers([range])[0], first: plan.stage == 0, last: plan.stage == par.pp - 1)
        var keys: [(LayerKind?, ParamGroup)] = []
        for op in ops where !keys.contains(where: { $0.0 == op.layerKind && $0.1 == op.group }) {
            keys.append((op.layerKind, op.group))
        }
        for (kind, group) in keys {
            let members = ops.filter { $0.layerKind == kind && $0.group == group }
            let count = members.first?.count ?? 1
            var params = 0, bytes = 0.0
            for op in members {
                let n = try perChipParams(op, par)
                params += n
                if let q = o.weightQuantization, let kept {
                    bytes += quantizedChipBytes(op, chipParams: n, range: range, q, kept)
                } else {
                    bytes += Double(n) * (op.quantizable ? o.dtype : resident).bytes
                }
            }
            let item = kind.map { "\(group.rawValue) (\($0.rawValue) layers)" } ?? group.rawValue
            rows.append(ExplainRow(component: "weights", item: item, factors: [
                ExplainFactor(name: "params/layer", value: Double(params / max(count, 1))),
                ExplainFactor(name: "layers", value: Double(count)),
                ExplainFactor(name: "bytes/param", value: params > 0 ? bytes / Double(params) : 0),
            ], bytes: bytes))
        }

        // KV cache: full and sliding layers of the stage.
        let kvBytes = o.cacheDType.bytes
        let perLayer = Double(kvElementsPerTokenPerLayer(tp: o.tp))
        let sliding = slidingCount(in: range)
        let kinds: [(String, Int, Int)] = [
            (mla == nil ? "full-attention layers" : "MLA latent layers", range.count - sliding, seq),
            ("sliding-window layers", sliding, min(seq, slidingWindow ?? seq)),
        ]
        for (item, n, tokens) in kinds where n > 0 {
            var factors = [ExplainFactor(name: "batch", value: Double(batch)),
                           ExplainFactor(name: "tokens", value: Double(tokens)),
                           ExplainFactor(name: "layers", value: Double(n))]
            if let a = mla {
                factors.append(ExplainFactor(name: "kv_lora_rank + qk_rope_head_dim", value: Double(a.kvLoraRank + a.qkRopeHeadDim)))
            } else {
                factors += [ExplainFactor(name: "K and V", value: 2),
                            ExplainFactor(name: "kv_heads/chip", value: Double(max(1, kvHeads / o.tp))),
                            ExplainFactor(name: "head_dim", value: Double(headDim))]
            }
            factors.append(ExplainFactor(name: "bytes", value: kvBytes))
            let bytes = Double(batch) * Double(tokens) * Double(n) * perLayer * kvBytes
            rows.append(ExplainRow(component: "kv_cache", item: item, factors: factors, bytes: bytes))
        }

        // Activation: every phase, the largest being the peak.
        if let ratio = o.activationRatio {
            rows.append(ExplainRow(component: "activation", item: "ratio of weights",
                                   factors: [ExplainFactor(name: "ratio", value: ratio)], bytes: plan.activation))
        } else {
            let a = try activation(batch: batch, seq: seq, dtype: o.computeDType, logits: o.logits, tp: o.tp, ep: o.ep)
            let isLast = plan.stage == par.pp - 1
            for phase in a.phases where isLast || !phase.name.hasPrefix("logits") {
                rows.append(ExplainRow(component: "activation", item: phase.name,
                                       factors: [ExplainFactor(name: "tokens", value: Double(a.tokens))], bytes: phase.bytes))
            }
        }
        rows.append(ExplainRow(component: "total", item: "weights + kv_cache + peak activation", factors: [
            ExplainFactor(name: "capacity", value: plan.capacity),
            ExplainFactor(name: "free", value: plan.free),
            ExplainFactor(name: "utilization", value: plan.utilization),
        ], bytes: plan.total))
        return Explanation(plan: plan, rows: rows)
    }
}
