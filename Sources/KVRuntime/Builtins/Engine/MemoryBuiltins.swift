import KVLang
import KVEngine

/// The memory engine's builtins (declared with their documentation in stdlib/memory.kv).
enum MemoryBuiltins {
    typealias P = EngineParameters

    static let specs: [BuiltinSpec] = [
        BuiltinSpec("hf_config", [ParameterSpec("path", .path)]) { a throws(Diagnostic) in
            let path = try a.string("path")
            // A config.json is named for its folder (the model's repository); another file for itself.
            let file = path.split(separator: "/").last.map(String.init) ?? path
            let folder = path.split(separator: "/").dropLast().last.map(String.init)
            let name = file == "config.json" ? folder ?? "model" : String(file.split(separator: ".").first ?? "model")
            let spec = try a.engine { try ModelSpec.load(hfConfigPath: a.interpreter.resolvePath(path), name: name) }
            return .record(ModelRecord.record(from: spec))
        },
        BuiltinSpec("params", [P.model, ParameterSpec("active", .bool)]) { a throws(Diagnostic) in
            let m = try a.model(), active = try a.bool("active")
            return a.interpreter.params(Double(try a.engine { try m.params(active: active) }))
        },
        BuiltinSpec("param_groups", [P.model]) { a throws(Diagnostic) in
            let m = try a.model()
            let b = try a.engine { try m.paramBreakdown() }
            var r = Record()
            for g in ParamGroup.allCases where b.params(in: g) > 0 {
                r[g.rawValue] = a.interpreter.params(Double(b.params(in: g)))
            }
            r["total"] = a.interpreter.params(Double(b.total))
            return .record(r)
        },
        BuiltinSpec("weights", [P.model, P.dtype, P.tp, P.pp, P.ep]) { a throws(Diagnostic) in
            let m = try a.model(), o = try a.memoryOptions()
            return a.interpreter.bytes(try a.engine { try m.weights(options: o) }.bytes)
        },
        BuiltinSpec("kv_per_token", [P.model, P.kvDtype]) { a throws(Diagnostic) in
            let m = try a.model(), d = try a.dtype("kv_dtype") ?? .bf16
            return a.interpreter.perToken(try a.engine { try m.kvPerToken(kvDtype: d) })
        },
        BuiltinSpec("kv_cache", [P.model, P.batch, P.seq, P.kvDtype, P.tp, P.pp]) { a throws(Diagnostic) in
            let m = try a.model(), batch = try a.int("batch"), seq = try a.int("seq")
            let d = try a.dtype("kv_dtype") ?? .bf16, tp = try a.int("tp"), pp = try a.int("pp")
            return a.interpreter.bytes(try a.engine { try m.kvCache(batch: batch, seq: seq, kvDtype: d, tp: tp, pp: pp) }.bytes)
        },
        BuiltinSpec("activation", [P.model, P.batch, P.seq, P.computeDtype, P.logits, P.tp, P.ep, P.ratio]) { a throws(Diagnostic) in
            let m = try a.model(), batch = try a.int("batch"), seq = try a.int("seq"), o = try a.memoryOptions()
            if let ratio = o.activationRatio {
                return a.interpreter.bytes(try a.engine { ratio * (try m.weights(options: o).bytes) })
            }
            return a.interpreter.bytes(try a.engine {
                try m.activation(batch: batch, seq: seq, dtype: o.dtype, logits: o.logits, tp: o.tp, ep: o.ep)
            }.bytes)
        },
        BuiltinSpec("memory", [P.model, P.gpu, P.batch, P.seq] + P.planOptions) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions()
            let batch = try a.int("batch"), seq = try a.int("seq")
            let plan = try a.engine { try m.memory(gpu: gpu, batch: batch, seq: seq, options: o) }
            return .record(planRecord(plan, a.interpreter))
        },
        BuiltinSpec("max_batch", [P.model, P.gpu, P.seq] + P.planOptions) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions(), seq = try a.int("seq")
            return .number(Double(try a.engine { try m.maxBatch(gpu: gpu, seq: seq, options: o) }))
        },
        BuiltinSpec("max_seq", [P.model, P.gpu, P.batch] + P.planOptions) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions(), batch = try a.int("batch")
            return a.interpreter.tokens(Double(try a.engine { try m.maxSeq(gpu: gpu, batch: batch, options: o) }))
        },
        BuiltinSpec("min_devices", [P.model, P.gpu, P.batch, P.seq] + P.planOptions) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions()
            let batch = try a.int("batch"), seq = try a.int("seq")
            let n = try a.engine { try m.minDevices(gpu: gpu, batch: batch, seq: seq, options: o) }
            var r = Record()
            r["devices"] = a.interpreter.devices(Double(n.devices))
            r["tp"] = .number(Double(n.tp))
            r["pp"] = .number(Double(n.pp))
            r["plan"] = .record(planRecord(n.plan, a.interpreter))
            return .record(r)
        },
        BuiltinSpec("explain", [P.model, P.gpu, P.batch, P.seq] + P.planOptions) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions()
            let batch = try a.int("batch"), seq = try a.int("seq")
            let e = try a.engine { try m.explain(gpu: gpu, batch: batch, seq: seq, options: o) }
            return .table(Table(records: e.rows.map { row in
                var r = Record()
                r["component"] = .string(row.component)
                r["item"] = .string(row.item)
                // Weights and KV rows are products of their factors; the others list what they depend on.
                let product = row.component == "weights" || row.component == "kv_cache"
                r["factors"] = .string(row.factors.map { "\($0.name) \(NumberFormat.format($0.value))" }
                    .joined(separator: product ? " × " : ", "))
                r["bytes"] = a.interpreter.bytes(row.bytes)
                return r
            }))
        },
        kvCapacity,
    ]

    /// kv_capacity's flags: block_size 0 and mem_fraction_static 0 are the documented "engine default".
    static let kvCapacity = BuiltinSpec("kv_capacity", [
        P.model, P.gpu, ParameterSpec("engine", .oneOf(ServingEngine.allCases.map(\.rawValue))), P.dtype, P.kvDtypeAuto,
        P.tp, P.pp, P.ep, ParameterSpec("gpu_memory_utilization", .number(0...1)),
        ParameterSpec("max_num_batched_tokens", .count(1...P.largeCount)),
        ParameterSpec("max_num_seqs", .count(1...P.largeCount)), ParameterSpec("block_size", .count(0...1_048_576)),
        ParameterSpec("mem_fraction_static", .number(0...1)),
        ParameterSpec("non_torch", .dimension(KnownNames.Dimension.information)),
    ]) { a throws(Diagnostic) in
        let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions()
        guard let engine = ServingEngine(rawValue: try a.string("engine")) else { throw a.error("internal: engine") }
        var s = EngineSettings()
        s.gpuMemoryUtilization = try a.double("gpu_memory_utilization")
        s.maxNumBatchedTokens = try a.int("max_num_batched_tokens")
        s.maxNumSeqs = try a.int("max_num_seqs")
        let block = try a.int("block_size")
        s.blockSize = block > 0 ? block : nil
        let fraction = try a.double("mem_fraction_static")
        s.memFractionStatic = fraction > 0 ? fraction : nil
        s.nonTorchBytes = try a.double("non_torch")
        let settings = s
        let k = try a.engine { try m.kvCapacity(gpu: gpu, engine: engine, options: o, settings: settings) }
        let i = a.interpreter
        var r = Record()
        r["engine"] = .string(k.engine.rawValue)
        r["tokens"] = i.tokens(Double(k.tokens))
        r["blocks"] = .number(Double(k.blocks))
        r["block_size"] = i.tokens(Double(k.blockSize))
        r["bytes"] = i.bytes(k.bytes)
        r["per_token"] = i.perToken(k.bytesPerToken)
        r["budget"] = i.bytes(k.budget)
        r["weights"] = i.bytes(k.weights)
        r["activation"] = i.bytes(k.activation)
        r["non_torch"] = i.bytes(k.nonTorch)
        r["fraction"] = i.percent(k.fraction)
        return .record(r)
    }

    static func planRecord(_ p: MemoryPlan, _ i: Interpreter) -> Record {
        var r = Record()
        r["weights"] = i.bytes(p.weights)
        r["kv_cache"] = i.bytes(p.kvCache)
        r["activation"] = i.bytes(p.activation)
        r["total"] = i.bytes(p.total)
        r["capacity"] = i.bytes(p.capacity)
        r["free"] = i.bytes(p.free)
        r["fits"] = .bool(p.fits)
        r["utilization"] = i.percent(p.utilization)
        r["stage"] = .number(Double(p.stage))
        r["devices"] = i.devices(Double(p.devices))
        return r
    }
}
