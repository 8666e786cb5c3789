import Foundation

/// Reads Mooncake JSON-lines traces: one object per line with `timestamp`, `input_length`, `output_length` (optional)
/// and `hash_ids`; other keys are skipped. A hand-written byte-level parser, because replay is the hot path and
/// `JSONSerialization` would dominate it. A leading UTF-8 BOM is dropped, CRLF line ends are accepted and blank
/// lines skipped; anything malformed is an `EngineError` located `file:line:column`. Files over `maxFileBytes` and
/// lines over `maxLineBytes` are refused rather than read without bound.
public enum TraceReader {
    /// 1 GiB: the largest public traces are tens of MB. Larger ones are refused, not read until memory runs out.
    public static let maxFileBytes = 1 << 30
    /// 16 MiB: a million-token prompt in 16-token blocks lists about 62,500 ids (under 1 MB).
    public static let maxLineBytes = 1 << 24

    /// Reads and parses the file at `path`; requests come back in timestamp order (stable).
    public static func read(path: String) throws -> Trace {
        try parse(readBytes(path: path), name: path)
    }

    /// The file's bytes, refusing directories and anything over `maxFileBytes`. A regular file is mapped, not
    /// copied (the parser reads each byte once, so a copy would only add page faults); anything else (a pipe,
    /// `/dev/zero`) is read only up to the limit.
    /// `populate: false` maps a regular file without mapping its pages up front: for a caller that has another
    /// thread do that (ReplayPipeline) while it starts reading.
    static func readBytes(path: String, limit: Int = maxFileBytes, populate: Bool = true) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw EngineError("cannot read the trace file \(path): \(String(cString: strerror(errno)))", argument: "path")
        }
        let kind = info.st_mode & S_IFMT
        guard kind != S_IFDIR else { throw EngineError("\(path) is a directory, not a trace file", argument: "path") }
        let tooLarge = EngineError("\(path): the trace file is larger than \(limit) bytes (\(limit >> 20) MiB), the "
                                   + "limit; replay a part of it", argument: "path")
        if kind == S_IFREG {
            guard Int64(info.st_size) <= Int64(limit) else { throw tooLarge }
            if let mapped = map(path: path, size: Int(info.st_size), populate: populate) { return mapped }
            do {
                return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
            } catch {
                throw EngineError("cannot read the trace file \(path): \(error.localizedDescription)", argument: "path")
            }
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineError("cannot read the trace file \(path)", argument: "path")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw EngineError("cannot read the trace file \(path): \(error.localizedDescription)", argument: "path")
        }
        guard data.count <= limit else { throw tooLarge }
        return data
    }

    /// The regular file at `path` mapped read-only, with its pages mapped up front if `populate` (MAP_POPULATE:
    /// one call instead of a page fault per 64 KiB); nil if that fails (the caller then reads it the ordinary way).
    private static func map(path: String, size: Int, populate: Bool) -> Data? {
        #if os(Linux)
        guard size > 0 else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let p = mmap(nil, size, PROT_READ, populate ? MAP_PRIVATE | MAP_POPULATE : MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        return Data(bytesNoCopy: p, count: size, deallocator: .custom { p, n in munmap(p, n) })
        #else
        return nil
        #endif
    }

    /// Parses JSON lines held in memory; `name` is used in error messages. `fastPath: false` reads every line with
    /// the general parser (the fast path must give the same trace; tests and the fuzz target compare the two).
    public static func parse(_ data: Data, name: String, fastPath: Bool = true) throws -> Trace {
        try parseCountingFastLines(data, name: name, fastPath: fastPath).trace
    }

    /// `parse`, also saying how many lines the fast path read (tests check that it is not dead code).
    static func parseCountingFastLines(_ data: Data, name: String, fastPath: Bool = true) throws
        -> (trace: Trace, fastLines: Int) {
        guard data.count <= maxFileBytes else {
            throw EngineError("\(name): the trace is larger than \(maxFileBytes >> 20) MiB, the limit", argument: "path")
        }
        var fastLines = 0
        var trace = try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var parsed: Trace?
            // Every id takes at least two bytes ("1,"), so bytes / 2 + 1 bounds the ids: the parser writes them
            // straight into the array's storage; the pages it never reaches are never touched.
            let blocks = try [Int32](unsafeUninitializedCapacity: bytes.count / 2 + 1) { buffer, initialized in
                if let start = buffer.baseAddress {
                    HugePages.advise(UnsafeMutableRawPointer(start), byteCount: buffer.count * 4)
                }
                var p = TraceLineParser(bytes: bytes, name: name, out: buffer, fastPath: fastPath,
                                        sink: ColumnsSink(requests: bytes.count / 46 + 1))
                defer { initialized = p.outCount }
                try p.parseAll()
                fastLines = p.fastLines
                parsed = Trace(name: name, timestamps: p.sink.timestamps, inputLengths: p.sink.inputLengths,
                               outputLengths: p.sink.outputLengths, blockStart: p.sink.blockStart, blocks: [],
                               distinctBlocks: p.ids.count)
            }
            guard var trace = parsed else { throw EngineError("\(name): could not be parsed", argument: "path") }
            trace.blocks = blocks
            return trace
        }
        trace.sortByTimestamp()
        return (trace, fastLines)
    }

    /// Reads the requests into `sink` one at a time, in file order, reusing one line's worth of id buffer, until the
    /// sink refuses one (then returns false) or the bytes end (true). The dense ids handed out are all below
    /// `distinctBound(data)`. Errors are the same as `parse`'s, for the lines read.
    /// `output`: where the ids go first (the sink may move them, see `TraceLineSink.redirect`), with room for a
    /// line's ids (`lineIdBound`); by default a buffer of that size, reused for every request.
    static func stream<Sink: TraceLineSink>(_ data: Data, name: String, into sink: inout Sink,
                                            output: UnsafeMutableBufferPointer<Int32>? = nil) throws -> Bool {
        guard data.count <= maxFileBytes else {
            throw EngineError("\(name): the trace is larger than \(maxFileBytes >> 20) MiB, the limit", argument: "path")
        }
        return try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            // One line's ids at most: a line of maxLineBytes holds at most maxLineBytes / 2 + 1; zero pages from
            // calloc, so only what the longest line used is ever touched.
            let scratch = output == nil ? ZeroedTable<Int32>(count: lineIdBound(bytes.count), required: true) : nil
            let out = output ?? UnsafeMutableBufferPointer(start: scratch?.base, count: scratch?.count ?? 0)
            var p = TraceLineParser(bytes: bytes, name: name, out: out, fastPath: true, sink: sink)
            defer { sink = p.sink }
            // The parser holds only a pointer into the scratch table: keep the table alive until it is done.
            try withExtendedLifetime(scratch) { try p.parseAll() }
            return !p.stopped
        }
    }

    /// A bound on the dense ids `stream` hands out for `data`: every id takes at least two bytes.
    static func distinctBound(_ data: Data) -> Int { data.count / 2 + 1 }

    /// A bound on the ids of one line of a file of `bytes` bytes: a line is at most `maxLineBytes` long, and every
    /// id takes at least two bytes.
    static func lineIdBound(_ bytes: Int) -> Int { min(bytes, maxLineBytes) / 2 + 2 }
}

