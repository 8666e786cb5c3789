import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One line of a log as the formats read it: the bytes of one segment of the line (lines end at LF; a lone CR,
/// as progress bars write, splits a line into segments) with ANSI colour codes removed. Byte-level, because log
/// lines are ASCII where it matters and a 16 MiB log is scanned for a dozen phrases per line.
struct EngineLogLine {
    let bytes: [UInt8]
    /// 1-based line number in the file.
    let number: Int
    /// Characters of the line (colour codes removed) before this segment, so columns count from the line's start.
    let prefixColumns: Int
    /// The whole line, colour codes removed (shown in errors).
    let line: [UInt8]

    /// The line as shown in errors: CR as a space, capped at 500 bytes. Built only for a line at fault.
    var display: String {
        let s = String(decoding: line.prefix(500).map { $0 == 0x0D ? 0x20 : $0 }, as: UTF8.self)
        return line.count > 500 ? s + "…" : s
    }

    /// Removes ESC [ … final-byte sequences (SGR colours, cursor moves: vLLM's and SGLang's coloured prefixes, tqdm
    /// bars); a lone ESC is dropped with the byte after it.
    static func stripANSI(_ line: ArraySlice<UInt8>) -> [UInt8] {
        guard line.contains(0x1B) else { return Array(line) }
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = line.startIndex
        while i < line.endIndex {
            guard line[i] == 0x1B else {
                out.append(line[i])
                i += 1
                continue
            }
            i += 1
            if i < line.endIndex, line[i] == UInt8(ascii: "[") {
                i += 1
                while i < line.endIndex, !(0x40...0x7E).contains(line[i]) { i += 1 }
            }
            i += 1
        }
        return out
    }

    /// Columns are characters (UTF-8 decoded, invalid bytes as one each).
    static func characters(_ bytes: ArraySlice<UInt8>) -> Int { String(decoding: bytes, as: UTF8.self).count }

    /// The 1-based column of byte `i` of this segment.
    func column(of i: Int) -> Int {
        prefixColumns + Self.characters(bytes[0..<min(max(i, 0), bytes.count)]) + 1
    }

    // MARK: Searching

    /// The offset of the first occurrence of `needle` at or after `from`.
    func find(_ needle: String, from: Int = 0) -> Int? { find(Array(needle.utf8), from: from) }

    /// The same for a needle already in bytes (the formats' phrases, converted once).
    func find(_ n: [UInt8], from: Int = 0) -> Int? {
        guard !n.isEmpty, from >= 0, from <= bytes.count - n.count else { return nil }
        // memchr for the first byte, memcmp for the rest (glibc's memmem is not exported to Swift).
        return bytes.withUnsafeBufferPointer { hay -> Int? in
            n.withUnsafeBufferPointer { nb -> Int? in
                guard let h = hay.baseAddress, let p = nb.baseAddress else { return nil }
                var i = from
                let last = hay.count - nb.count
                while i <= last {
                    guard let hit = memchr(h + i, Int32(nb[0]), last - i + 1) else { return nil }
                    let at = UnsafeRawPointer(h).distance(to: UnsafeRawPointer(hit))
                    if memcmp(h + at, p, nb.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }

    func contains(_ needle: [UInt8]) -> Bool { find(needle) != nil }

    func contains(_ needle: String) -> Bool { find(needle) != nil }

    /// The offset just after `needle`'s first occurrence.
    func after(_ needle: String, from: Int = 0) -> Int? { find(needle, from: from).map { $0 + needle.utf8.count } }

    func skipSpaces(_ i: Int) -> Int {
        var i = i
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i
    }

    /// Skips spaces, then `word` if it is next (and the spaces after it).
    func skip(_ word: String, at i: Int) -> Int {
        let i = skipSpaces(i), w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { return i }
        return skipSpaces(i + w.count)
    }

    // MARK: Values

    /// A decimal number at `i`: optional minus, digits with optional comma grouping (`314,272`), optional
    /// fraction. At most 30 characters, so no input makes a huge string; nil when there is none or it is not finite.
    func number(at i: Int) -> (value: Double, end: Int, whole: Bool)? {
        var j = i, text: [UInt8] = []
        if j < bytes.count, bytes[j] == UInt8(ascii: "-") {
            text.append(bytes[j])
            j += 1
        }
        let digitsStart = j
        func isDigit(_ k: Int) -> Bool { k < bytes.count && (0x30...0x39).contains(bytes[k]) }
        while isDigit(j) {
            text.append(bytes[j])
            j += 1
            // A comma between digit groups: exactly three digits follow, then no digit.
            if j < bytes.count, bytes[j] == UInt8(ascii: ","), isDigit(j + 1), isDigit(j + 2), isDigit(j + 3),
               !isDigit(j + 4) {
                j += 1
            }
        }
        guard j > digitsStart else { return nil }
        var whole = true
        if j < bytes.count, bytes[j] == UInt8(ascii: "."), isDigit(j + 1) {
            whole = false
            text.append(bytes[j])
            j += 1
            while isDigit(j) {
                text.append(bytes[j])
                j += 1
            }
        }
        guard text.count <= 30, let v = Double(String(decoding: text, as: UTF8.self)), v.isFinite else { return nil }
        return (v, j, whole)
    }

    /// The plain decimal number ending just before `end` ("14.08" in "14.08 GiB for weight").
    func numberBefore(_ end: Int) -> Double? {
        var k = min(end, bytes.count)
        while k > 0, k > end - 30, (0x30...0x39).contains(bytes[k - 1]) || bytes[k - 1] == UInt8(ascii: ".") { k -= 1 }
        if k > 0, bytes[k - 1] == UInt8(ascii: "-") { k -= 1 }
        guard let n = number(at: k), n.end == end else { return nil }
        return n.value
    }

    /// A byte figure at `i`: a number then a unit, GiB/GB/Gib (all GiB, see EngineLog) or MiB/MB.
    func bytesFigure(at i: Int) -> (value: Double, end: Int)? {
        guard let n = number(at: i) else { return nil }
        let j = skipSpaces(n.end)
        for (unit, scale) in [("GiB", 1 << 30), ("Gib", 1 << 30), ("GB", 1 << 30), ("MiB", 1 << 20), ("MB", 1 << 20)] {
            let u = Array(unit.utf8)
            if j + u.count <= bytes.count, Array(bytes[j..<(j + u.count)]) == u {
                return (n.value * Double(scale), j + u.count)
            }
        }
        return nil
    }

    /// A whole, non-negative count at `i` (commas allowed), at most 2^53.
    func count(at i: Int) -> (value: Int, end: Int)? {
        guard let n = number(at: i), n.whole, n.value >= 0, n.value <= 9_007_199_254_740_992 else { return nil }
        return (Int(n.value), n.end)
    }

    /// A word at `i`: letters, digits, `_`, `.`, `-`, `+` (a dtype, a version).
    func word(at i: Int) -> (value: String, end: Int)? {
        var j = i
        while j < bytes.count, j - i < 100 {
            let c = bytes[j]
            let ok = (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
            guard ok else { break }
            j += 1
        }
        guard j > i else { return nil }
        return (String(decoding: bytes[i..<j], as: UTF8.self), j)
    }
}
