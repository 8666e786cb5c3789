import KVLang
import KVEngine

/// The hit-rate engine's builtins (declared with their documentation in stdlib/hitrate.kv).
enum HitRateBuiltins {
    typealias P = EngineParameters

    /// The workload's parameters, shared by hit_rate, memory_for, simulate, sensitivity and suggest.
    static let model = ParameterSpec("model", .custom("a model record (full, or layers, kv_heads, head_dim)"))
    static let memory = ParameterSpec("memory", .custom("bytes, or an accelerator record"))
    static let traffic = [
        ParameterSpec("turns", .custom("requests per conversation, ≥ 1")),
        ParameterSpec("arrival", .custom("conversations per time")),
        ParameterSpec("interval", .dimension(KnownNames.Dimension.time)),
        ParameterSpec("seq", .custom("tokens per request")),
        P.kvDtype,
        ParameterSpec("model_size", .custom("bytes, or \"auto\"")),
    ]
    static let method = ParameterSpec("method", .oneOf(HitRateMethod.allCases.map(\.rawValue)))
    static let blockSize = ParameterSpec("block_size", .count(1...1_048_576))
    static let policy = ParameterSpec("policy", .oneOf(EvictionPolicy.allCases.map(\.rawValue)))

    static let specs: [BuiltinSpec] = [
        BuiltinSpec("hit_rate", [model, memory] + traffic + [method]) { a throws(Diagnostic) in
            let w = try a.workload(), method = try a.hitRateMethod()
            let r = try a.engine { try hitRate(w, method: method) }
            return .record(report(r, w, a.interpreter))
        },
        BuiltinSpec("memory_for", [model, ParameterSpec("target", .number(0...1))] + traffic) { a throws(Diagnostic) in
            let w = try a.workload(), target = try a.double("target")
            let m = try a.engine { try memoryFor(w, target: target) }
            let i = a.interpreter
            var r = Record()
            r["target"] = i.percent(m.target)
            r["memory"] = i.bytes(m.exactMemory)
            r["conversations"] = i.conversations(m.exactConversations)
            r["shortcut_memory"] = i.bytes(m.shortcutMemory)
            r["shortcut_conversations"] = i.conversations(m.shortcutConversations)
            r["shortcut_hit_rate"] = i.percent(m.shortcutHitRate)
            return .record(r)
        },
        BuiltinSpec("simulate", [model, memory] + traffic + [
            ParameterSpec("think", .oneOf(ThinkTime.allCases.map(\.rawValue))), ParameterSpec("block_size", .count(1...1_048_576)),
            // 0 is the documented default (enough for ten conversation lifetimes); the simulation keeps a few
            // words per conversation, so the bound keeps memory in hand.
            ParameterSpec("conversations", .count(0...10_000_000)),
            ParameterSpec("seed", .count(0...WholeNumber.largest)),
        ]) { a throws(Diagnostic) in
            let w = try a.workload()
            guard let think = ThinkTime(rawValue: try a.string("think")) else { throw a.error("internal: think") }
            let block = try a.int("block_size"), conversations = try a.int("conversations"), seed = try a.int("seed")
            let result = try a.engine { () throws -> SimulationResult in
                let config = try SimulationConfig(w, thinkTime: think, blockSize: block,
                                                  conversations: conversations > 0 ? conversations : nil,
                                                  seed: UInt64(seed))
                return try simulate(config)
            }
            let i = a.interpreter
            var r = Record()
            r["hit_rate"] = i.percent(result.tokenHitRate.mean)
            r["low"] = i.percent(result.tokenHitRate.low)
            r["high"] = i.percent(result.tokenHitRate.high)
            r["request_hit_rate"] = i.percent(result.requestHitRate.mean)
            r["request_low"] = i.percent(result.requestHitRate.low)
            r["request_high"] = i.percent(result.requestHitRate.high)
            r["requests"] = i.requests(Double(result.requests))
            return .record(r)
        },
        BuiltinSpec("replay", [
            ParameterSpec("path", .path), ParameterSpec("capacity", .custom("blocks, or bytes with a model")), policy,
            blockSize, ParameterSpec("model", .record), P.kvDtype,
        ]) { a throws(Diagnostic) in
            let path = try a.string("path"), policy = try a.policy(), block = try a.int("block_size")
            // A model given with a capacity in blocks is not needed, but a misspelled one is still an error.
            if case .record(let r) = try a.value("model"), !r.isEmpty { _ = try ModelRecord.spec(r, at: a.span("model")) }
            let capacity = try a.capacityBlocks(blockSize: block)
            let r = try a.engine { try KVEngine.replay(path: a.interpreter.resolvePath(path), capacity: capacity, policy: policy, blockSize: block) }
            let i = a.interpreter
            var out = Record()
            out["requests"] = i.requests(Double(r.requests))
            out["capacity"] = .number(Double(r.capacity))
            out["lookups"] = .number(Double(r.lookups))
            out["hits"] = .number(Double(r.hits))
            out["block_hit_rate"] = i.percent(r.blockHitRate)
            out["token_hit_rate"] = i.percent(r.tokenHitRate)
            return .record(out)
        },
        BuiltinSpec("replay_curve", [ParameterSpec("path", .path), policy, blockSize,
                                     ParameterSpec("points", .count(2...100_000))]) { a throws(Diagnostic) in
            let path = try a.string("path"), policy = try a.policy(), block = try a.int("block_size")
            let points = try a.int("points")
            let curve = try a.engine { try replayCurve(path: a.interpreter.resolvePath(path), policy: policy, blockSize: block) }
            let i = a.interpreter
            return .table(Table(records: curve.rows(points: points).map { row in
                var r = Record()
                r["capacity"] = .number(Double(row.capacity))
                r["block_hit_rate"] = i.percent(row.blockHitRate)
                r["token_hit_rate"] = i.percent(row.tokenHitRate)
                return r
            }))
        },
        BuiltinSpec("sensitivity", [model, memory] + traffic + [method]) { a throws(Diagnostic) in
            let w = try a.workload(), method = try a.hitRateMethod()
            let rows = try a.engine { try KVEngine.sensitivity(w, method: method) }
            let i = a.interpreter
            return .table(Table(records: rows.map { row in
                var r = Record()
                r["input"] = .string(row.input)
                r["value"] = .number(row.value)
                r["hit_rate"] = i.percent(row.hitRate)
                r["elasticity"] = row.elasticity.map { .number($0) } ?? .string("n/a")
                return r
            }))
        },
        BuiltinSpec("suggest", [model, memory] + traffic + [method]) { a throws(Diagnostic) in
            let w = try a.workload(), method = try a.hitRateMethod()
            let advice = try a.engine { try KVEngine.suggest(w, method: method) }
            return .table(Table(records: advice.map { x in
                var r = Record()
                r["kind"] = .string(x.kind.rawValue)
                r["argument"] = .string(x.argument ?? "")
                r["value"] = x.value.map { .number($0) } ?? .string("")
                r["message"] = .string(x.message)
                return r
            }))
        },
    ]

