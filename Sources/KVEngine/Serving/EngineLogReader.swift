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
}
