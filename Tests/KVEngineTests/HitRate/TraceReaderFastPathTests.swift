import Foundation
import XCTest
@testable import KVEngine

/// The reader's fast path for Mooncake lines (TraceReaderFastLine.swift) against the general parser, which is the
/// definition: on every input both must give the same trace, or the same located error. The fast path must also
/// actually run on Mooncake files, and its digit arithmetic must agree with Swift's own integer parsing.
final class TraceReaderFastPathTests: XCTestCase {
    /// The whole outcome of a parse, comparable: every column, or the error message.
    private enum Outcome: Equatable {
        case trace(timestamps: [Double], inputs: [Int], outputs: [Int], starts: [Int], blocks: [Int32], distinct: Int)
        case error(String)
    }

    private func outcome(_ data: Data, fastPath: Bool) -> Outcome {
        do {
            let t = try TraceReader.parse(data, name: "t.jsonl", fastPath: fastPath)
            return .trace(timestamps: t.timestamps, inputs: t.inputLengths, outputs: t.outputLengths,
                          starts: t.blockStart, blocks: t.blocks, distinct: t.distinctBlocks)
        } catch {
            return .error((error as? EngineError)?.message ?? "\(error)")
        }
    }

    private func assertAgree(_ data: Data, _ label: @autoclosure () -> String, file: StaticString = #filePath,
                             line: UInt = #line) {
        XCTAssertEqual(outcome(data, fastPath: true), outcome(data, fastPath: false), label(), file: file, line: line)
    }

    private func line(_ ids: String, timestamp: String = "0", input: String = "4", output: String = "1") -> String {
        "{\"timestamp\": \(timestamp), \"input_length\": \(input), \"output_length\": \(output), \"hash_ids\": [\(ids)]}"
    }

    /// The exact Mooncake shape goes through the fast path, line by line, and reads to the values written.
    func testMooncakeLinesTakeTheFastPath() throws {
        let text = [line("0, 1, 2", timestamp: "5", input: "1500", output: "20"), line("0, 1, 3", timestamp: "7"),
                    line(""), line("12345678, 123456789, 900000000000000001")].joined(separator: "\n") + "\n"
        let (t, fast) = try TraceReader.parseCountingFastLines(Data(text.utf8), name: "t.jsonl")
        XCTAssertEqual(fast, 4)
        // Sorted by timestamp, ties in file order: the empty list and the long ids (both at 0), then 5, then 7.
        // Ids are numbered in file order: 0, 1, 2 → 0, 1, 2; 3 → 3; the long ids → 4, 5, 6.
        XCTAssertEqual(t.timestamps, [0, 0, 5, 7])
        XCTAssertEqual(t.inputLengths, [4, 4, 1500, 4])
        XCTAssertEqual(t.outputLengths, [1, 1, 20, 1])
        XCTAssertEqual(t.blockStart, [0, 0, 3, 6, 9])
        XCTAssertEqual(t.blocks, [4, 5, 6, 0, 1, 2, 0, 1, 3])
        XCTAssertEqual(t.distinctBlocks, 7)
        // The shared conversation trace is all Mooncake lines.
        if let path = TraceFixtures.shared("conversation_trace.jsonl") {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let (trace, fastLines) = try TraceReader.parseCountingFastLines(data, name: path)
            XCTAssertEqual(fastLines, trace.requests)
            assertAgree(data, path)
        }
    }

