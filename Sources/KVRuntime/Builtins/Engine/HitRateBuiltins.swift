import KVLang
import KVEngine

/// The hit-rate engine's builtins (declared with their documentation in stdlib/hitrate.kv).
enum HitRateBuiltins {
    static func register(in interp: Interpreter) {
        interp.registerNative("hit_rate") { c throws(Diagnostic) in
            let w = try c.workload(), method = try c.hitRateMethod()
            let r = try c.engine { try hitRate(w, method: method) }
            return .record(report(r, w, c.interpreter))
        }
        interp.registerNative("memory_for") { c throws(Diagnostic) in
            let w = try c.workload(), target = try c.number(c.index(of: "target") ?? 0)
            let m = try c.engine { try memoryFor(w, target: target) }
            let i = c.interpreter
            var r = Record()
            r["target"] = i.percent(m.target)
            r["memory"] = i.bytes(m.exactMemory)
            r["conversations"] = i.quantity(m.exactConversations, [("conv", 1)])
            r["shortcut_memory"] = i.bytes(m.shortcutMemory)
            r["shortcut_conversations"] = i.quantity(m.shortcutConversations, [("conv", 1)])
            r["shortcut_hit_rate"] = i.percent(m.shortcutHitRate)
            return .record(r)
        }
        interp.registerNative("simulate") { c throws(Diagnostic) in
            let w = try c.workload()
            let thinkName = try c.string(c.index(of: "think") ?? 0)
            guard let think = ThinkTime(rawValue: thinkName) else {
                throw c.error("`think` must be \"exponential\" or \"fixed\", not \"\(thinkName)\"", at: c.index(of: "think"))
            }
            let block = try c.count("block_size")
            let conversations = try c.number(c.index(of: "conversations") ?? 0)
            let seed = try c.count("seed")
            let result = try c.engine { () throws -> SimulationResult in
                var config = try SimulationConfig(w, thinkTime: think, blockSize: block, seed: UInt64(seed))
                if conversations > 0 { config.conversations = Int(min(conversations, 1e7)) }
                return try simulate(config)
            }
            let i = c.interpreter
            var r = Record()
            r["hit_rate"] = i.percent(result.tokenHitRate.mean)
            r["low"] = i.percent(result.tokenHitRate.low)
            r["high"] = i.percent(result.tokenHitRate.high)
            r["request_hit_rate"] = i.percent(result.requestHitRate.mean)
            r["request_low"] = i.percent(result.requestHitRate.low)
            r["request_high"] = i.percent(result.requestHitRate.high)
            r["requests"] = i.quantity(Double(result.requests), [("req", 1)])
            return .record(r)
        }
        interp.registerNative("replay") { c throws(Diagnostic) in
            let path = try c.string(0), policy = try c.policy(), block = try c.count("block_size")
            let capacity = try c.capacityBlocks(blockSize: block)
            let r = try c.engine { try KVEngine.replay(path: path, capacity: capacity, policy: policy, blockSize: block) }
            let i = c.interpreter
            var out = Record()
            out["requests"] = i.quantity(Double(r.requests), [("req", 1)])
            out["capacity"] = .number(Double(r.capacity))
            out["lookups"] = .number(Double(r.lookups))
            out["hits"] = .number(Double(r.hits))
            out["block_hit_rate"] = i.percent(r.blockHitRate)
            out["token_hit_rate"] = i.percent(r.tokenHitRate)
            return .record(out)
        }
        interp.registerNative("replay_curve") { c throws(Diagnostic) in
            let path = try c.string(0), policy = try c.policy(), block = try c.count("block_size")
            let points = try c.count("points")
            let curve = try c.engine { try replayCurve(path: path, policy: policy, blockSize: block) }
            let i = c.interpreter
            return .table(Table(records: curve.rows(points: points).map { row in
                var r = Record()
                r["capacity"] = .number(Double(row.capacity))
                r["block_hit_rate"] = i.percent(row.blockHitRate)
                r["token_hit_rate"] = i.percent(row.tokenHitRate)
                return r
            }))
        }
        interp.registerNative("sensitivity") { c throws(Diagnostic) in
            let w = try c.workload(), method = try c.hitRateMethod()
            let rows = try c.engine { try KVEngine.sensitivity(w, method: method) }
            let i = c.interpreter
            return .table(Table(records: rows.map { row in
                var r = Record()
                r["input"] = .string(row.input)
                r["value"] = .number(row.value)
                r["hit_rate"] = i.percent(row.hitRate)
                r["elasticity"] = row.elasticity.map { .number($0) } ?? .string("n/a")
                return r
            }))
        }
        interp.registerNative("suggest") { c throws(Diagnostic) in
            let w = try c.workload(), method = try c.hitRateMethod()
            let advice = try c.engine { try KVEngine.suggest(w, method: method) }
            return .table(Table(records: advice.map { a in
                var r = Record()
                r["kind"] = .string(a.kind.rawValue)
                r["argument"] = .string(a.argument ?? "")
                r["value"] = a.value.map { .number($0) } ?? .string("")
                r["message"] = .string(a.message)
                return r
            }))
        }
    }