    static func report(_ r: HitRateReport, _ w: HitRateWorkload, _ i: Interpreter) -> Record {
        var out = Record()
        out["hit_rate"] = i.percent(r.hitRate)
        out["memory_per_token"] = i.perToken(r.memoryPerToken)
        out["max_cached_tokens"] = i.tokens(r.maxCachedTokens)
        out["max_cached_conversations"] = i.conversations(r.maxCachedConversations)
        out["active_conversations"] = i.conversations(r.activeConversations)
        out["cached_conversations"] = i.conversations(r.cachedConversations)
        out["cache_utilization"] = i.percent(r.cacheUtilization)
        out["cache_memory"] = i.bytes(r.cacheMemory)
        out["qps"] = i.quantity(r.qps, [(KnownNames.Unit.qps, 1)])
        out["tokens_per_second"] = i.quantity(r.tokensPerSecond, [(KnownNames.Unit.token, 1), (KnownNames.Unit.second, -1)])
        out["cache_hits_per_second"] = i.quantity(r.cacheHitsPerSecond, [(KnownNames.Unit.token, 1), (KnownNames.Unit.second, -1)])
        out["latency_reduction"] = i.percent(r.latencyReduction)
        out["memory_efficiency"] = i.percent(r.memoryEfficiency)
        out["advice"] = .list(r.advice.map { .string($0) })
        out["method"] = .string(r.method.rawValue)
        return out
    }
}

extension Arguments {
    /// The workload the hit-rate builtins share: the model's KV shape, memory, model size and traffic.
    func workload() throws(Diagnostic) -> HitRateWorkload {
        let m = try HitRateModelRecord(try record("model"), at: span("model"), units: interpreter.units)
        let kvBytes = (try dtype("kv_dtype") ?? .bf16).bytes
        let memory = has("memory") ? try memoryArgument() : 0  // memory_for solves for it
        let modelSize = try modelSizeArgument(m)
        typealias D = KnownNames.Dimension
        let turns = try plain("turns", dimension: "\(D.request)/\(D.conversation)")
        let arrival = try rate("arrival", per: "\(D.conversation)/\(D.time)")
        let interval = try double("interval")
        let seq = try plain("seq", dimension: "\(D.token)/\(D.request)", alsoAccept: D.token)
        return HitRateWorkload(layers: Double(m.layers), kvHeads: Double(m.kvHeads), headDim: Double(m.headDim),
                               kvBytes: kvBytes, memory: memory, modelSize: modelSize, turns: turns, arrival: arrival,
                               interval: interval, seq: seq)
    }