/// Where the parser puts each request it reads.
protocol TraceLineSink {
    /// Whether the parser keeps every request's ids in its output buffer (building a trace), or reuses the buffer
    /// from the start after each request (streaming).
    static var keepsBlocks: Bool { get }
    /// Takes one request whose ids (dense indices) are `blocks`; false refuses it and stops the parse.
    mutating func take(timestamp: Double, input: Int, output: Int, blocks: UnsafeBufferPointer<Int32>) -> Bool
    /// After a request it took, may move the parser's id buffer (`out`, filled up to `count`) elsewhere: the
    /// replay pipeline hands a full buffer to the replay thread and continues in an empty one. The buffer must
    /// have room for a whole line's ids (`TraceReader.lineIdBound`) past `count`.
    mutating func redirect(_ out: inout UnsafeMutableBufferPointer<Int32>, count: inout Int)
}

extension TraceLineSink {
    @inline(__always)
    mutating func redirect(_ out: inout UnsafeMutableBufferPointer<Int32>, count: inout Int) {}
}

/// The columns of a trace being built (its blocks stay in the parser's buffer).
struct ColumnsSink: TraceLineSink {
    static var keepsBlocks: Bool { true }
    var timestamps: [Double] = []
    var inputLengths: [Int] = []
    var outputLengths: [Int] = []
    var blockStart: [Int] = [0]
    private var total = 0

