import Foundation

/// The fast path for the one line shape that matters: what Mooncake's tools (Python's `json.dumps`) write,
/// `{"timestamp": T, "input_length": I, "output_length": O, "hash_ids": [ID, ID, …]}`, with non-negative integers.
/// It is a strict subset of what the general parser accepts and reads it to the same values; at the first byte it
/// does not expect it gives up, and the general parser reads the line from its start (and locates any error).
/// Ids it mapped before giving up are mapped again by the general parser in the same order, so they keep their
/// dense indices. There is no per-line allocation; see `parseIdList` for how the ids are read.
extension TraceLineParser {
    /// Reads the line starting at `i` if it has the exact shape, moving the cursor past its newline; returns false,
    /// changing neither the cursor nor the columns, otherwise. The line is read once, front to back: its end is
    /// where the shape ends (`]}` then LF, CRLF or the end of the bytes), not searched for first. No byte the shape
    /// accepts before that is a newline, so nothing of the next line is ever taken.
    @inline(__always)
    mutating func parseMooncakeLine() -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        // `{"timestamp": T, "input_length": I, "output_length": O, "hash_ids": [`. Eight-byte loads stay inside the
        // bytes (`matches` checks).
        var p = i
        guard literals.timestamp.matches(base, at: p, count: n) else { return false }
        p += literals.timestamp.count
        guard let timestamp = scanDigits(base, &p, n) else { return false }
        guard literals.input.matches(base, at: p, count: n) else { return false }
        p += literals.input.count
        guard let input = scanDigits(base, &p, n), input < 1 << 32 else { return false }
        guard literals.output.matches(base, at: p, count: n) else { return false }
        p += literals.output.count
        guard let output = scanDigits(base, &p, n), output < 1 << 32 else { return false }
        guard literals.hashIds.matches(base, at: p, count: n) else { return false }
        p += literals.hashIds.count
        let firstBlock = outCount
        var o = outCount
        guard p < n else { return false }
        if base[p] != UInt8(ascii: "]") {
            guard let close = parseIdList(base, from: p, count: n, out: &o) else { return false }
            p = close
        }
        // `]` at p: then `}` and the line's end.
        p += 1
        guard p < n, base[p] == UInt8(ascii: "}") else { return false }
        p += 1
        if p < n, base[p] == UInt8(ascii: "\r") { p += 1 }
        guard p == n || base[p] == UInt8(ascii: "\n") else { return false }
        // The general parser refuses an over-long line; leave that (and its message) to it.
        guard p - i <= TraceReader.maxLineBytes else { return false }
        outCount = o
        i = p + 1
        finishRequest(timestamp: Double(timestamp), input: Int(input), output: Int(output), firstBlock: firstBlock)
        return true
    }

    /// `ID, ID, …]` from `start`, each id's dense index written to `out` from `o` on; the index of the `]`, or nil
    /// at anything else.
    ///
    /// Mooncake lists are mostly runs of consecutive ids, n, n+1, n+2… (a conversation's earlier blocks, then its
    /// new ones), and their ids are their own dense indices (the map is the identity: `next`, its count, is the
    /// next new id; -1 once it is not). So the text of the last id plus one is kept ready (`pred`): an id equal to
    /// it costs one eight-byte comparison and no conversion, and where the next id starts follows from the
    /// predicted length, not from the bytes, so the processor runs ahead. Other ids are read digit by digit (eight
    /// at a time) and go through the map. Every byte of the list is checked: an id is a run of 1–18 digits ending
    /// at a comma (then one optional space) or at the `]`.
    @inline(__always)
    private mutating func parseIdList(_ base: UnsafePointer<UInt8>, from start: Int, count n: Int,
                                      out o: inout Int) -> Int? {
        var p = start
        var k = o
        guard let outBase = out.baseAddress else { return nil }
        let outEnd = out.count
        // The prediction reads eight bytes at p and the two after the digits (at most p + 9): all inside the bytes
        // while p <= last.
        let last = n &- 10
        // The prediction and the id map's count as locals, so the loop keeps them in registers; written back at
        // the end.
        var pred = predicted
        // Below `limit`, `next` cannot pass Int32.max in this list (each id takes two bytes at least), so the loop
        // need not check; above it (a file of ~2^31 ids: never, under the 1 GiB cap) the map decides each id.
        let limit = Int(Int32.max) &- (n &- start) / 2 &- 2
        var next = ids.isIdentity && ids.count < limit ? ids.count : -1
        defer {
            o = k
            predicted = pred
            if next >= 0 { ids.claimIdentity(through: next) }
        }
        while true {
            // Room for this id (the general parser reports a full buffer).
            guard k < outEnd else { return nil }
            var e: Int
            let v = pred.value
            if v <= next, pred.length > 0, p <= last,
               UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)) &<< pred.shift
                == pred.word {
                // Exactly the predicted digits (if followed by a comma or the end, not by one more digit): while
                // the map is the identity, an id seen before (below `next`) or the next new one is its own index.
                e = p &+ pred.length
                // Then `, ` (json.dumps's separator; a bare `,` goes the general way below). Where the next id
                // starts follows from the prediction alone, not from a byte read here, so the next id's load
                // need not wait for this one's check.
                if UInt16(littleEndian: UnsafeRawPointer(base + e).loadUnaligned(as: UInt16.self)) == 0x202C {
                    outBase[k] = Int32(truncatingIfNeeded: v)
                    if v == next { next &+= 1 }
                    pred.advance()
                    k &+= 1
                    p = e &+ 2
                    continue
                }
                if base[e] == UInt8(ascii: "]") {
                    outBase[k] = Int32(truncatingIfNeeded: v)
                    if v == next { next &+= 1 }
                    pred.advance()
                    k &+= 1
                    return e
                }
            }
            e = p
            if next >= 0 { ids.claimIdentity(through: next) }
            guard let id = scanDigits(base, &e, n), let dense = ids.index(of: id) else { return nil }
            next = ids.isIdentity && ids.count < limit ? ids.count : -1
            // The id's own text, stepped by one: no division.
            if e &- p <= 8, p &+ 8 <= n {
                pred = PredictedId(value: Int(id), text: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self),
                                   length: e &- p)
                pred.advance()
            } else {
                pred = PredictedId(Int(id) + 1)
            }
            outBase[k] = dense
            k &+= 1
            guard e < n else { return nil }
            if base[e] == UInt8(ascii: "]") { return e }
            guard base[e] == UInt8(ascii: ","), e &+ 1 < n else { return nil }
            p = base[e &+ 1] == UInt8(ascii: " ") ? e &+ 2 : e &+ 1
        }
    }
}