    static func report(_ r: HitRateReport, _ w: HitRateWorkload, _ i: Interpreter) -> Record {
        var out = Record()
        out["hit_rate"] = i.percent(r.hitRate)
        out["memory_per_token"] = i.quantity(r.memoryPerToken, [("KiB", 1), ("token", -1)])
        out["max_cached_tokens"] = i.tokens(r.maxCachedTokens)
        out["max_cached_conversations"] = i.quantity(r.maxCachedConversations, [("conv", 1)])
        out["active_conversations"] = i.quantity(r.activeConversations, [("conv", 1)])
        out["cached_conversations"] = i.quantity(r.cachedConversations, [("conv", 1)])
        out["cache_utilization"] = i.percent(r.cacheUtilization)
        out["cache_memory"] = i.bytes(r.cacheMemory)
        out["qps"] = i.quantity(r.qps, [("qps", 1)])
        out["tokens_per_second"] = i.quantity(r.tokensPerSecond, [("token", 1), ("s", -1)])
        out["cache_hits_per_second"] = i.quantity(r.cacheHitsPerSecond, [("token", 1), ("s", -1)])
        out["latency_reduction"] = i.percent(r.latencyReduction)
        out["memory_efficiency"] = i.percent(r.memoryEfficiency)
        out["advice"] = .list(r.advice.map { .string($0) })
        out["method"] = .string(r.method.rawValue)
        return out
    }
}

extension CallContext {
    /// The workload the hit-rate builtins share: the model's KV shape, memory, model size and traffic.
    func workload() throws(Diagnostic) -> HitRateWorkload {
        guard let mi = index(of: "model") else { throw error("internal: no model parameter") }
        let m = try record(mi)
        func field(_ f: String, _ fallback: Double? = nil) throws(Diagnostic) -> Double {
            guard let v = m[f] else {
                if let fallback { return fallback }
                throw error("the model needs `\(f)` (a hit-rate model needs layers, kv_heads and head_dim)", at: mi)
            }
            guard case .quantity(let q) = v, q.dimension.isDimensionless else {
                throw error("the model's `\(f)` must be a plain number", at: mi, kind: .type)
            }
            return q.value
        }
        let layers = try field("layers")
        let heads = m["heads"] != nil ? try field("heads") : nil
        let kvHeads = try field("kv_heads", heads)
        let hidden = m["hidden"] != nil ? try field("hidden") : nil
        let headDim = try field("head_dim", hidden.flatMap { h in heads.map { h / $0 } })
        let kvBytes = (try dtype("kv_dtype") ?? .bf16).bytes
        let memory = try memoryArgument()
        let modelSize = try modelSizeArgument(m, at: mi)
        let turns = try plain("turns", dimension: "Request/Conversation")
        let arrival = try quantity(index(of: "arrival") ?? 0, per: "Conversation/Time", name: "arrival")
        let interval = try quantity(index(of: "interval") ?? 0, dimension: "Time")
        let seq = try plain("seq", dimension: "Token/Request", alsoAccept: "Token")
        return HitRateWorkload(layers: layers, kvHeads: kvHeads, headDim: headDim, kvBytes: kvBytes, memory: memory,
                               modelSize: modelSize, turns: turns, arrival: arrival, interval: interval, seq: seq)
    }

    /// Memory: bytes, or an accelerator record (its `memory`).
    private func memoryArgument() throws(Diagnostic) -> Double {
        guard let i = index(of: "memory") else { return 0 }
        if case .record(let r) = arguments[i], case .quantity(let q)? = r["memory"],
           q.dimension == interpreter.units.dimension(named: "Information") {
            return q.value
        }
        return try quantity(i, dimension: "Information")
    }