    /// `requests` about bounds the requests (a request line takes at least 46 bytes): untouched capacity costs
    /// nothing, and the columns never regrow (regrowth copies were 7 % of the time on large traces).
    init(requests: Int) {
        timestamps.reserveCapacity(requests)
        inputLengths.reserveCapacity(requests)
        outputLengths.reserveCapacity(requests)
        blockStart.reserveCapacity(requests + 1)
        HugePages.advise(&timestamps)
        HugePages.advise(&inputLengths)
        HugePages.advise(&outputLengths)
        HugePages.advise(&blockStart)
    }

    @inline(__always)
    mutating func take(timestamp: Double, input: Int, output: Int, blocks: UnsafeBufferPointer<Int32>) -> Bool {
        timestamps.append(timestamp)
        inputLengths.append(input)
        outputLengths.append(output)
        total += blocks.count
        blockStart.append(total)
        return true
    }
}

/// The parser's state: a cursor over the bytes, the current line's bounds (the general parser never reads past
/// `end`, so nothing a line holds can reach the next one) and the columns being built. Each line is first offered to
/// the fast path (TraceReaderFastLine.swift), which reads the exact Mooncake shape or leaves the line untouched.
struct TraceLineParser<Sink: TraceLineSink> {
    let bytes: UnsafeBufferPointer<UInt8>
    let name: String
    var i = 0
    var line = 0
    /// Where the current line starts (for columns) and ends (its newline, or the end of the bytes).
    var lineStart = 0
    var end = 0
    var ids: IdMap
    /// Takes each request; its ids go to `out`.
    var sink: Sink
    var stopped = false
    var out: UnsafeMutableBufferPointer<Int32>
    var outCount = 0
    let fastPath: Bool
    var fastLines = 0
    let literals = MooncakeLiterals()
    /// The text of the id the fast path expects next: the last id plus one (TraceReaderFastLine.swift).
    var predicted = PredictedId()

    init(bytes: UnsafeBufferPointer<UInt8>, name: String, out: UnsafeMutableBufferPointer<Int32>, fastPath: Bool,
         sink: Sink) {
        self.bytes = bytes
        self.fastPath = fastPath
        self.name = name
        self.out = out
        self.sink = sink
        // Ids numbered densely from 0 (Mooncake's) stay below the number of ids, itself below bytes / 2.
        ids = IdMap(directSize: bytes.count / 2 + 1)
    }

    /// Hands the request just read (its ids from `firstBlock` on) to the sink.
    @inline(__always)
    mutating func finishRequest(timestamp: Double, input: Int, output: Int, firstBlock: Int) {
        let blocks = UnsafeBufferPointer(start: out.baseAddress.map { $0 + firstBlock }, count: outCount - firstBlock)
        if !sink.take(timestamp: timestamp, input: input, output: output, blocks: blocks) { stopped = true }
        if !Sink.keepsBlocks { outCount = 0 }
        sink.redirect(&out, count: &outCount)
    }

