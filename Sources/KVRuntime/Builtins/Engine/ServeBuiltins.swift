import KVLang
import KVEngine

/// serve and serve_timeline: a simulated engine replica under load (KVEngine/Simulation), declared with their
/// documentation in stdlib/serve.kv. The KV pool comes from kv_capacity with the same engine arguments (its
/// parameter specs and engineSetup are reused, not copied) unless `capacity` overrides it.
enum ServeBuiltins {
    typealias D = KnownNames.Dimension

    static let workload = ParameterSpec("workload", .custom("a trace path (string), or a workload(…) record"))
    static let capacity = ParameterSpec("capacity", .custom("\"auto\", tokens, bytes, or blocks (a plain number)"))
    static let cache = ParameterSpec("cache", .oneOf(["auto"] + ServeCachePolicy.allCases.map(\.rawValue)))
    static let dram = ParameterSpec("dram", .dimension(D.information))
    static let dramBandwidth = ParameterSpec("dram_bandwidth", .dimension(D.bandwidth))
    static let instant = ParameterSpec("instant", .bool)
    static let stepTime = ParameterSpec("step_time", .orAuto(.dimension(D.time)))
    /// A million times faster or slower is as far as a replay of a real trace makes sense.
    static let timeScale = ParameterSpec("time_scale", .number(1e-6...1e6))
    static let traceBlockSize = ParameterSpec("trace_block_size", .orAuto(.tokens(WorkloadRecord.blockRange)))
    static let points = ParameterSpec("points", .count(2...100_000))

    /// The workload, kv_capacity's arguments in its order, then the simulator's own.
    static let parameters = [workload] + MemoryBuiltins.kvCapacity.parameters
        + [capacity, cache, dram, dramBandwidth, instant, stepTime, timeScale, traceBlockSize]

    static let specs: [BuiltinSpec] = [
        WorkloadBuiltins.spec,
        BuiltinSpec("serve", parameters) { a throws(Diagnostic) in
            let (result, options) = try run(&a, points: 2)
            return .record(ServeRecord.result(result, cache: options.cache, a.interpreter))
        },
        BuiltinSpec("serve_timeline", parameters + [points]) { a throws(Diagnostic) in
            .table(ServeRecord.timeline(try run(&a, points: try a.int("points")).0, a.interpreter))
        },
    ]

    /// Reads every argument, sizes the pool and runs the simulation.
    static func run(_ a: inout Arguments, points: Int) throws(Diagnostic) -> (ServeResult, ServeOptions) {
        let m = try a.model(), gpu = try a.accelerator(), memory = try a.memoryOptions()
        let (release, flags) = try MemoryBuiltins.engineSetup(&a)
        let w = try servedWorkload(a)
        var o = ServeOptions(capacityTokens: 1)
        o.tp = try a.int("tp")
        o.pp = try a.int("pp")
        o.dtype = try LatencyBuiltins.computeDtype(a, model: m)
        // The pool is sized for this KV dtype (kv_capacity's "auto": the compute dtype), so the steps read it too.
        let kvDtype = memory.kvDtype ?? (memory.dtype.isQuantized ? .bf16 : memory.dtype)
        o.kvDtype = kvDtype

        let pool: KVCapacity?
        if case .string("auto") = try a.value("capacity") {
            pool = try a.engine { try m.kvCapacity(gpu: gpu, release: release, options: memory, flags: flags) }
        } else {
            // Only for the engine's batch limits: a given capacity need not fit this GPU (what-if sizes), so a pool
            // that does not fit falls back to the flags and vLLM V1's defaults below.
            pool = try? m.kvCapacity(gpu: gpu, release: release, options: memory, flags: flags)
        }
        o.capacityTokens = try capacityTokens(a, pool: pool, model: m, kvDtype: kvDtype, blockTokens: w.blockTokens)
        let defaults = ServeOptions.vllmDefaults(for: gpu)
        switch release.engine {
        case .vllm:
            o.maxNumBatchedTokens = pool?.profileTokens ?? flags.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens
            o.maxNumSeqs = pool?.profileSequences ?? flags.maxNumSeqs ?? defaults.maxNumSeqs
        case .sglang:
            // SGLang's step budget is chunked_prefill_size; its running-request cap (max_running_requests, derived
            // from the pool) is not modelled: the simulator's default applies.
            o.maxNumBatchedTokens = pool?.profileTokens ?? flags.chunkedPrefillSize ?? defaults.maxNumBatchedTokens
        }
        o.cache = try cachePolicy(a, engine: release.engine)
        o.dramBytes = try a.double("dram")
        o.dramBandwidth = try a.double("dram_bandwidth")
        if o.dramBytes > 0, o.dramBandwidth == 0 {
            throw a.error("a DRAM tier needs `dram_bandwidth`, the rate its blocks reload at", at: "dram",
                          hint: "add dram_bandwidth: 25 GB/s, or your host link's measured rate")
        }
        o.instant = try a.bool("instant")
        o.fixedStepTime = try a.optional("step_time", a.double)
        o.timelinePoints = points
        let options = o
        return (try a.engine { try m.serve(w, gpu: gpu, options) }, options)
    }

