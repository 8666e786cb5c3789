/// Reading one line: which formats it holds, the figures after their labels, the flags it echoes, and whether a
/// worker rank printed it.
extension EngineLog {
    /// Whether a line was printed by a non-driver rank: vLLM's "(VllmWorkerProcess pid=…)",
    /// "(RayWorkerWrapper …)", "(VllmWorker rank=N …)", "(Worker_TPN …)", "(EngineCore_DPN …)"; SGLang's
    /// "[… TPN]", "[… DPN TP0 EP0]" and "[gpu=N]" — N ≠ 0 (another data-parallel replica has its own pool; the
    /// record gives replica 0's). Only the line's first 96 bytes (its prefix) are looked at.
    static func isWorker(_ line: EngineLogLine) -> Bool {
        let head = EngineLogLine(bytes: Array(line.bytes.prefix(96)), number: line.number, prefixColumns: 0, line: [])
        if head.contains("(VllmWorkerProcess") || head.contains("(RayWorkerWrapper") { return true }
        for marker in ["rank=", "_TP", " TP", "[TP", "_PP", "gpu=", "_DP", " DP", "[DP"] {
            var from = 0
            while let at = head.after(marker, from: from) {
                if let n = head.count(at: at), n.value != 0 { return true }
                from = at
            }
        }
        return false
    }

    static func readSegment(_ line: EngineLogLine, into state: inout ParseState) {
        // Flag echoes first: their values would otherwise look like capacity phrases.
        for anchor in EngineLogFlags.anchors {
            guard let found = line.find(anchor.phrase) else { continue }
            let at = found + anchor.phrase.count
            state.saw(anchor.engine, line: line.number)
            readFlags(line, from: at, quotedKeys: anchor.quotedKeys, into: &state)
            if anchor.engine == .vllm { readVersion(line, into: &state) }
            return
        }
        if line.contains(EngineLogFlags.versionPhrase) {
            readVersion(line, into: &state)
            return
        }
        // Only lines that match a format pay for the rank check.
        lazy var worker = isWorker(line)
        var matched = false
        for format in EngineLogFormats.sglang where format.triggerBytes.contains(where: line.contains) {
            matched = true
            read(line, format, worker: worker, into: &state)
        }
        guard !matched else {
            state.inProfileBlock = false
            return
        }
        var inBlock = false
        for format in EngineLogFormats.vllm {
            let blockLine = format.name == EngineLogFormats.profile && state.inProfileBlock
                && (line.contains("gpu_memory_utilization") || line.contains("duration"))
            guard blockLine || format.triggerBytes.contains(where: line.contains) else { continue }
            read(line, format, worker: worker, into: &state)
            if format.name == EngineLogFormats.profile {
                inBlock = blockLine || state.inProfileBlock || line.contains("Memory profiling results:")
            }
        }
        state.inProfileBlock = inBlock
    }

    static func readVersion(_ line: EngineLogLine, into state: inout ParseState) {
        if let at = line.after("LLM engine (v"), let w = line.word(at: at) {
            state.state(.version, .text(w.value), line: line, worker: false)
        } else if let at = line.after("vLLM API server version"), let w = line.word(at: line.skipSpaces(at)) {
            state.state(.version, .text(w.value.hasPrefix("v") ? String(w.value.dropFirst()) : w.value), line: line,
                        worker: false)
        }
        if line.contains("Initializing a V1 LLM engine") {
            state.state(.mode, .text("V1"), line: line, worker: false)
        } else if line.contains("Initializing an LLM engine") {
            state.state(.mode, .text("V0"), line: line, worker: false)
        }
        state.saw(.vllm, line: line.number)
    }

    static func readFlags(_ line: EngineLogLine, from start: Int, quotedKeys: Bool, into state: inout ParseState) {
        for item in EngineLogFlags.items(line, from: start, quotedKeys: quotedKeys) {
            guard let (field, kind) = EngineLogFlags.keys[item.key] else { continue }
            switch EngineLogFlags.value(item.value, kind) {
            case .success(let v?): state.state(field, v, line: line, worker: false)
            case .success(nil): break
            case .failure(let e): state.fail(line, at: item.valueStart, "\(e.reason) for `\(item.key)`")
            }
        }
    }