/// The decimal text of an id (below 10^8), its digits in the top bytes of a word (the last digit in the top byte),
/// as an id's bytes are once shifted left by `shift`. Length -1 (no id has it, not even an empty one) predicts
/// nothing.
struct PredictedId {
    private(set) var value = -1
    private(set) var word: UInt64 = 0
    private(set) var length = -1
    private(set) var shift: UInt64 = 0

    init() {}

    init(_ v: Int) {
        value = v
        guard v >= 0, v < 100_000_000 else { return }
        var x = v, top = 7
        repeat {
            word |= UInt64(0x30 + x % 10) << UInt64(8 * top)
            x /= 10
            top -= 1
        } while x > 0
        length = 7 - top
        shift = UInt64(64 - 8 * length)
    }

    /// `value` written as the first `length` (1…8) bytes of `text` (first byte lowest; leading zeros allowed: a
    /// match is then with the same text, whose value is still `value`).
    init(value: Int, text: UInt64, length: Int) {
        self.value = value
        self.length = length
        shift = UInt64(64 - 8 * length)
        word = UInt64(littleEndian: text) &<< shift
    }

    /// The text of `value + 1`: the last digit steps up; trailing 9s become 0s first, and all 9s (rare) mean one
    /// more digit.
    @inline(__always)
    mutating func advance() {
        value += 1
        guard length > 0 else { return }
        // The last digit is the top byte: below '9', it just steps up (nine times in ten).
        if word < 0x3900_0000_0000_0000 {
            word &+= 1 &<< 56
            return
        }
        carry()
    }