    /// The trace at `workload` (resolved against the program's folder, as replay's path) or the workload record's
    /// generated requests, with `time_scale` applied.
    static func servedWorkload(_ a: Arguments) throws(Diagnostic) -> ServeWorkload {
        let traceBlock = try a.optional("trace_block_size", a.int)
        var w: ServeWorkload
        switch try a.value("workload") {
        case .string(let path):
            guard !path.isEmpty else { throw a.error("`workload` is an empty path", at: "workload") }
            let resolved = a.interpreter.resolvePath(path)
            w = try failing(a, at: "workload") {
                ServeWorkload(trace: try TraceReader.read(path: resolved), blockTokens: traceBlock ?? 512)
            }
        case .record(let r):
            if traceBlock != nil {
                throw a.error("`trace_block_size` applies to a trace path; a workload record carries its own block_size",
                              at: "trace_block_size")
            }
            let spec = try WorkloadRecord(r, at: a.span("workload"), units: a.interpreter.units)
            w = try failing(a, at: "workload") { try spec.build() }
        case let v:
            throw a.error("`workload` must be a trace path (a string) or a workload(…) record, not \(v.typeName)",
                          at: "workload", kind: .type, hint: "workload(requests: 100, arrival: 2 req/s) makes one")
        }
        let scale = try a.double("time_scale")
        if scale != 1 {
            let trace = w.trace
            w.trace = try failing(a, at: "time_scale") { try trace.timeScaled(by: scale) }
        }
        let checked = w, fromPath = !isRecord(try a.value("workload"))
        try failing(a, at: "workload", hint: fromPath
                    ? "trace_block_size: sets the tokens each hash id covers (512 for Mooncake traces)" : nil) {
            try checked.validate()
        }
        return w
    }

    private static func isRecord(_ v: Value) -> Bool { if case .record = v { return true } else { return false } }

    /// Any error of `body` as a diagnostic at the argument `name` (the trace reader names `path`, the workload
    /// generator its own fields: here they are all about one argument).
    static func failing<T>(_ a: Arguments, at name: String, hint: String? = nil,
                           _ body: () throws -> T) throws(Diagnostic) -> T {
        do { return try body() } catch {
            let message = (error as? EngineError)?.message ?? "\(error)"
            throw a.error(message, at: name, kind: .engine, hint: hint)
        }
    }

    /// The pool in tokens: kv_capacity's (auto), or `capacity` in tokens, in bytes (over the KV bytes a token takes
    /// on one chip, floored) or in blocks of the workload's block size (as replay counts them).
    static func capacityTokens(_ a: Arguments, pool: KVCapacity?, model m: ModelSpec, kvDtype: DType,
                               blockTokens: Int) throws(Diagnostic) -> Int {
        let tokens: Double
        let v = try a.value("capacity")
        switch v {
        case .string("auto"):
            guard let k = pool else { throw a.error("internal: no pool") }
            tokens = Double(k.tokens)
        case .string(let s):
            throw a.error("`capacity` must be \"auto\", tokens, bytes or blocks, not \"\(s)\"", at: "capacity",
                          hint: Suggestions.hint(for: s, in: ["auto"]))
        case .quantity(let q):
            guard q.value.isFinite, q.value > 0 else {
                throw a.error("`capacity` must be positive and finite, not \(NumberFormat.format(q.value))", at: "capacity")
            }
            let units = a.interpreter.units
            if q.dimension.isDimensionless {
                guard q.value == q.value.rounded() else {
                    throw a.error("`capacity` in blocks must be a whole number, not \(NumberFormat.format(q.value))",
                                  at: "capacity")
                }
                tokens = q.value * Double(blockTokens)
            } else if q.dimension == units.dimension(named: D.token) {
                guard q.value == q.value.rounded() else {
                    throw a.error("`capacity` must be whole tokens, not \(NumberFormat.format(q.value))", at: "capacity")
                }
                tokens = q.value
            } else if q.dimension == units.dimension(named: D.information) {
                let tp = try a.int("tp"), pp = try a.int("pp")
                let perToken = try a.engine { try m.kvCache(batch: 1, seq: 1, kvDtype: kvDtype, tp: tp, pp: pp).bytesPerToken }
                tokens = (q.value / perToken).rounded(.down)
            } else {
                throw a.error("`capacity` must be tokens, bytes or blocks (a plain number), not "
                              + units.name(of: q.dimension), at: "capacity", kind: .dimension)
            }
        default:
            throw a.error("`capacity` must be \"auto\", tokens, bytes or blocks, not \(v.typeName)", at: "capacity",
                          kind: .type)
        }
        let blocks = (tokens / Double(blockTokens)).rounded(.down)
        guard blocks >= 1 else {
            throw a.error("`capacity` holds \(NumberFormat.format(tokens)) tokens, less than one \(blockTokens)-token "
                          + "block of the workload", at: "capacity")
        }
        // The simulator refuses pools it cannot hold (ServeSimulation.maxPoolBlocks); here only what an Int holds.
        guard let n = WholeNumber.exactly(tokens, in: 1...WholeNumber.largest) else {
            throw a.error("`capacity` of \(NumberFormat.format(tokens)) tokens is more than 2^53", at: "capacity")
        }
        return n
    }

    /// "auto": the engine's own policy.
    static func cachePolicy(_ a: Arguments, engine: ServingEngine) throws(Diagnostic) -> ServeCachePolicy {
        let s = try a.string("cache")
        if s == "auto" { return engine == .vllm ? .vllm : .sglang }
        guard let p = ServeCachePolicy(rawValue: s) else { throw a.error("internal: cache \"\(s)\"") }
        return p
    }
}
