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
        BuiltinSpec("memory", memoryParameters, shortcut: sweepPoint) { a throws(Diagnostic) in
            let model = try a.modelArgument(), gpu = try a.accelerator(), o = try a.memoryOptions()
            let batch = try a.int("batch"), seq = try a.int("seq")
            if try a.string("engine") == "none" {
                for option in memoryEngineOptions where option.name != "engine" && option.name != "version" {
                    let name = option.name, v = try a.value(name)
                    if case .string("auto") = v { continue }
                    if name == "enforce_eager", case .bool(false) = v { continue }
                    throw a.error("`\(name)` needs engine: \"vllm\" or \"sglang\"", at: name)
                }
                // A sweep reuses the model's planner: only this point's arithmetic is new (MemoryPlanner.swift).
                let plan = try a.engine { try model.planner(o).plan(gpu: gpu, batch: batch, seq: seq) }
                return .record(planRecord(plan, a.interpreter))
            }
            let (release, flags) = try engineSetup(&a)
            let m = model.spec
            let s = try a.engine {
                try m.servingMemory(gpu: gpu, batch: batch, seq: seq, options: o, release: release, flags: flags)
            }
            var r = planRecord(s.plan, a.interpreter)
            r["non_torch"] = a.interpreter.bytes(s.nonTorch)
            r["cuda_graphs"] = a.interpreter.bytes(s.cudaGraphs)
            r["step_tokens"] = a.interpreter.tokens(Double(s.stepTokens))
            r["engine"] = .string(release.engine.rawValue)
            r["version"] = .string(release.version.text)
            return .record(r)
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
        BuiltinSpec("explain", [explainSubject, explainGPU, P.batch, P.seq] + P.planOptions) { a throws(Diagnostic) in
            // A kv_capacity or latency result carries its derivation: each subtraction, or each time, with its factors.
            if case .record(let k) = try a.value("model"), case .table(let t)? = k["derivation"],
               k["family"] != nil || k["ttft"] != nil {
                return .table(t)
            }
            guard case .record(let record) = try a.value("model") else {
                throw a.error("`model` must be a model record or a kv_capacity result, not \(try a.value("model").typeName)",
                              at: "model", kind: .type)
            }
            let m = try ModelRecord.spec(record, at: a.span("model"), argument: "model")
            guard case .record(let g) = try a.value("gpu") else {
                throw a.error("explain of a model needs `gpu`, an accelerator record such as H100", at: "gpu", kind: .type)
            }
            let gpu = try AcceleratorRecord.accelerator(g, at: a.span("gpu"), argument: "gpu", units: a.interpreter.units)
            let o = try a.memoryOptions(model: m)
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

    static let memoryParameters = [P.model, P.gpu, P.batch, P.seq] + P.planOptions + memoryEngineOptions

    static let memorySpec = specs.first { $0.name == "memory" }

    /// explain's first argument: a model (memory()'s derivation) or a kv_capacity result (its subtractions).
    static let explainSubject = ParameterSpec("model", .custom("a model record, or a kv_capacity result"))
    /// Not needed for a kv_capacity result ("none" by default).
    static let explainGPU = ParameterSpec("gpu", .custom("an accelerator record"))

    /// A plan as a record. Its fields are always the same, so each record shares one set of keys (ten keys have
    /// no hash table: the record's keys are the template's storage, not rebuilt) and only the values are new.
    static func planRecord(_ p: MemoryPlan, _ i: Interpreter) -> Record { planRecord(p, units: i.engineUnits) }

    static func planRecord(_ p: MemoryPlan, units u: EngineUnits) -> Record {
        // The values in a new list, the keys shared with the template's: a copy of the template's values (made
        // by the first write to them) cost twice what building the list does.
        var v = ContiguousArray<Value>()
        v.reserveCapacity(10)
        for i in 0..<10 { v.append(planValue(p, i, units: u)) }
        return Record(uncheckedUniqueKeys: planKeys, values: v)
    }

    /// planRecord's field i (in planKeys' order).
    @inline(__always)
    static func planValue(_ p: MemoryPlan, _ i: Int, units u: EngineUnits) -> Value {
        switch i {
        case 0: return u.bytes(p.weights)
        case 1: return u.bytes(p.kvCache)
        case 2: return u.bytes(p.activation)
        case 3: return u.bytes(p.total)
        case 4: return u.bytes(p.capacity)
        case 5: return u.bytes(p.free)
        case 6: return .bool(p.fits)
        case 7: return u.percent(p.utilization)
        case 8: return .number(Double(p.stage))
        default: return u.devices(Double(p.devices))
        }
    }

    /// planRecord's fields, in order.
    static let planKeys = planTemplate.keys

    /// planRecord's fields, in order, with placeholder values.
    static let planTemplate: Record = {
        var r = Record()
        for key in ["weights", "kv_cache", "activation", "total", "capacity", "free", "fits", "utilization", "stage",
                    "devices"] {
            r[key] = .bool(false)
        }
        return r
    }()
}
