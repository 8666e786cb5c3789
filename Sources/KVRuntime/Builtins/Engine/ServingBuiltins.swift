import KVLang
import KVEngine

/// kv_capacity and the engine flags memory() shares with it (declared in stdlib/memory.kv).
extension MemoryBuiltins {
    static let engineName = ParameterSpec("engine", .oneOf(ServingEngine.allCases.map(\.rawValue)))
    static let version = ParameterSpec("version", .string)
    static let utilization = ParameterSpec("gpu_memory_utilization", .orAuto(.number(0.01...1)))
    static let maxModelLen = ParameterSpec("max_model_len", .orAuto(.tokens(1...P.largeCount)))
    static let maxNumSeqs = ParameterSpec("max_num_seqs", .orAuto(.count(1...1_048_576)))
    static let maxNumBatchedTokens = ParameterSpec("max_num_batched_tokens", .orAuto(.tokens(1...P.largeCount)))
    static let chunkedPrefill = ParameterSpec("enable_chunked_prefill", .orAuto(.bool))
    static let enforceEager = ParameterSpec("enforce_eager", .bool)
    static let blockSize = ParameterSpec("block_size", .orAuto(.count(1...1_048_576)))
    static let memFraction = ParameterSpec("mem_fraction_static", .orAuto(.number(0.01...1)))
    static let chunkedPrefillSize = ParameterSpec("chunked_prefill_size", .orAuto(.tokens(1...P.largeCount)))
    static let cudaGraphMaxBs = ParameterSpec("cuda_graph_max_bs", .orAuto(.count(1...1_048_576)))
    static let useV1 = ParameterSpec("use_v1", .orAuto(.bool))
    static let nonTorch = ParameterSpec("non_torch", .orAuto(.dimension(KnownNames.Dimension.information)))
    static let cudaGraphs = ParameterSpec("cuda_graphs", .orAuto(.dimension(KnownNames.Dimension.information)))

    static let kvCapacity = BuiltinSpec("kv_capacity", [
        P.model, P.gpu, engineName, version, P.dtype, P.kvDtypeAuto, P.tp, P.pp, P.ep, utilization, maxModelLen,
        maxNumSeqs, maxNumBatchedTokens, chunkedPrefill, enforceEager, blockSize, memFraction, chunkedPrefillSize,
        cudaGraphMaxBs, useV1, nonTorch, cudaGraphs,
    ]) { a throws(Diagnostic) in
        let m = try a.model(), gpu = try a.accelerator(), o = try a.memoryOptions()
        let (release, flags) = try engineSetup(&a)
        let k = try a.engine { try m.kvCapacity(gpu: gpu, release: release, options: o, flags: flags) }
        return .record(capacityRecord(k, a.interpreter))
    }

    /// The release and flags from a builtin's engine arguments (those it declares).
    static func engineSetup(_ a: inout Arguments) throws(Diagnostic) -> (EngineRelease, EngineFlags) {
        guard let engine = ServingEngine(rawValue: try a.string("engine")) else { throw a.error("internal: engine") }
        var f = EngineFlags()
        if a.has("gpu_memory_utilization") { f.gpuMemoryUtilization = try a.optional("gpu_memory_utilization", a.double) }
        if a.has("max_model_len") { f.maxModelLen = try a.optional("max_model_len", a.int) }
        if a.has("max_num_seqs") { f.maxNumSeqs = try a.optional("max_num_seqs", a.int) }
        if a.has("max_num_batched_tokens") { f.maxNumBatchedTokens = try a.optional("max_num_batched_tokens", a.int) }
        if a.has("enable_chunked_prefill") { f.enableChunkedPrefill = try a.optional("enable_chunked_prefill", a.bool) }
        if a.has("enforce_eager") { f.enforceEager = try a.bool("enforce_eager") }
        if a.has("block_size") { f.blockSize = try a.optional("block_size", a.int) }
        if a.has("mem_fraction_static") { f.memFractionStatic = try a.optional("mem_fraction_static", a.double) }
        if a.has("chunked_prefill_size") { f.chunkedPrefillSize = try a.optional("chunked_prefill_size", a.int) }
        if a.has("cuda_graph_max_bs") { f.cudaGraphMaxBs = try a.optional("cuda_graph_max_bs", a.int) }
        if a.has("use_v1") { f.useV1 = try a.optional("use_v1", a.bool) }
        if a.has("non_torch") { f.nonTorch = try a.optional("non_torch", a.double) }
        if a.has("cuda_graphs") { f.cudaGraphBytes = try a.optional("cuda_graphs", a.double) }
        // Flags of the other engine are refused rather than silently ignored.
        let vllmOnly = ["gpu_memory_utilization", "max_model_len", "max_num_seqs", "max_num_batched_tokens",
                        "enable_chunked_prefill", "use_v1"]
        let sglangOnly = ["mem_fraction_static", "chunked_prefill_size", "cuda_graph_max_bs"]
        for name in engine == .vllm ? sglangOnly : vllmOnly where a.has(name) {
            if case .string("auto") = try a.value(name) { continue }
            throw a.error("`\(name)` is a\(engine == .vllm ? "n SGLang" : " vLLM") flag; engine is \"\(engine.rawValue)\"",
                          at: name)
        }
        let raw = try a.string("version")
        let flags = f
        let release = try a.engine { try EngineRelease.resolve(engine: engine, version: raw, useV1: flags.useV1) }
        return (release, flags)
    }

    static func capacityRecord(_ k: KVCapacity, _ i: Interpreter) -> Record {
        var r = Record()
        r["engine"] = .string(k.engine.rawValue)
        r["version"] = .string(k.version)
        r["family"] = .string(k.family)
        r["tokens"] = i.tokens(Double(k.tokens))
        r["blocks"] = .number(Double(k.blocks))
        r["block_size"] = i.tokens(Double(k.blockSize))
        r["bytes"] = i.bytes(k.bytes)
        r["per_token"] = i.perToken(k.bytesPerToken)
        r["budget"] = i.bytes(k.budget)
        r["weights"] = i.bytes(k.weights)
        r["activation"] = i.bytes(k.activation)
        r["non_torch"] = i.bytes(k.nonTorch)
        r["cuda_graphs"] = i.bytes(k.cudaGraphs)
        r["fraction"] = i.percent(k.fraction)
        r["profile_tokens"] = i.tokens(Double(k.profileTokens))
        r["profile_seqs"] = .number(Double(k.profileSequences))
        r["chunked_prefill"] = .bool(k.chunkedPrefill)
        r["rank"] = .number(Double(k.rank))
        r["derivation"] = .table(Table(records: k.steps.map { step in
            var row = Record()
            row["component"] = .string(step.component)
            row["item"] = .string(step.item)
            row["factors"] = .string(step.factors.map { "\($0.name) \(NumberFormat.format($0.value))" }
                .joined(separator: ", "))
            row["bytes"] = i.bytes(step.bytes)
            return row
        }))
        return r
    }

    /// memory()'s engine flags: engine "none" (the Hugging Face forward pass) or a serving engine.
    static let memoryEngineOptions = [
        ParameterSpec("engine", .oneOf(["none"] + ServingEngine.allCases.map(\.rawValue))), version, utilization,
        maxNumSeqs, maxNumBatchedTokens, chunkedPrefillSize, enforceEager, nonTorch, cudaGraphs,
    ]
}
