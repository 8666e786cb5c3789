import XCTest

/// `kvcalc eval`, end to end: the examples, JSON, exit codes.
final class EvalCommandTests: XCTestCase {
    func testTokensThatFit() throws {
        let r = try Binary.run(["eval", "64 GiB / (160 KiB/token)"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "419,430.4 token\n")
    }

    func testConversionToQPS() throws {
        XCTAssertEqual(try Binary.run(["eval", "3 conv/s * 4 req/conv -> qps"]).stdout, "12 qps\n")
    }

    func testDimensionErrorExitsOneWithPlaceAndBothDimensions() throws {
        let r = try Binary.run(["eval", "2 GB + 3 tokens"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("<eval>:1:6: error: cannot add Information and Token"), r.stderr)
    }

    func testJSON() throws {
        XCTAssertEqual(try Binary.run(["eval", "--json", "2 GiB"]).stdout, "{\"value\":2147483648,\"unit\":\"B\"}\n")
        XCTAssertEqual(try Binary.run(["eval", "2 GiB", "--json"]).stdout, "{\"value\":2147483648,\"unit\":\"B\"}\n")
        XCTAssertEqual(try Binary.run(["eval", "--json", "{a: 0.5, b: [1 qps]}"]).stdout,
                       "{\"a\":0.5,\"b\":[{\"value\":1,\"unit\":\"req/s\"}]}\n")
        let f = try Binary.run(["eval", "--json", "sqrt"])
        XCTAssertEqual(f.status, 1)
        XCTAssertTrue(f.stderr.contains("no JSON form"), f.stderr)
    }

    func testNegativeNumbersAreNotOptions() throws {
        XCTAssertEqual(try Binary.run(["eval", "-1 GiB"]).stdout, "-1 GiB\n")
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try Binary.run(["eval"]).status, 2)
        XCTAssertEqual(try Binary.run(["--frobnicate"]).status, 2)
        let missing = try Binary.run(["no-such-file.kv"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("Cannot read 'no-such-file.kv'"), missing.stderr)
    }

    func testVersionAndHelp() throws {
        let v = try Binary.run(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertEqual(v.stdout, "0.1.0\n")
        let h = try Binary.run(["--help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("eval"), h.stdout)
    }
}
