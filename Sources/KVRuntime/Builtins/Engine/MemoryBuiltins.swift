import KVLang
import KVEngine

/// The memory engine's builtins (declared with their documentation in stdlib/memory.kv).
enum MemoryBuiltins {
    static func register(in interp: Interpreter) {
        interp.registerNative("hf_config") { c throws(Diagnostic) in
            let path = try c.string(0)
            // A config.json is named for its folder (the model's repository); another file for itself.
            let file = path.split(separator: "/").last.map(String.init) ?? path
            let folder = path.split(separator: "/").dropLast().last.map(String.init)
            let name = file == "config.json" ? folder ?? "model" : String(file.split(separator: ".").first ?? "model")
            let spec = try c.engine { try ModelSpec.load(hfConfigPath: path, name: name) }
            return .record(ModelRecord.record(from: spec))
        }
        interp.registerNative("params") { c throws(Diagnostic) in
            let m = try c.model(), active = try c.bool(1)
            return c.interpreter.quantity(Double(try c.engine { try m.params(active: active) }), [("params", 1)])
        }
        interp.registerNative("param_groups") { c throws(Diagnostic) in
            let m = try c.model()
            let b = try c.engine { try m.paramBreakdown() }
            var r = Record()
            for g in ParamGroup.allCases where b.params(in: g) > 0 {
                r[g.rawValue] = c.interpreter.quantity(Double(b.params(in: g)), [("params", 1)])
            }
            r["total"] = c.interpreter.quantity(Double(b.total), [("params", 1)])
            return .record(r)
        }
        interp.registerNative("weights") { c throws(Diagnostic) in
            let m = try c.model(), o = try c.memoryOptions()
            return c.interpreter.bytes(try c.engine { try m.weights(options: o) }.bytes)
        }
        interp.registerNative("kv_per_token") { c throws(Diagnostic) in
            let m = try c.model()
            let d = try c.dtype("kv_dtype") ?? .bf16
            return c.interpreter.quantity(try c.engine { try m.kvPerToken(kvDtype: d) }, [("KiB", 1), ("token", -1)])
        }
        interp.registerNative("kv_cache") { c throws(Diagnostic) in
            let m = try c.model(), batch = try c.count("batch"), seq = try c.tokens("seq")
            let d = try c.dtype("kv_dtype") ?? .bf16, tp = try c.count("tp"), pp = try c.count("pp")
            return c.interpreter.bytes(try c.engine {
                try m.kvCache(batch: batch, seq: seq, kvDtype: d, tp: tp, pp: pp)
            }.bytes)
        }
        interp.registerNative("activation") { c throws(Diagnostic) in
            let m = try c.model(), batch = try c.count("batch"), seq = try c.tokens("seq"), o = try c.memoryOptions()
            if let ratio = o.activationRatio {
                return c.interpreter.bytes(try c.engine { ratio * (try m.weights(options: o).bytes) })
            }
            return c.interpreter.bytes(try c.engine {
                try m.activation(batch: batch, seq: seq, dtype: o.dtype, logits: o.logits, tp: o.tp, ep: o.ep)
            }.bytes)
        }
        interp.registerNative("memory") { c throws(Diagnostic) in
            let m = try c.model(), gpu = try c.accelerator(), o = try c.memoryOptions()
            let batch = try c.count("batch"), seq = try c.tokens("seq")
            let plan = try c.engine { try m.memory(gpu: gpu, batch: batch, seq: seq, options: o) }
            return .record(planRecord(plan, c.interpreter))
        }
        interp.registerNative("max_batch") { c throws(Diagnostic) in
            let m = try c.model(), gpu = try c.accelerator(), o = try c.memoryOptions(), seq = try c.tokens("seq")
            return .number(Double(try c.engine { try m.maxBatch(gpu: gpu, seq: seq, options: o) }))
        }
        interp.registerNative("max_seq") { c throws(Diagnostic) in
            let m = try c.model(), gpu = try c.accelerator(), o = try c.memoryOptions(), batch = try c.count("batch")
            return c.interpreter.tokens(Double(try c.engine { try m.maxSeq(gpu: gpu, batch: batch, options: o) }))
        }
        interp.registerNative("min_devices") { c throws(Diagnostic) in
            let m = try c.model(), gpu = try c.accelerator(), o = try c.memoryOptions()
            let batch = try c.count("batch"), seq = try c.tokens("seq")
            let n = try c.engine { try m.minDevices(gpu: gpu, batch: batch, seq: seq, options: o) }
            var r = Record()
            r["devices"] = c.interpreter.quantity(Double(n.devices), [("GPU", 1)])
            r["tp"] = .number(Double(n.tp))
            r["pp"] = .number(Double(n.pp))
            r["plan"] = .record(planRecord(n.plan, c.interpreter))
            return .record(r)
        }
        interp.registerNative("explain") { c throws(Diagnostic) in
            let m = try c.model(), gpu = try c.accelerator(), o = try c.memoryOptions()
            let batch = try c.count("batch"), seq = try c.tokens("seq")
            let e = try c.engine { try m.explain(gpu: gpu, batch: batch, seq: seq, options: o) }
            return .table(Table(records: e.rows.map { row in
                var r = Record()
                r["component"] = .string(row.component)
                r["item"] = .string(row.item)
                // Weights and KV rows are products of their factors; the others list what they depend on.
                let product = row.component == "weights" || row.component == "kv_cache"
                r["factors"] = .string(row.factors.map { "\($0.name) \(NumberFormat.format($0.value))" }
                    .joined(separator: product ? " × " : ", "))
                r["bytes"] = c.interpreter.bytes(row.bytes)
                return r
            }))
        }
        interp.registerNative("kv_capacity") { c throws(Diagnostic) in
            let m = try c.model(), gpu = try c.accelerator(), o = try c.memoryOptions()
            let engineName = try c.string(c.index(of: "engine") ?? 2)
            guard let engine = ServingEngine(rawValue: engineName) else {
                throw c.error("`engine` must be \"vllm\" or \"sglang\", not \"\(engineName)\"", at: c.index(of: "engine"))
            }
            var s = EngineSettings()
            s.gpuMemoryUtilization = try c.number(c.index(of: "gpu_memory_utilization") ?? 0)
            s.maxNumBatchedTokens = try c.count("max_num_batched_tokens")
            s.maxNumSeqs = try c.count("max_num_seqs")
            let block = try c.number(c.index(of: "block_size") ?? 0)
            s.blockSize = block > 0 ? Int(block) : nil
            let fraction = try c.number(c.index(of: "mem_fraction_static") ?? 0)
            s.memFractionStatic = fraction > 0 ? fraction : nil
            s.nonTorchBytes = try c.quantity(c.index(of: "non_torch") ?? 0, dimension: "Information")
            let settings = s
            let k = try c.engine { try m.kvCapacity(gpu: gpu, engine: engine, options: o, settings: settings) }
            let i = c.interpreter
            var r = Record()
            r["engine"] = .string(k.engine.rawValue)
            r["tokens"] = i.tokens(Double(k.tokens))
            r["blocks"] = .number(Double(k.blocks))
            r["block_size"] = i.tokens(Double(k.blockSize))
            r["bytes"] = i.bytes(k.bytes)
            r["per_token"] = i.quantity(k.bytesPerToken, [("KiB", 1), ("token", -1)])
            r["budget"] = i.bytes(k.budget)
            r["weights"] = i.bytes(k.weights)
            r["activation"] = i.bytes(k.activation)
            r["non_torch"] = i.bytes(k.nonTorch)
            r["fraction"] = i.percent(k.fraction)
            return .record(r)
        }
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
        r["devices"] = i.quantity(Double(p.devices), [("GPU", 1)])
        return r
    }
}