    /// Reads one line by one format: every label found must carry its figure.
    static func read(_ line: EngineLogLine, _ format: EngineLogFormats.Format, worker: Bool,
                     into state: inout ParseState) {
        state.saw(format.engine, line: line.number)
        var found = format.bare.contains(where: line.contains)
        for label in format.labels {
            guard let start = line.find(label.phrase) else { continue }
            found = true
            if case .gibBefore = label.reading {
                if let v = line.numberBefore(start) {
                    state.state(label.field, .bytes(v * Double(1 << 30)), line: line, worker: worker)
                } else {
                    state.fail(line, at: start, "expected a number before \"\(label.phrase.trimmingCharacters(in: [" "]))\" (\(format.name))")
                }
                continue
            }
            var i = start + label.phrase.utf8.count
            for word in ["takes", "=", "(", ":", "is"] where line.skip(word, at: i) != line.skipSpaces(i) {
                i = line.skip(word, at: i)
                break
            }
            i = line.skipSpaces(i)
            if let v = figure(line, at: i, label.reading) {
                if let v { state.state(label.field, v, line: line, worker: worker) }
            } else {
                state.fail(line, at: i, "expected \(describe(label.reading)) after \"\(label.phrase)\" (\(format.name))")
            }
        }
        if found {
            for (field, value) in format.constants { state.state(field, value, line: line, worker: worker) }
        } else {
            let at = format.triggers.compactMap { line.find($0) }.min() ?? 0
            state.fail(line, at: at, "a \(format.name) line without its figures")
        }
    }

    /// The figure at `i`: .some(value), .some(nil) for a flag that states nothing ("None"), nil when unreadable.
    static func figure(_ line: EngineLogLine, at i: Int, _ reading: EngineLogFormats.Reading) -> Value?? {
        switch reading {
        case .bytes:
            return line.bytesFigure(at: i).map { .bytes($0.value) }
        case .bytesAfterEquals:
            if let b = line.bytesFigure(at: i) { return .bytes(b.value) }
            guard let eq = line.after("= ", from: i) else { return nil }
            return line.bytesFigure(at: line.skipSpaces(eq)).map { .bytes($0.value) }
        case .number:
            return line.number(at: i).map { .number($0.value) }
        case .multiplier:
            guard let n = line.number(at: i), n.end < line.bytes.count, line.bytes[n.end] == UInt8(ascii: "x") else {
                return nil
            }
            return .number(n.value)
        case .count:
            return line.count(at: i).map { .count($0.value) }
        case .tokens:
            return line.count(at: i).map { .tokens($0.value) }
        case .optionalTokens:
            if line.word(at: i)?.value == "None" { return .some(nil) }
            if let n = line.number(at: i), n.whole, n.value < 0 { return .some(nil) }
            return line.count(at: i).map { .tokens($0.value) }
        case .gibBefore:
            return nil
        case .gibNumber:
            return line.number(at: i).map { .bytes($0.value * Double(1 << 30)) }
        case .bytesOrByteCount:
            if let b = line.bytesFigure(at: i) { return .bytes(b.value) }
            guard let n = line.count(at: i), line.skip("bytes", at: n.end) != line.skipSpaces(n.end) else { return nil }
            return .bytes(Double(n.value))
        case .dtype:
            return line.word(at: i).map { w in
                .text(w.value.hasPrefix("torch.") ? String(w.value.dropFirst(6)) : w.value)
            }
        }
    }

    static func describe(_ reading: EngineLogFormats.Reading) -> String {
        switch reading {
        case .bytes, .bytesAfterEquals, .bytesOrByteCount: return "a memory figure such as 1.50GiB"
        case .gibBefore, .gibNumber: return "a number of GiB"
        case .number: return "a number"
        case .multiplier: return "a multiple such as 2.50x"
        case .count, .tokens, .optionalTokens: return "a whole number"
        case .dtype: return "a dtype"
        }
    }
}