    /// The weights' bytes: `model_size` when given; else the record's own `model_size` field (the seed's presets);
    /// else the model's bf16 weights, counted by the memory engine.
    private func modelSizeArgument(_ m: Record, at mi: Int) throws(Diagnostic) -> Double {
        if let i = index(of: "model_size"), case .quantity = arguments[i] {
            return try quantity(i, dimension: "Information")
        }
        if case .quantity(let q)? = m["model_size"], q.dimension == interpreter.units.dimension(named: "Information") {
            return q.value
        }
        let spec: ModelSpec
        do { spec = try ModelRecord.spec(from: m) } catch {
            throw self.error("cannot size the model's weights: it \(error.message); give `model_size:`", at: mi)
        }
        return try engine { try spec.checkpointWeights().bytes }
    }

    /// A plain number, or a quantity of the given dimension (turns: req/conv; seq: tokens or token/req).
    private func plain(_ name: String, dimension: String, alsoAccept other: String? = nil) throws(Diagnostic) -> Double {
        guard let i = index(of: name) else { throw error("internal: no parameter `\(name)`") }
        let q = try quantity(i)
        if q.dimension.isDimensionless { return q.value }
        for d in [dimension] + (other.map { [$0] } ?? []) where dimensionNamed(d) == q.dimension { return q.value }
        throw error("`\(name)` must be a number or \(dimension), not \(interpreter.units.name(of: q.dimension))", at: i,
                    kind: .dimension)
    }

    private func quantity(_ i: Int, per formula: String, name: String) throws(Diagnostic) -> Double {
        let q = try quantity(i)
        guard q.dimension == dimensionNamed(formula) else {
            throw error("`\(name)` must be conversations per time, like 2 conv/s, not "
                        + interpreter.units.name(of: q.dimension), at: i, kind: .dimension)
        }
        return q.value
    }

    /// "A/B" as a dimension.
    private func dimensionNamed(_ formula: String) -> Dimension? {
        let parts = formula.split(separator: "/").map(String.init)
        guard let first = parts.first, var d = interpreter.units.dimension(named: first) else { return nil }
        for p in parts.dropFirst() {
            guard let q = interpreter.units.dimension(named: p), let m = d.multiplied(by: q, exponent: .minusOne) else {
                return nil
            }
            d = m
        }
        return d
    }

    func hitRateMethod() throws(Diagnostic) -> HitRateMethod {
        guard let i = index(of: "method") else { return .seed }
        let s = try string(i)
        guard let m = HitRateMethod(rawValue: s) else {
            throw error("`method` must be one of " + HitRateMethod.allCases.map { "\"\($0.rawValue)\"" }
                .joined(separator: ", ") + ", not \"\(s)\"", at: i)
        }
        return m
    }

    func policy() throws(Diagnostic) -> EvictionPolicy {
        guard let i = index(of: "policy") else { return .lru }
        let s = try string(i)
        guard let p = EvictionPolicy(rawValue: s) else {
            throw error("`policy` must be \"lru\", \"fifo\" or \"lfu\", not \"\(s)\"", at: i)
        }
        return p
    }

    /// Capacity in blocks: a plain whole number, or bytes with a `model:` (blocks × block_size × KV bytes per token).
    func capacityBlocks(blockSize: Int) throws(Diagnostic) -> Int {
        guard let i = index(of: "capacity") else { throw error("internal: no capacity parameter") }
        let q = try quantity(i)
        if q.dimension.isDimensionless {
            guard q.value >= 0, q.value == q.value.rounded(), q.value < 1e12 else {
                throw error("`capacity` in blocks must be a whole number", at: i)
            }
            return Int(q.value)
        }
        guard q.dimension == interpreter.units.dimension(named: "Information") else {
            throw error("`capacity` must be blocks (a number) or bytes", at: i, kind: .dimension)
        }
        guard let mi = index(of: "model"), case .record(let r) = arguments[mi], !r.isEmpty else {
            throw error("`capacity` in bytes needs a `model:` to know the bytes per token", at: i)
        }
        let spec = try model()
        let kvDtype = try dtype("kv_dtype") ?? .bf16
        let perToken = try engine { try spec.kvPerToken(kvDtype: kvDtype) }
        return Int((q.value / (Double(blockSize) * perToken)).rounded(.down))
    }
}