    mutating func parseAll() throws {
        // A UTF-8 byte order mark (editors on Windows write one) is not part of the first line.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, !stopped {
            line += 1
            lineStart = i
            if fastPath, parseMooncakeLine() {
                fastLines += 1
                continue
            }
            end = lineEnd(from: i)
            guard end - lineStart <= TraceReader.maxLineBytes else {
                throw fail("the line is \(end - lineStart) bytes long, over the \(TraceReader.maxLineBytes >> 20) MiB "
                           + "limit for one request")
            }
            skipSpaces()
            if i < end {
                try parseObject()
                skipSpaces()
                guard i == end else { throw fail("unexpected text after the object") }
            }
            i = end + 1  // past the newline
        }
    }

    /// The index of the newline ending the line that starts at `start`, or the end of the bytes.
    private func lineEnd(from start: Int) -> Int {
        guard let base = bytes.baseAddress,
              let nl = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else { return bytes.count }
        return base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
    }

    /// An error at the cursor: `file:line:column` (the column counts bytes from 1).
    private func fail(_ what: String) -> EngineError {
        fail(what, at: i)
    }

    private func fail(_ what: String, at position: Int) -> EngineError {
        EngineError("\(name):\(line):\(min(position, end) - lineStart + 1): \(what)", argument: "path")
    }

    /// Spaces, tabs and carriage returns (so CRLF line ends pass); newlines end records and `end` stops before them.
    @inline(__always)
    private mutating func skipSpaces() {
        while i < end {
            let c = bytes[i]
            guard c == 0x20 || c == 0x09 || c == 0x0D else { return }
            i += 1
        }
    }

    @inline(__always)
    private mutating func expect(_ c: UInt8, _ what: String) throws {
        skipSpaces()
        guard i < end, bytes[i] == c else { throw fail("expected \(what)") }
        i += 1
    }

    private enum Key { case timestamp, input, output, hashIds, other }

    private mutating func parseObject() throws {
        try expect(UInt8(ascii: "{"), "'{' to start a request object")
        var timestamp: Double?
        var input: Int?
        var output = 0
        var sawIds = false
        let firstBlock = outCount
        skipSpaces()
        if i < end, bytes[i] == UInt8(ascii: "}") {
            throw fail("empty object: timestamp, input_length and hash_ids are required")
        }
        while true {
            let key = try parseKey()
            try expect(UInt8(ascii: ":"), "':' after a key")
            skipSpaces()
            switch key {
            case .timestamp: timestamp = try parseNumber("timestamp")
            case .input: input = try parseCount("input_length")
            case .output: output = try parseCount("output_length")
            case .hashIds:
                // A repeated key replaces the earlier list.
                outCount = firstBlock
                try parseIds()
                sawIds = true
            case .other: try skipValue(depth: 0)
            }
            skipSpaces()
            guard i < end else { throw fail("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            i += 1
            break
        }
        guard let timestamp else { throw fail("missing \"timestamp\"") }
        guard let input else { throw fail("missing \"input_length\"") }
        guard sawIds else { throw fail("missing \"hash_ids\"") }
        finishRequest(timestamp: timestamp, input: input, output: output, firstBlock: firstBlock)
    }

    private mutating func parseKey() throws -> Key {
        try expect(UInt8(ascii: "\""), "a quoted key")
        let start = i
        while i < end, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") { i += 1 }
            i += 1
        }
        guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw fail("unterminated key") }
        let length = i - start
        i += 1
        // Dispatch on length and first byte, then confirm the whole key.
        let candidate: (Key, StaticString)
        switch (length, bytes[start]) {
        case (8, UInt8(ascii: "h")): candidate = (.hashIds, "hash_ids")
        case (12, UInt8(ascii: "i")): candidate = (.input, "input_length")
        case (9, UInt8(ascii: "t")): candidate = (.timestamp, "timestamp")
        case (13, UInt8(ascii: "o")): candidate = (.output, "output_length")
        default: return .other
        }
        guard let base = bytes.baseAddress,
              memcmp(base + start, candidate.1.utf8Start, length) == 0 else { return .other }
        return candidate.0
    }

    /// An optionally signed integer in Int64's range; more digits, or a value past it, is an error, never a wrap.
    @inline(__always)
    private mutating func parseInteger(_ what: String) throws -> Int64 {
        let first = i
        var negative = false
        if i < end, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let start = i
        // Accumulated as a negative number: Int64.min has no positive counterpart.
        var v: Int64 = 0
        while i < end {
            let d = bytes[i] &- 0x30
            guard d < 10 else { break }
            if i - start < 18 {
                v = v &* 10 &- Int64(d)  // 18 digits cannot overflow
            } else {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (r, o2) = m.subtractingReportingOverflow(Int64(d))
                guard !o1, !o2 else { throw fail("\(what) is out of range (a 64-bit integer)", at: first) }
                v = r
            }
            i += 1
        }
        guard i > start else { throw fail("expected an integer for \(what)") }
        if negative { return v }
        guard v != .min else { throw fail("\(what) is out of range (a 64-bit integer)", at: first) }
        return -v
    }

    /// A non-negative integer count (input_length, output_length), below 2^32 so that sums cannot overflow.
    private mutating func parseCount(_ what: String) throws -> Int {
        let start = i
        let v = try parseInteger(what)
        guard v >= 0 else { throw fail("\(what) must not be negative, got \(v)", at: start) }
        guard v < 1 << 32 else { throw fail("\(what) must be below 2^32 tokens, got \(v)", at: start) }
        if i < end, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
            throw fail("\(what) must be a whole number", at: start)
        }
        return Int(v)
    }

    /// A JSON number (a timestamp): a plain integer of up to 18 digits (the common case) without string conversion;
    /// anything longer, fractional or with an exponent through `Double`, which must give a finite value.
    private mutating func parseNumber(_ what: String) throws -> Double {
        let start = i
        if i < end, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while i < end, bytes[i] &- 0x30 < 10 { i += 1 }
        guard i > digits else { throw fail("expected a number for \(what)") }
        if i - digits <= 18, i == end || !(bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e")) {
            i = start
            return Double(try parseInteger(what))
        }
        while i < end, let c = Optional(bytes[i]),
              (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            i += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { throw fail("\(what) is not a finite number: \(text)", at: start) }
        return v
    }

    /// `[id, id, …]`, appending each id's dense index to the trace's blocks.
    private mutating func parseIds() throws {
        guard i < end, bytes[i] == UInt8(ascii: "[") else { throw fail("hash_ids must be a list") }
        i += 1
        skipSpaces()
        if i < end, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return
        }
        while true {
            skipSpaces()
            let id = try parseInteger("a hash id")
            guard let dense = ids.index(of: id), outCount < out.count else {
                throw fail("too many distinct hash ids")
            }
            out[outCount] = dense
            outCount += 1
            skipSpaces()
            guard i < end else { throw fail("unterminated hash_ids list") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
            } else if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return
            } else {
                throw fail("expected ',' or ']' in hash_ids")
            }
        }
    }

    /// Skips any JSON value on the current line (strings, numbers, literals, nested lists and objects).
    private mutating func skipValue(depth: Int) throws {
        guard depth < 64 else { throw fail("values nested too deeply") }
        skipSpaces()
        guard i < end else { throw fail("missing value") }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < end, bytes[i] != UInt8(ascii: "\"") {
                i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw fail("unterminated string") }
            i += 1
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close = bytes[i] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipSpaces()
            if i < end, bytes[i] == close {
                i += 1
                return
            }
            while true {
                if isObject {
                    _ = try parseKey()
                    try expect(UInt8(ascii: ":"), "':' after a key")
                }
                try skipValue(depth: depth + 1)
                skipSpaces()
                guard i < end else { throw fail("unterminated value") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == close else { throw fail("expected ',' or a closing bracket") }
                i += 1
                return
            }
        default:
            // Numbers and the literals true, false, null: a run of their characters.
            let start = i
            while i < end, let c = Optional(bytes[i]),
                  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2B || c == 0x2D
                    || c == 0x45 {
                i += 1
            }
            guard i > start else { throw fail("unexpected character in a value") }
        }
    }
}
