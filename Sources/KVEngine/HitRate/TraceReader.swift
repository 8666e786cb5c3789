import Foundation

/// Reads Mooncake JSON-lines traces: one object per line with `timestamp`, `input_length`, `output_length` (optional)
/// and `hash_ids`; other keys are skipped. A hand-written byte-level parser, because replay is the hot path and
/// `JSONSerialization` would dominate it. Blank lines are skipped; anything malformed is an `EngineError` naming
/// the file and the line.
public enum TraceReader {
    /// Reads and parses the file at `path`; requests come back in timestamp order (stable).
    public static func read(path: String) throws -> Trace {
        // Mapped, not copied: the parser reads each byte once, so a copy would only add page faults.
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw EngineError("cannot read the trace file \(path): \(error.localizedDescription)", argument: "path")
        }
        return try parse(data, name: path)
    }

    /// Parses JSON lines held in memory; `name` is used in error messages.
    public static func parse(_ data: Data, name: String) throws -> Trace {
        var trace = try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var parsed: Trace?
            // Every id takes at least two bytes ("1,"), so bytes / 2 + 1 bounds the ids: the parser writes them
            // straight into the array's storage; the pages it never reaches are never touched.
            let blocks = try [Int32](unsafeUninitializedCapacity: bytes.count / 2 + 1) { buffer, initialized in
                var p = LineParser(bytes: bytes, name: name, out: buffer)
                defer { initialized = p.outCount }
                parsed = try p.parseAll()
            }
            guard var trace = parsed else { throw EngineError("\(name): could not be parsed", argument: "path") }
            trace.blocks = blocks
            return trace
        }
        trace.sortByTimestamp()
        return trace
    }
}

/// The parser's state: a cursor over the bytes, the line number for errors, and the columns being built.
private struct LineParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let name: String
    var i = 0
    var line = 0
    var ids: IdMap
    /// The columns other than blocks, which go to `out`.
    var trace: Trace
    let out: UnsafeMutableBufferPointer<Int32>
    var outCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, name: String, out: UnsafeMutableBufferPointer<Int32>) {
        self.bytes = bytes
        self.name = name
        self.out = out
        // Ids numbered densely from 0 (Mooncake's) stay below the number of ids, itself below bytes / 2.
        ids = IdMap(directSize: bytes.count / 2 + 1)
        trace = Trace(name: name, timestamps: [], inputLengths: [], outputLengths: [], blockStart: [0], blocks: [],
                      distinctBlocks: 0)
        // A request line takes at least 46 bytes, so this about bounds the requests; untouched capacity costs nothing,
        // and the columns never regrow (regrowth copies were 7 % of the time on large traces).
        let requests = bytes.count / 46 + 1
        trace.timestamps.reserveCapacity(requests)
        trace.inputLengths.reserveCapacity(requests)
        trace.outputLengths.reserveCapacity(requests)
        trace.blockStart.reserveCapacity(requests + 1)
    }

    mutating func parseAll() throws -> Trace {
        while i < bytes.count {
            line += 1
            skipSpaces()
            if i < bytes.count, bytes[i] == UInt8(ascii: "\n") {
                i += 1
                continue
            }
            if i >= bytes.count { break }
            try parseObject()
            skipSpaces()
            if i < bytes.count {
                guard bytes[i] == UInt8(ascii: "\n") else { throw fail("unexpected text after the object") }
                i += 1
            }
        }
        trace.distinctBlocks = ids.count
        return trace
    }

    private func fail(_ what: String) -> EngineError {
        EngineError("\(name):\(line): \(what)", argument: "path")
    }

    /// Spaces, tabs and carriage returns; newlines end records, so they are not skipped here.
    @inline(__always)
    private mutating func skipSpaces() {
        while i < bytes.count {
            let c = bytes[i]
            guard c == 0x20 || c == 0x09 || c == 0x0D else { return }
            i += 1
        }
    }

    @inline(__always)
    private mutating func expect(_ c: UInt8, _ what: String) throws {
        skipSpaces()
        guard i < bytes.count, bytes[i] == c else { throw fail("expected \(what)") }
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
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
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
            guard i < bytes.count else { throw fail("unterminated object") }
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
        trace.timestamps.append(timestamp)
        trace.inputLengths.append(input)
        trace.outputLengths.append(output)
        trace.blockStart.append(outCount)
    }

    private mutating func parseKey() throws -> Key {
        try expect(UInt8(ascii: "\""), "a quoted key")
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "\n") { break }
            i += 1
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("unterminated key") }
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

    /// An optionally signed integer of at most 18 digits (no overflow possible).
    @inline(__always)
    private mutating func parseInteger(_ what: String) throws -> Int64 {
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let start = i
        var v: Int64 = 0
        while i < bytes.count {
            let d = bytes[i] &- 0x30
            guard d < 10 else { break }
            v = v &* 10 &+ Int64(d)
            i += 1
        }
        guard i > start else { throw fail("expected an integer for \(what)") }
        guard i - start <= 18 else { throw fail("\(what) has too many digits") }
        return negative ? -v : v
    }

    /// A non-negative integer count (input_length, output_length), below 2^32 so that sums cannot overflow.
    private mutating func parseCount(_ what: String) throws -> Int {
        let v = try parseInteger(what)
        guard v >= 0 else { throw fail("\(what) must not be negative") }
        guard v < 1 << 32 else { throw fail("\(what) must be below 2^32 tokens") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
            throw fail("\(what) must be a whole number")
        }
        return Int(v)
    }

    /// A JSON number; integers (the common case) avoid string conversion.
    private mutating func parseNumber(_ what: String) throws -> Double {
        let start = i
        let whole = try parseInteger(what)
        guard i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") else {
            return Double(whole)
        }
        while i < bytes.count, let c = Optional(bytes[i]),
              (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c | 0x20 == UInt8(ascii: "e")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            i += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { throw fail("\(what) is not a number: \(text)") }
        return v
    }

    /// `[id, id, …]`, appending each id's dense index to the trace's blocks.
    private mutating func parseIds() throws {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { throw fail("hash_ids must be a list") }
        i += 1
        skipSpaces()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
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
            guard i < bytes.count else { throw fail("unterminated hash_ids list") }
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
        guard i < bytes.count else { throw fail("missing value") }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\n") {
                i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("unterminated string") }
            i += 1
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close = bytes[i] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipSpaces()
            if i < bytes.count, bytes[i] == close {
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
                guard i < bytes.count else { throw fail("unterminated value") }
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
            while i < bytes.count, let c = Optional(bytes[i]),
                  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2B || c == 0x2D
                    || c == 0x45 {
                i += 1
            }
            guard i > start else { throw fail("unexpected character in a value") }
        }
    }
}
