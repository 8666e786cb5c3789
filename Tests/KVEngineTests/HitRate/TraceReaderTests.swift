import Foundation
import XCTest
@testable import KVEngine

/// The trace reader on malformed and unusual input: every error is located `file:line:column`, numbers are range-
/// checked instead of wrapping, a BOM and CRLF are accepted, and file and line sizes are capped.
final class TraceReaderTests: XCTestCase {
    private func parse(_ text: String) throws -> Trace { try TraceReader.parse(Data(text.utf8), name: "t.jsonl") }

    private func message(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            XCTAssertEqual((error as? EngineError)?.argument, "path")
            return (error as? EngineError)?.message ?? "\(error)"
        }
    }

    /// Columns count bytes from 1 and point at the culprit (hand-counted below each line).
    func testErrorsAreLocatedByLineAndColumn() {
        let good = "{\"timestamp\": 0, \"input_length\": 4, \"hash_ids\": [1]}\n"
        // {"timestamp": 1, "input_length": -4, …: `-` is byte 34.
        XCTAssertEqual(message(good + "{\"timestamp\": 1, \"input_length\": -4, \"hash_ids\": []}"),
                       "t.jsonl:2:34: input_length must not be negative, got -4")
        // {"timestamp": 1, "input_length": 4.5: the count starts at byte 34.
        XCTAssertEqual(message("{\"timestamp\": 1, \"input_length\": 4.5, \"hash_ids\": []}"),
                       "t.jsonl:1:34: input_length must be a whole number")
        // `x` at byte 15.
        XCTAssertEqual(message("{\"timestamp\": x, \"input_length\": 1, \"hash_ids\": []}"),
                       "t.jsonl:1:15: expected a number for timestamp")
        // [1,] : the `]` at byte 52 is not an integer.
        XCTAssertEqual(message("{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1,]}"),
                       "t.jsonl:1:52: expected an integer for a hash id")
        // Text after the object: the `x` at byte 54 of line 3 (line 2 blank).
        XCTAssertEqual(message(good + "\n" + "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1]} x"),
                       "t.jsonl:3:54: unexpected text after the object")
        // An object may not continue on the next line: line 1 ends inside it (byte 17, just past its end).
        XCTAssertEqual(message("{\"timestamp\": 1,\n\"input_length\": 4, \"hash_ids\": [1]}"),
                       "t.jsonl:1:17: expected a quoted key")
        XCTAssertEqual(message("{}"), "t.jsonl:1:2: empty object: timestamp, input_length and hash_ids are required")
        XCTAssertEqual(message("{\"timestamp\": 1, \"hash_ids\": [1]}"), "t.jsonl:1:34: missing \"input_length\"")
        XCTAssertEqual(message("{\"timestamp\": 1e400, \"input_length\": 1, \"hash_ids\": []}"),
                       "t.jsonl:1:15: timestamp is not a finite number: 1e400")
    }

    func testEveryMalformedLineIsLocated() throws {
        let bad = ["{", "[1]", "{\"timestamp\": 1}", "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": 5}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1 2]}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1], \"s\": \"open}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1], \"s\": \"a\\\"}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1], \"o\": {\"a\" 1}}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1], \"v\": }",
                   "{\"timestamp\": -, \"input_length\": 4, \"hash_ids\": [1]}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [-]}",
                   "{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1]\u{0}}",
                   "\u{FEFF}\u{FEFF}{\"timestamp\": 1, \"input_length\": 4, \"hash_ids\": [1]}",
                   "{\"timestamp\"\r: 1, \"input_length\": 4, \"hash_ids\": [1]}\r\r\n{\"timestamp\"",
                   String(repeating: "[", count: 200), String(repeating: "{\"a\":[", count: 100)]
        let located = try NSRegularExpression(pattern: #"^t\.jsonl:[0-9]+:[0-9]+: [a-z"]"#)
        for text in bad {
            let m = message(text)
            XCTAssertNotNil(located.firstMatch(in: m, range: NSRange(m.startIndex..., in: m)), "\(text) → \(m)")
        }
    }

    /// Ids are 64-bit integers: the extremes are accepted, one past them is an error (not a wrap), and so is an
    /// input_length of 2^32 or more.
    func testIntegersAreRangeChecked() throws {
        let extremes = "{\"timestamp\": 0, \"input_length\": 4294967295, \"hash_ids\": [9223372036854775807, "
            + "-9223372036854775808, 0, 9223372036854775807]}"
        let t = try parse(extremes)
        XCTAssertEqual(t.blocks, [0, 1, 2, 0])
        XCTAssertEqual(t.inputLengths, [4_294_967_295])
        XCTAssertEqual(message("{\"timestamp\": 0, \"input_length\": 1, \"hash_ids\": [9223372036854775808]}"),
                       "t.jsonl:1:50: a hash id is out of range (a 64-bit integer)")
        XCTAssertEqual(message("{\"timestamp\": 0, \"input_length\": 1, \"hash_ids\": [-9223372036854775809]}"),
                       "t.jsonl:1:50: a hash id is out of range (a 64-bit integer)")
        XCTAssertEqual(message("{\"timestamp\": 0, \"input_length\": 1, \"hash_ids\": [99999999999999999999999]}"),
                       "t.jsonl:1:50: a hash id is out of range (a 64-bit integer)")
        XCTAssertEqual(message("{\"timestamp\": 0, \"input_length\": 4294967296, \"hash_ids\": []}"),
                       "t.jsonl:1:34: input_length must be below 2^32 tokens, got 4294967296")
        XCTAssertEqual(message("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 99999999999999999999, "
                               + "\"hash_ids\": []}"), "t.jsonl:1:54: output_length is out of range (a 64-bit integer)")
    }

    /// Timestamps of any length: nanosecond epochs have 19 digits (past the integer fast path), fractions and
    /// exponents go through Double.
    func testTimestampsOfEveryShape() throws {
        let lines = ["1700000000000000000", "-2.5", "1e3", "12", "1700000000000000001"].map {
            "{\"timestamp\": \($0), \"input_length\": 1, \"hash_ids\": []}"
        }
        let t = try parse(lines.joined(separator: "\n"))
        XCTAssertEqual(t.timestamps, [-2.5, 12, 1000, 1.7e18, 1.7e18])
    }

    /// A leading BOM and CRLF line ends read exactly as the plain file does.
    func testBOMAndCRLF() throws {
        let lines = ["{\"timestamp\": 1, \"input_length\": 8, \"hash_ids\": [5, 6]}",
                     "{\"timestamp\": 0, \"input_length\": 4, \"output_length\": 3, \"hash_ids\": [5]}"]
        let plain = try parse(lines.joined(separator: "\n"))
        let windows = try TraceReader.parse(Data(([0xEF, 0xBB, 0xBF] as [UInt8]) + Array((lines.joined(separator: "\r\n")
            + "\r\n\r\n").utf8)), name: "t.jsonl")
        for t in [plain, windows] {
            XCTAssertEqual(t.timestamps, [0, 1])
            XCTAssertEqual(t.inputLengths, [4, 8])
            XCTAssertEqual(t.outputLengths, [3, 0])
            XCTAssertEqual(t.blocks, [0, 0, 1])
            XCTAssertEqual(t.blockStart, [0, 1, 3])
        }
        // A BOM anywhere but the start is not whitespace.
        XCTAssertEqual(message(lines[0] + "\n\u{FEFF}" + lines[1]),
                       "t.jsonl:2:1: expected '{' to start a request object")
    }

    func testLineLengthIsCapped() {
        var data = Data("{\"timestamp\": 0, \"input_length\": 4, \"hash_ids\": [1]}\n".utf8)
        data.append(Data(repeating: 0x20, count: TraceReader.maxLineBytes + 1))
        XCTAssertThrowsError(try TraceReader.parse(data, name: "t.jsonl")) {
            XCTAssertEqual(($0 as? EngineError)?.message,
                           "t.jsonl:2:1: the line is 16777217 bytes long, over the 16 MiB limit for one request")
        }
        // Exactly at the limit, spaces are a blank line.
        data.removeLast()
        XCTAssertEqual(try TraceReader.parse(data, name: "t.jsonl").requests, 1)
    }

    /// Files over the limit are refused before they are read: a regular file by its size (a sparse one here, so
    /// the test writes nothing), a device by reading at most one byte past the limit.
    func testFileSizeIsCapped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-reader-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big.jsonl").path
        XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: nil))
        XCTAssertEqual(truncate(big, 4097), 0)
        XCTAssertThrowsError(try TraceReader.readBytes(path: big, limit: 4096)) {
            XCTAssertEqual(($0 as? EngineError)?.message,
                           "\(big): the trace file is larger than 4096 bytes (0 MiB), the limit; replay a part of it")
        }
        XCTAssertEqual(try TraceReader.readBytes(path: big, limit: 4097).count, 4097)
        XCTAssertThrowsError(try TraceReader.readBytes(path: "/dev/zero", limit: 1 << 16)) {
            XCTAssertTrue(($0 as? EngineError)?.message.contains("larger than 65536 bytes") ?? false, "\($0)")
        }
        XCTAssertThrowsError(try TraceReader.read(path: dir.path)) {
            XCTAssertEqual(($0 as? EngineError)?.message, "\(dir.path) is a directory, not a trace file")
        }
        XCTAssertThrowsError(try TraceReader.read(path: dir.appendingPathComponent("none.jsonl").path)) {
            XCTAssertEqual(($0 as? EngineError)?.message,
                           "cannot read the trace file \(dir.path)/none.jsonl: No such file or directory")
        }
    }
}