    /// Edge cases next to the fast path's shape: each is read by the fast path the same as by the general parser,
    /// or left to the general parser, which reads or refuses it with its own message.
    func testShapesNearTheMooncakeLineAgree() {
        let lines = [
            line("1, 2, 3"), line("1,2,3"), line("1,  2"), line("1 , 2"), line(" 1, 2"), line("1, 2 "), line("1, "),
            line(", 1"), line("1,, 2"), line("1, ,2"), line("007, 0"), line("-1, 2"), line("1, -2"), line("1.5"),
            line("1e3"), line("12345678"), line("123456789"), line("99999999"), line("100000000"),
            line("999999999999999999"), line("9223372036854775807"), line("9223372036854775808"),
            line("99999999999999999999999"), line("1", timestamp: "1.5"), line("1", timestamp: "-3"),
            line("1", timestamp: "1e3"), line("1", timestamp: "1700000000000000001"),
            line("1", input: "4294967295"), line("1", input: "4294967296"), line("1", input: "-1"),
            line("1", input: "4.0"), line("1", output: "4294967296"), line("1", output: "x"),
            line("1\t, 2"), line("1,\t2"), line("1\u{0}, 2"), line("1, 2\u{0}"), line("1,\n2"), line("[1]"),
            line("1") + " ", line("1") + "x", line("1") + "}", String(line("1").dropLast()),
            String(line("1").dropLast(2)) + "}", "{\"timestamp\": 0, \"input_length\": 4, \"hash_ids\": [1]}",
            "{\"input_length\": 4, \"timestamp\": 0, \"output_length\": 1, \"hash_ids\": [1]}",
            "{\"timestamp\": 0, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [1], \"x\": 2}",
            "{\"timestamp\": 0,  \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [1]}",
            "{\"timestamp\":0, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [1]}",
            "{\"timestamp\": 0, \"input_length\": 4, \"output_length\": 1, \"hash_ids\": [1]}]}",
            "]}", "}", "", " ", "{\"timestamp\": 0]}",
            // The predicted next id's text followed by more digits: 0, 1, then 12 (not 1) and 10 (not 2).
            line("0, 1, 12, 2"), line("0, 10, 1"), line("0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 10"),
            // Predictions from texts with leading zeros and at carries: 008 predicts 009, 010 (both 9 and 10).
            line("0, 1, 2, 3, 4, 5, 6, 7, 008, 009, 010, 11, 0099, 0100, 101, 99999999, 100000000, 100000001"),
            line("0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 4, 5, 6, 7, 00000008, 000000009, 10"),
        ]
        for l in lines {
            for end in ["", "\n", "\r\n", "\r", "\n\n"] {
                for before in ["", line("5, 6") + "\n", "\u{FEFF}"] {
                    let text = before + l + end
                    assertAgree(Data(text.utf8), text.debugDescription)
                }
            }
        }
    }

    /// Ids of every length at every alignment, and a line ending exactly at the end of the bytes (where eight-byte
    /// loads no longer fit) agree with the general parser; so does every one-byte change to a Mooncake text.
    func testAlignmentsAndMutationsAgree() {
        var rng = PolicyDifferentialTests.RNG(state: 7)
        for length in 1...20 {
            for pad in 0..<9 {
                let id = String((0..<length).map { _ in Character(String(rng.below(10))) })
                let text = String(repeating: " ", count: pad) + line("1, " + id + ", " + id)
                assertAgree(Data(text.utf8), text)
                assertAgree(Data((text + "\n").utf8), text)
            }
        }
        let base = Array(([line("0, 1, 2, 3", timestamp: "10"), line("0, 1, 4, 5, 6, 7, 8, 9, 10, 11"),
                           line("12, 13")].joined(separator: "\n") + "\n").utf8)
        let interesting: [UInt8] = Array("0 9,[]{}\":-.e\r\n\t\u{0}x".utf8) + [0x2F, 0x3A, 0x2B, 0x0C, 0xFA, 0xFF, 0x80]
        for position in base.indices {
            for b in interesting {
                var changed = base
                changed[position] = b
                assertAgree(Data(changed), "byte \(position) → \(b)")
            }
            var removed = base
            removed.remove(at: position)
            assertAgree(Data(removed), "byte \(position) removed")
            var inserted = base
            inserted.insert(interesting[rng.below(interesting.count)], at: position)
            assertAgree(Data(inserted), "byte inserted at \(position)")
        }
    }