    /// Memory: bytes, or an accelerator record (its `memory`).
    private func memoryArgument() throws(Diagnostic) -> Double {
        if case .record(let r) = try value("memory") {
            return try AcceleratorRecord.accelerator(r, at: span("memory"), argument: "memory",
                                                     units: interpreter.units).capacity
        }
        let i = try index("memory")
        let bytes = try context.quantity(i, dimension: KnownNames.Dimension.information)
        guard bytes.isFinite, bytes >= 0 else { throw error("`memory` must be a finite, non-negative number of bytes", at: "memory") }
        return bytes
    }

    /// The weights' bytes: `model_size` when given; else the record's own `model_size` field (the seed's presets);
    /// else the model's bf16 weights, counted by the memory engine.
    private func modelSizeArgument(_ m: HitRateModelRecord) throws(Diagnostic) -> Double {
        switch try value("model_size") {
        case .string("auto"): break
        case .quantity:
            let bytes = try context.quantity(try index("model_size"), dimension: KnownNames.Dimension.information)
            guard bytes.isFinite, bytes >= 0 else {
                throw error("`model_size` must be a finite, non-negative number of bytes", at: "model_size")
            }
            return bytes
        case let other:
            let shown: String
            if case .string(let s) = other { shown = "\"\(s)\"" } else { shown = other.typeName }
            throw error("`model_size` must be bytes or \"auto\", not \(shown)", at: "model_size", kind: .type)
        }
        if let size = m.modelSize { return size }
        guard let spec = m.spec else {
            throw error("cannot size the model's weights: it has only layers, kv_heads and head_dim", at: "model",
                        hint: "give `model_size:` or a full model record")
        }
        return try engine { try spec.checkpointWeights().bytes }
    }

    /// A plain number, or a quantity of the given dimension (turns: req/conv; seq: tokens or token/req); finite.
    private func plain(_ name: String, dimension: String, alsoAccept other: String? = nil) throws(Diagnostic) -> Double {
        let q = try quantity(name)
        guard q.value.isFinite else { throw error("`\(name)` is not finite", at: name, kind: .numeric) }
        if q.dimension.isDimensionless { return q.value }
        for d in [dimension] + (other.map { [$0] } ?? []) where dimensionNamed(d) == q.dimension { return q.value }
        throw error("`\(name)` must be a number or \(dimension), not \(interpreter.units.name(of: q.dimension))", at: name,
                    kind: .dimension)
    }

    private func rate(_ name: String, per formula: String) throws(Diagnostic) -> Double {
        let q = try quantity(name)
        guard q.dimension == dimensionNamed(formula) else {
            throw error("`\(name)` must be conversations per time, like 2 conv/s, not "
                        + interpreter.units.name(of: q.dimension), at: name, kind: .dimension)
        }
        guard q.value.isFinite else { throw error("`\(name)` is not finite", at: name, kind: .numeric) }
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
        guard let m = HitRateMethod(rawValue: try string("method")) else { throw error("internal: method") }
        return m
    }

    func policy() throws(Diagnostic) -> EvictionPolicy {
        guard let p = EvictionPolicy(rawValue: try string("policy")) else { throw error("internal: policy") }
        return p
    }

    /// Capacity in blocks: a plain whole number, or bytes with a `model:` (⌊bytes / (block_size × KV bytes per
    /// token)⌋ blocks, checked to fit before it becomes an Int).
    func capacityBlocks(blockSize: Int) throws(Diagnostic) -> Int {
        let q = try quantity("capacity")
        if q.dimension.isDimensionless {
            guard let n = WholeNumber.exactly(q.value, in: 0...WholeNumber.largest) else {
                throw error("`capacity` in blocks must be \(WholeNumber.describe(0...WholeNumber.largest)), "
                            + "not \(NumberFormat.format(q.value))", at: "capacity")
            }
            return n
        }
        guard q.dimension == interpreter.units.dimension(named: KnownNames.Dimension.information) else {
            throw error("`capacity` must be blocks (a number) or bytes", at: "capacity", kind: .dimension)
        }
        guard case .record(let r) = try value("model"), !r.isEmpty else {
            throw error("`capacity` in bytes needs a `model:` to know the bytes per token", at: "capacity")
        }
        let spec = try ModelRecord.spec(r, at: span("model"))
        let kvDtype = try dtype("kv_dtype") ?? .bf16
        let perToken = try engine { try spec.kvPerToken(kvDtype: kvDtype) }
        let blocks = (q.value / (Double(blockSize) * perToken)).rounded(.down)
        guard let n = WholeNumber.exactly(blocks, in: 0...WholeNumber.largest) else {
            throw error("`capacity` of \(NumberFormat.format(q.value)) B is \(NumberFormat.format(blocks)) blocks of "
                        + "\(blockSize) tokens; it must come to 0 … 2^53 blocks", at: "capacity")
        }
        return n
    }
}
