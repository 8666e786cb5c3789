import Foundation

/// An engine log that cannot be read at all, or (in strict reading) a line that looks like a capacity line but
/// does not parse: the file, and the 1-based line and column when a line is at fault, with the line's text.
public struct EngineLogError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var lineText: String?
    public var message: String

    public var description: String {
        guard let line else { return "\(path): \(message)" }
        return "\(path):\(line):\(column ?? 1): \(message)"
    }
}

extension EngineLog {
    /// Larger than any start-up log; a whole day of request logging is not one.
    public static let maxBytes = 16 << 20
    /// Bytes of a line that are matched; a longer line (a logged prompt) is read up to here.
    public static let maxLineBytes = 64 << 10

    /// Reads the log at `path`. Throws an EngineLogError when the file is missing, unreadable, too large, binary,
    /// holds lines of two engines, or has no capacity line of a known format; with `strict`, also at the first
    /// unparsed line.
    public static func read(path: String, strict: Bool = true) throws(EngineLogError) -> EngineLog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineLogError(path: path, message: "no such file")
        }
        guard !isDirectory.boolValue else { throw EngineLogError(path: path, message: "is a directory, not a log") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineLogError(path: path, message: "cannot be read (permission?)")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch {
            throw EngineLogError(path: path, message: "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maxBytes else {
            throw EngineLogError(path: path, message: "is larger than \(maxBytes >> 20) MiB; engine_log reads start-up "
                                 + "logs: keep the lines up to the server's \"ready\" message")
        }
        return try parse([UInt8](data), path: path, strict: strict)
    }

    /// Parses a log held in memory; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String, strict: Bool = true) throws(EngineLogError) -> EngineLog {
        var bytes = ArraySlice(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // Text logs hold no NUL; a binary file would otherwise pass as a log with no capacity line.
        if bytes.prefix(8192).contains(0) {
            throw EngineLogError(path: path, message: "is a binary file, not a text log")
        }
        var state = ParseState()
        var lineNumber = 0
        var start = bytes.startIndex
        while start < bytes.endIndex {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var end = newline
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            readLine(bytes[start..<end], number: lineNumber, into: &state)
            start = newline < bytes.endIndex ? newline + 1 : bytes.endIndex
        }
        if strict, let first = state.unparsed.first {
            throw EngineLogError(path: path, line: first.line, column: first.column, lineText: first.text,
                                 message: first.reason + (state.unparsed.count > 1
                                    ? " (and \(state.unparsed.count - 1) more such line\(state.unparsed.count > 2 ? "s" : ""))"
                                    : ""))
        }
        if state.engines.count > 1, let v = state.engineLines[.vllm], let s = state.engineLines[.sglang] {
            throw EngineLogError(path: path, message: "mixes vLLM lines (line \(v)) and SGLang lines (line \(s)): "
                                 + "give one engine's log")
        }
        guard let engine = state.engines.first else {
            throw EngineLogError(path: path, message: "has no line of a known vLLM or SGLang start-up format (GPU "
                                 + "blocks, KV cache size, memory profiling, Load weight end, KV Cache is allocated, "
                                 + "max_total_num_tokens …)")
        }
        guard state.fields.keys.contains(where: { !$0.isFlag }) else {
            if let first = state.unparsed.first {
                throw EngineLogError(path: path, line: first.line, column: first.column, lineText: first.text,
                                     message: "no capacity figure could be read; this line looks like one: "
                                        + first.reason)
            }
            throw EngineLogError(path: path, message: "echoes the engine's flags but states no memory or KV-cache "
                                 + "figure: is the log cut before the engine profiled memory?")
        }
        var fields = state.fields
        // The profiler's weights when it printed them, else the loading line's.
        if fields[.weights] == nil, let loaded = fields[.weightsLoaded] { fields[.weights] = loaded }
        // SGLang prints K and V sizes separately (MHA) or one KV size (MLA).
        if fields[.kvBytes] == nil, case .bytes(let k)? = fields[.kBytes]?.value,
           let vs = fields[.vBytes], case .bytes(let v) = vs.value {
            fields[.kvBytes] = Statement(value: .bytes(k + v), line: vs.line, fromWorker: vs.fromWorker)
        }
        return EngineLog(engine: engine, fields: fields, unparsed: state.unparsed)
    }

    struct ParseState {
        var fields: [Field: Statement] = [:]
        var unparsed: [Unparsed] = []
        var engines: Set<Engine> = []
        var engineLines: [Engine: Int] = [:]
        /// Inside vLLM's Dec-2024 report, one label per line after "Memory profiling results:", where the
        /// `gpu_memory_utilization` line is a figure, not an echoed flag.
        var inProfileBlock = false

        /// A driver's (rank 0's) statement beats a worker's; among equals the later line wins (a log holding
        /// several start-ups gives the last one's figures).
        mutating func state(_ field: Field, _ value: Value, line: EngineLogLine, worker: Bool) {
            if let old = fields[field], !old.fromWorker, worker { return }
            fields[field] = Statement(value: value, line: line.number, fromWorker: worker)
        }

        mutating func saw(_ engine: Engine, line: Int) {
            engines.insert(engine)
            if engineLines[engine] == nil { engineLines[engine] = line }
        }

        mutating func fail(_ line: EngineLogLine, at i: Int, _ reason: String) {
            unparsed.append(Unparsed(line: line.number, column: line.column(of: i), text: line.display, reason: reason))
        }
    }

    static func readLine(_ raw: ArraySlice<UInt8>, number: Int, into state: inout ParseState) {
        let stripped = EngineLogLine.stripANSI(raw)
        // A lone CR (a progress bar redrawn) separates segments; each is read on its own.
        var segmentStart = 0, columns = 0
        while segmentStart <= stripped.count {
            let cr = stripped[segmentStart...].firstIndex(of: 0x0D) ?? stripped.count
            let segment = Array(stripped[segmentStart..<min(cr, segmentStart + maxLineBytes)])
            if !segment.isEmpty {
                let line = EngineLogLine(bytes: segment, number: number, prefixColumns: columns, line: stripped)
                readSegment(line, into: &state)
            }
            guard cr < stripped.count else { break }
            columns += EngineLogLine.characters(stripped[segmentStart...cr])
            segmentStart = cr + 1
        }
    }

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