    /// The digit arithmetic against Swift's `Int64(String)`, for every length the fast path converts, with and
    /// without room for an eight-byte load, and with a non-digit at every position.
    func testDigitConversionAgreesWithSwift() {
        var rng = PolicyDifferentialTests.RNG(state: 11)
        for length in 1...18 {
            for _ in 0..<200 {
                let digits = (0..<length).map { _ in UInt8(0x30 + rng.below(10)) }
                let expected = Int64(String(decoding: digits, as: UTF8.self))
                for tail in [[], Array(", 1234567".utf8)] as [[UInt8]] {
                    let bytes = digits + tail
                    bytes.withUnsafeBufferPointer { b in
                        var p = 0
                        XCTAssertEqual(scanDigits(b.baseAddress!, &p, b.count), expected)
                        XCTAssertEqual(p, length)
                    }
                }
                for bad in [0x2F, 0x3A, 0x00, 0x20, 0x2C, 0xFF, 0xF9] as [UInt8] {
                    var spoiled = digits + Array("]2345678".utf8)
                    let at = rng.below(length)
                    spoiled[at] = bad
                    spoiled.withUnsafeBufferPointer { b in
                        var p = 0
                        let v = scanDigits(b.baseAddress!, &p, b.count)
                        // The digits before the bad byte, or nothing when it is the first.
                        XCTAssertEqual(v, at == 0 ? nil : Int64(String(decoding: digits[..<at], as: UTF8.self)))
                        XCTAssertEqual(p, at)
                    }
                }
            }
        }
        // Nineteen digits are left to the general parser's range check.
        let long = Array("1234567890123456789".utf8)
        long.withUnsafeBufferPointer { b in
            var p = 0
            XCTAssertNil(scanDigits(b.baseAddress!, &p, b.count))
        }
        // The eight-digit reduction on its own: 12345678 and 00000001, written out.
        XCTAssertEqual(eightDigitsValue(0x0807_0605_0403_0201), 12_345_678)
        XCTAssertEqual(eightDigitsValue(0x0100_0000_0000_0000), 1)
        XCTAssertEqual(eightDigitsValue(0x0909_0909_0909_0909), 99_999_999)
    }

    /// The digit test flags exactly the digits, over all 256 byte values in every position.
    func testLeadingDigitsOverEveryByte() {
        for b in 0...255 {
            for position in 0..<8 {
                var bytes = Array("12345678".utf8)
                bytes[position] = UInt8(b)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let isDigit = (0x30...0x39).contains(b)
                XCTAssertEqual(leadingDigits(UInt64(littleEndian: word)), isDigit ? 8 : position, "byte \(b) at \(position)")
            }
        }
    }

    /// The predicted text of the next id steps like the number, through carries and new digits, and stops
    /// predicting at 10^8 (nine digits do not fit the eight-byte comparison; length -1 matches no id, not even
    /// an empty one).
    func testPredictedIdStepsLikeTheNumber() {
        for start in [0, 7, 95, 990, 1_999, 99_990, 12_345_670, 99_999_990] {
            var p = PredictedId(start)
            for v in start..<(start + 25) {
                let fresh = PredictedId(v)
                XCTAssertEqual([p.value, p.length], [fresh.value, fresh.length], "\(v)")
                XCTAssertEqual(p.word, fresh.word, "\(v)")
                XCTAssertEqual(p.shift, fresh.shift, "\(v)")
                // The text itself, against Swift's: the id's bytes shifted left by `shift` equal `word`.
                if v < 100_000_000 {
                    let text = Array(String(v).utf8) + Array(repeating: UInt8(ascii: ","), count: 8)
                    let loaded = text.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                    XCTAssertEqual(loaded &<< p.shift, p.word, "\(v)")
                } else {
                    XCTAssertEqual(p.length, -1, "\(v)")
                }
                p.advance()
            }
        }
    }
}