    /// `advance` past a last digit 9.
    @inline(never)
    private mutating func carry() {
        var b: UInt64 = 56
        while true {
            if (word &>> b) & 0xFF != 0x39 {
                word &+= 1 &<< b
                return
            }
            word = word & ~(0xFF &<< b) | (0x30 &<< b)
            if b == shift {
                self = PredictedId(value)
                return
            }
            b &-= 8
        }
    }
}

/// A run of 1–18 ASCII digits at `p` (no sign), advancing `p` past it; nil when there is none or more than 18 (the
/// general parser then range-checks it). Eighteen digits cannot overflow Int64.
@inline(__always)
func scanDigits(_ base: UnsafePointer<UInt8>, _ p: inout Int, _ n: Int) -> Int64? {
    if p + 8 <= n {
        let word = UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
        let length = leadingDigits(word)
        guard length > 0 else { return nil }
        if length < 8 {
            p += length
            return Int64(eightDigitsValue((word & 0x0F0F_0F0F_0F0F_0F0F) &<< UInt64(64 - 8 * length)))
        }
    }
    // Eight digits or more, or too near the end for an eight-byte load: one byte at a time.
    let start = p
    var v: Int64 = 0
    while p < n {
        let d = base[p] &- 0x30
        guard d < 10 else { break }
        guard p - start < 18 else { return nil }
        v = v &* 10 &+ Int64(d)
        p += 1
    }
    return p > start ? v : nil
}

/// How many of the eight bytes (first in the low byte) are ASCII digits before the first that is not (8: all are).
@inline(__always)
func leadingDigits(_ word: UInt64) -> Int {
    // A digit 0x30…0x39 has high nibble 3, and so does the digit plus 6; any other byte fails one test or the other.
    // The +6 may carry out of a byte ≥ 0xFA, but only into the byte after it, which no longer matters.
    let high = word & 0xF0F0_F0F0_F0F0_F0F0
    let plusSix = (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0
    let other = (high | (plusSix >> 4)) ^ 0x3333_3333_3333_3333  // zero bytes are digits
    // Bit 7 of each byte set where the byte is non-zero, with no carry between bytes.
    let flags = (other | ((other & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F)) & 0x8080_8080_8080_8080
    return flags.trailingZeroBitCount >> 3
}

/// The number whose eight decimal digits are the bytes of `v` (values 0…9, the first byte the most significant):
/// pairs, then quads, then the whole, in three multiplications (Lemire's eight-digit reduction).
@inline(__always)
func eightDigitsValue(_ v: UInt64) -> UInt64 {
    let pairs = v &* 10 &+ (v &>> 8)
    return ((pairs & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
        &+ ((pairs &>> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) &>> 32
}

/// A fixed text compared eight bytes at a time (8 to 24 bytes long: three overlapping loads cover it).
struct ByteLiteral {
    let count: Int
    private let head: UInt64
    private let middle: UInt64
    private let tail: UInt64

    init(_ text: StaticString) {
        let p = UnsafeRawPointer(text.utf8Start)
        count = text.utf8CodeUnitCount
        precondition(count >= 8 && count <= 24, "ByteLiteral holds 8 to 24 bytes")
        head = p.loadUnaligned(as: UInt64.self)
        middle = p.loadUnaligned(fromByteOffset: min(8, count - 8), as: UInt64.self)
        tail = p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    /// Whether the bytes at `p` (of `n`) start with the text.
    @inline(__always)
    func matches(_ base: UnsafePointer<UInt8>, at p: Int, count n: Int) -> Bool {
        guard p + count <= n else { return false }
        let q = UnsafeRawPointer(base + p)
        return q.loadUnaligned(as: UInt64.self) == head
            && q.loadUnaligned(fromByteOffset: min(8, count - 8), as: UInt64.self) == middle
            && q.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == tail
    }
}

/// The fixed parts of a Mooncake line.
struct MooncakeLiterals {
    let timestamp = ByteLiteral("{\"timestamp\": ")
    let input = ByteLiteral(", \"input_length\": ")
    let output = ByteLiteral(", \"output_length\": ")
    let hashIds = ByteLiteral(", \"hash_ids\": [")
}
