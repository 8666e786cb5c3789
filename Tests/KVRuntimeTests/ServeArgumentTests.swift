import KVLang
import XCTest

/// serve, serve_timeline and workload refuse what they cannot simulate, each error at the argument (or field) at
/// fault, with a did-you-mean where a name was misspelled.
final class ServeArgumentTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KVEngineTests/Fixtures/traces")
    static let trace = fixtures.appendingPathComponent("policies.jsonl").path

    /// serve(…) on the fixture trace with `rest` appended to the arguments.
    private func serve(_ rest: String) -> String {
        "serve(\"\(Self.trace)\", llama3_8b, H100, trace_block_size: 4\(rest))"
    }

    private func assertError(_ program: String, _ message: String, at culprit: String, hint: String? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        let d = Run.error(program, file: file, line: line)
        XCTAssertEqual(d?.message, message, file: file, line: line)
        XCTAssertEqual(Run.culprit(d), culprit, file: file, line: line)
        if let hint { XCTAssertEqual(d?.hint, hint, file: file, line: line) }
    }

    func testWorkloadArrival() {
        assertError("workload(arrival: \"all at onse\")",
                    "`arrival` must be \"all at once\", a request rate such as 2 req/s, or a conversation rate such as "
                    + "0.5 conv/s, not \"all at onse\"", at: "\"all at onse\"", hint: "did you mean `all at once`?")
        assertError("workload(arrival: -2 req/s)", "`arrival` must be a positive, finite rate, not -2 per second",
                    at: "-2 req/s")
        assertError("workload(arrival: 0 conv/s)", "`arrival` must be a positive, finite rate, not 0 per second",
                    at: "0 conv/s")
        assertError("workload(arrival: 2)", "`arrival` must be \"all at once\", a request rate such as 2 req/s, or a "
                    + "conversation rate such as 0.5 conv/s, not a plain number", at: "2",
                    hint: "write a unit: 2 req/s or 0.5 conv/s")
        assertError("workload(arrival: 2 GB/s)", "`arrival` must be \"all at once\", a request rate such as 2 req/s, "
                    + "or a conversation rate such as 0.5 conv/s, not Bandwidth (Information/Time)", at: "2 GB/s")
        assertError("workload(arrival: 2 req/s, turns: 3)",
                    "`turns` applies only to conversations: give `arrival` in conv/s, such as 0.5 conv/s", at: "3")
        assertError("workload(interval: 10 s)",
                    "`interval` applies only to conversations: give `arrival` in conv/s, such as 0.5 conv/s", at: "10 s")
        assertError("workload(arrival: 1 conv/s, interval: 0 s)", "`interval` must be a positive time", at: "0 s")
    }

    func testWorkloadCounts() {
        assertError("workload(requests: 0)", "`requests` must be a whole number from 1 to 10000000, not 0", at: "0")
        assertError("workload(requests: 2.5)", "`requests` must be a whole number from 1 to 10000000, not 2.5", at: "2.5")
        assertError("workload(requests: 5 GB)", "`requests` must be a number of requests, not Information", at: "5 GB")
        assertError("workload(input: 0 tokens)",
                    "`input` must be a whole number of tokens from 1 to 1073741824, not 0", at: "0 tokens")
        assertError("workload(output: 1e30)",
                    "`output` must be a whole number of tokens from 1 to 1073741824, not 1e30", at: "1e30")
        assertError("workload(block_size: 0)",
                    "`block_size` must be a whole number of tokens from 1 to 1048576, not 0", at: "0")
        assertError("workload(arrival: 1 conv/s, turns: 0)", "`turns` must be a whole number from 1 to 100000, not 0",
                    at: "0")
        assertError("workload(seed: -1)", "`seed` must be a whole number of at least 0, not -1", at: "-1")
    }

    /// A record changed by hand is read back through the same checks.
    func testWorkloadRecordFields() {
        let w = "{requests: 10, input: 100 tokens, output: 10 tokens, arrival: \"all at once\""
        assertError("serve(\(w), seeed: 2}, llama3_8b, H100)", "the workload has an unknown field `seeed`",
                    at: "\(w), seeed: 2}", hint: "did you mean `seed`?")
        assertError("serve({input: 100 tokens, output: 10 tokens, arrival: \"all at once\"}, llama3_8b, H100)",
                    "the workload is missing the field `requests`",
                    at: "{input: 100 tokens, output: 10 tokens, arrival: \"all at once\"}")
        assertError("serve(workload() with {arrival: \"sometimes\"}, llama3_8b, H100)",
                    "the workload's `arrival` must be \"all at once\", a request rate such as 2 req/s, or a conversation "
                    + "rate such as 0.5 conv/s, not \"sometimes\"", at: "workload() with {arrival: \"sometimes\"}")
        assertError("serve(workload() with {requests: -3}, llama3_8b, H100)",
                    "the workload's `requests` must be a whole number from 1 to 10000000, not -3",
                    at: "workload() with {requests: -3}")
        // `with` cannot add a field, but a literal can: turns with a request rate.
        let rated = "{requests: 10, input: 100 tokens, output: 10 tokens, arrival: 2 req/s, turns: 3}"
        assertError("serve(\(rated), llama3_8b, H100)",
                    "the workload's `turns` applies only to conversations (an arrival in conv/s); this workload's "
                    + "arrival is a request rate", at: rated)
        assertError("serve(workload() with {input: 3 s}, llama3_8b, H100)",
                    "the workload's `input` must be a whole number or tokens, not a quantity",
                    at: "workload() with {input: 3 s}")
        assertError("serve(workload(), llama3_8b, H100, trace_block_size: 512)",
                    "`trace_block_size` applies to a trace path; a workload record carries its own block_size",
                    at: "512")
        assertError("serve(42, llama3_8b, H100)",
                    "`workload` must be a trace path (a string) or a workload(…) record, not a number", at: "42")
    }

    func testTracePaths() {
        assertError("serve(\"\", llama3_8b, H100)", "`workload` is an empty path", at: "\"\"")
        assertError("serve(\"no/such/trace.jsonl\", llama3_8b, H100)",
                    "cannot read the trace file no/such/trace.jsonl: No such file or directory", at: "\"no/such/trace.jsonl\"")
        let dir = Self.fixtures.path
        assertError("serve(\"\(dir)\", llama3_8b, H100)", "\(dir) is a directory, not a trace file", at: "\"\(dir)\"")
        let bad = Self.fixtures.appendingPathComponent("malformed.jsonl").path
        XCTAssertTrue(Run.error("serve(\"\(bad)\", llama3_8b, H100)")?.message.hasPrefix(bad + ":") == true,
                      "a malformed line is located in the file")
        // The fixture's ids cover 4 tokens: read as 512-token blocks, a 10-token prompt has 3 ids but needs 1.
        let d = Run.error("serve(\"\(Self.trace)\", llama3_8b, H100)")
        XCTAssertEqual(d?.message, "\(Self.trace): request 1 has 3 block ids for 10 prompt tokens; 512-token blocks need 1")
        XCTAssertEqual(d?.hint, "trace_block_size: sets the tokens each hash id covers (512 for Mooncake traces)")
        assertError(serve(", time_scale: 0"), "`time_scale` must be a number from 1e-6 to 1,000,000, not 0", at: "0")
        assertError("serve(\"\(Self.trace)\", llama3_8b, H100, trace_block_size: 0)",
                    "`trace_block_size` must be a whole number of tokens from 1 to 1048576, not 0", at: "0")
    }

    func testCapacity() {
        assertError(serve(", capacity: 0"), "`capacity` must be positive and finite, not 0", at: "0")
        assertError(serve(", capacity: -5 GiB"), "`capacity` must be positive and finite, not -5,368,709,120", at: "-5 GiB")
        assertError(serve(", capacity: 1.5"), "`capacity` in blocks must be a whole number, not 1.5", at: "1.5")
        assertError(serve(", capacity: 3 tokens"), "`capacity` holds 3 tokens, less than one 4-token block of the workload",
                    at: "3 tokens")
        assertError(serve(", capacity: 10 s"), "`capacity` must be tokens, bytes or blocks (a plain number), not Time",
                    at: "10 s")
        assertError(serve(", capacity: \"lots\""), "`capacity` must be \"auto\", tokens, bytes or blocks, not \"lots\"",
                    at: "\"lots\"")
        assertError(serve(", capacity: 1e30"), "`capacity` of 4e30 tokens is more than 2^53", at: "1e30")
        // A pool far beyond what the workload can fill is simulated at the size it needs, not refused.
        XCTAssertEqual(Run.number(serve(", capacity: 1e9") + ".capacity_blocks"), 1e9)
        assertError(serve(", capacity: \"aut\""), "`capacity` must be \"auto\", tokens, bytes or blocks, not \"aut\"",
                    at: "\"aut\"", hint: "did you mean `auto`?")
    }

    func testOptions() {
        assertError(serve(", cache: \"vlm\""), "`cache` must be \"auto\", \"vllm\", \"sglang\", \"lru\" or \"none\", not \"vlm\"",
                    at: "\"vlm\"", hint: "did you mean `vllm`?")
        assertError(serve(", dram: -1 GB"), "`dram` must be a finite, non-negative amount of Information", at: "-1 GB")
        assertError(serve(", dram: 10 GB/s"), "`dram` must be Information, not Bandwidth (Information/Time)", at: "10 GB/s")
        assertError(serve(", step_time: -1 ms"), "`step_time` must be a finite, non-negative amount of Time", at: "-1 ms")
        assertError(serve(", instant: 1"), "`instant` must be true or false, not a number", at: "1")
        assertError(serve(", mem_fraction_static: 0.8"), "`mem_fraction_static` is an SGLang flag; engine is \"vllm\"",
                    at: "0.8")
        assertError(serve(", tp: 0"), "`tp` must be a whole number from 1 to 1048576, not 0", at: "0")
        assertError("serve_timeline(\"\(Self.trace)\", llama3_8b, H100, trace_block_size: 4, points: 1)",
                    "`points` must be a whole number from 2 to 100000, not 1", at: "1")
    }
}
