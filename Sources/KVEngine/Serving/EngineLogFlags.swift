/// The flags a start-up log echoes as `key=value, …` or `'key': value, …` lists:
/// - vLLM: "Initializing an LLM engine (v0.6.4.post1) with config: model=…, dtype=torch.bfloat16,
///   max_seq_len=131072, …" (`llm_engine.py`; V1: "Initializing a V1 LLM engine (v0.8.4) with config:",
///   `v1/engine/core.py`), the API server's "args: Namespace(…)" (≤ v0.8) and "non-default args: {…}" (v0.9+),
///   "vLLM API server version X" (`entrypoints/openai/api_server.py`).
/// - SGLang: "server_args=ServerArgs(…)" (`srt/server_args.py` printed by `launch_server`).
/// Keys not listed here are passed over; `None` states nothing; a listed key with an unreadable value is unparsed.
enum EngineLogFlags {
    enum Kind { case tokens, count, number, flag, text, dtype }

    /// Echoed key → field. vLLM and SGLang names both (the line's engine is known from its anchor).
    static let keys: [String: (EngineLog.Field, Kind)] = [
        "max_model_len": (.maxModelLen, .tokens), "max_seq_len": (.maxModelLen, .tokens),
        "context_length": (.maxModelLen, .tokens),
        "max_num_seqs": (.maxNumSeqs, .count), "max_num_batched_tokens": (.maxNumBatchedTokens, .tokens),
        "enable_chunked_prefill": (.enableChunkedPrefill, .flag),
        "chunked_prefill_enabled": (.enableChunkedPrefill, .flag),
        "block_size": (.blockSize, .tokens), "page_size": (.blockSize, .tokens),
        "dtype": (.dtype, .dtype), "kv_cache_dtype": (.kvCacheDtype, .dtype), "quantization": (.quantization, .text),
        "tensor_parallel_size": (.tp, .count), "tp_size": (.tp, .count),
        "pipeline_parallel_size": (.pp, .count), "pp_size": (.pp, .count),
        "enforce_eager": (.enforceEager, .flag), "gpu_memory_utilization": (.gpuMemoryUtilization, .number),
        "mem_fraction_static": (.memFractionStatic, .number), "chunked_prefill_size": (.chunkedPrefillSize, .tokens),
        "max_prefill_tokens": (.maxPrefillTokens, .tokens), "max_running_requests": (.maxRunningRequests, .count),
        "cuda_graph_max_bs": (.cudaGraphMaxBS, .count),
    ]

    /// The anchors: where the list starts, which engine prints it, and whether keys are quoted (a dict repr).
    static let anchors: [(phrase: [UInt8], engine: EngineLog.Engine, quotedKeys: Bool)] = [
        ("server_args=ServerArgs(", EngineLog.Engine.sglang, false), ("server_args: ServerArgs(", .sglang, false),
        (" with config: ", .vllm, false), ("args: Namespace(", .vllm, false), ("non-default args: {", .vllm, true),
    ].map { (Array($0.0.utf8), $0.1, $0.2) }
    static let versionPhrase = Array("vLLM API server version".utf8)

    /// One `key=value` (or `'key': value`) item at nesting depth 0, with where its value starts.
    struct Item {
        let key: String
        let value: String
        let valueStart: Int
    }

    /// Splits the list that starts at `start` into items, minding quotes and brackets; stops at the list's
    /// closing bracket, at the end of the line, or after 10,000 items.
    static func items(_ line: EngineLogLine, from start: Int, quotedKeys: Bool) -> [Item] {
        let b = line.bytes
        var items: [Item] = []
        var i = start
        while i < b.count, items.count < 10_000 {
            i = line.skipSpaces(i)
            let itemStart = i
            var depth = 0, quote: UInt8? = nil
            var separator: Int? = nil
            while i < b.count {
                let c = b[i]
                if let q = quote {
                    if c == UInt8(ascii: "\\") { i += 1 } else if c == q { quote = nil }
                } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                    quote = c
                } else if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    depth += 1
                } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    if depth == 0 { break }
                    depth -= 1
                } else if depth == 0, c == UInt8(ascii: ",") {
                    break
                } else if depth == 0, separator == nil, c == UInt8(ascii: quotedKeys ? ":" : "=") {
                    separator = i
                }
                i += 1
            }
            let end = min(i, b.count)
            if let sep = separator {
                var key = String(decoding: b[itemStart..<sep], as: UTF8.self)
                    .trimmingCharacters(in: [" "])
                if quotedKeys { key = key.trimmingCharacters(in: ["'", "\""]) }
                let valueStart = line.skipSpaces(sep + 1)
                let value = valueStart < end ? String(decoding: b[valueStart..<end], as: UTF8.self)
                    .trimmingCharacters(in: [" "]) : ""
                items.append(Item(key: key, value: value, valueStart: valueStart))
            }
            // Past the closing bracket of the list: done.
            if i >= b.count || b[i] != UInt8(ascii: ",") { break }
            i += 1
        }
        return items
    }

    /// Why a flag's value could not be read.
    struct Unreadable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// A value as the field's kind: nil for None (states nothing), or why it is unreadable.
    static func value(_ raw: String, _ kind: Kind) -> Result<EngineLog.Value?, Unreadable> {
        let v = raw.trimmingCharacters(in: ["'", "\""])
        if raw == "None" || v.isEmpty { return .success(nil) }
        switch kind {
        case .tokens, .count:
            guard let n = Int(v), n >= 0, n <= 1 << 53 else {
                // SGLang's "disabled" is -1.
                if let n = Int(v), n < 0 { return .success(nil) }
                return .failure(Unreadable("expected a whole number"))
            }
            return .success(kind == .tokens ? .tokens(n) : .count(n))
        case .number:
            guard let x = Double(v), x.isFinite else { return .failure(Unreadable("expected a number")) }
            return .success(.number(x))
        case .flag:
            switch v {
            case "True", "true": return .success(.flag(true))
            case "False", "false": return .success(.flag(false))
            default: return .failure(Unreadable("expected True or False"))
            }
        case .text:
            return .success(.text(v))
        case .dtype:
            return .success(.text(v.hasPrefix("torch.") ? String(v.dropFirst(6)) : v))
        }
    }
}
