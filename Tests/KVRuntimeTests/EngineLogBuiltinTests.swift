import Foundation
import KVLang
import KVRuntime
import XCTest

/// engine_log as the language sees it: the record's values and units, and its errors as located diagnostics.
final class EngineLogBuiltinTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("engine-log-builtin-\(getpid())-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let profile = """
    INFO 03-23 16:34:40 [model_runner.py:1146] Model loading took 14.2487 GB and 32.737843 seconds
    INFO 03-23 16:34:44 [worker.py:267] the current vLLM instance can use total_gpu_memory (21.99GiB) x gpu_memory_utilization (0.90) = 19.79GiB
    INFO 03-23 16:34:44 [worker.py:267] model weights take 14.25GiB; non_torch_memory takes 0.06GiB; PyTorch activation peak memory takes 1.43GiB; the rest of the memory reserved for KV Cache is 4.05GiB.
    INFO 03-23 16:34:44 [executor_base.py:111] # cuda blocks: 4741, # CPU blocks: 4681
    INFO 03-23 16:34:44 [executor_base.py:116] Maximum concurrency for 6600 tokens per request: 11.49x

    """

    func testRecordValuesAndUnits() throws {
        let path = try write("a10g.log", Self.profile)
        // Byte fields are GiB quantities (the printed "GB" is GiB), counts plain numbers, token fields tokens.
        XCTAssertEqual(Run.number("engine_log(\"\(path)\").kv_bytes -> GiB"), 4.05 * 1_073_741_824, accuracy: 1e-3)
        XCTAssertEqual(Run.number("engine_log(\"\(path)\").weights_loaded / 1 GiB"), 14.2487, accuracy: 1e-12)
        XCTAssertEqual(Run.number("engine_log(\"\(path)\").blocks"), 4741)
        XCTAssertEqual(Run.number("engine_log(\"\(path)\").max_concurrency_tokens / 1 token"), 6600)
        XCTAssertEqual(Run.number("engine_log(\"\(path)\").gpu_memory_utilization"), 0.9)
        guard case .string(let engine)? = Run.value("engine_log(\"\(path)\").engine") else { return XCTFail() }
        XCTAssertEqual(engine, "vllm")
        // Stated fields only, in a fixed order; the weights from the profiler's line.
        guard case .list(let names)? = Run.value("fields(engine_log(\"\(path)\"))") else { return XCTFail() }
        XCTAssertEqual(names.map { v -> String in if case .string(let s) = v { return s } else { return "?" } },
                       ["engine", "total_gpu_memory", "gpu_memory_utilization", "budget", "weights",
                        "weights_loaded", "activation", "non_torch", "kv_bytes", "blocks", "cpu_blocks",
                        "max_concurrency", "max_concurrency_tokens"])
        // Reading a field the log does not state is the record's ordinary missing-field error.
        XCTAssertNotNil(Run.error("engine_log(\"\(path)\").tokens"))
    }

    func testUnparsedLineIsShownAtItsPlace() throws {
        let path = try write("bad.log", "INFO start\nINFO 01-01 executor_base.py:111] # cuda blocks: , # CPU blocks: 5\n")
        let d = try XCTUnwrap(Run.error("let log = engine_log(\"\(path)\")"))
        XCTAssertEqual(d.location?.file, path)
        XCTAssertEqual(d.location?.line, 2)
        XCTAssertEqual(d.location?.column, 49)
        let text = DiagnosticRenderer().render(d)
        XCTAssertEqual(text, """
        \(path):2:49: error: expected a whole number after "# cuda blocks:" (vLLM block count)
          |
        2 | INFO 01-01 executor_base.py:111] # cuda blocks: , # CPU blocks: 5
          |                                                 ^
          |
        1 | let log = engine_log("\(path)")
          |                      \(String(repeating: "-", count: path.count + 2))
          = note: in this call to engine_log
          = hint: engine_log(…, strict: false) reads the other lines and lists such lines in `unparsed`
        """)
        // Not strict: the record lists it.
        guard case .list(let unparsed)? = Run.value("engine_log(\"\(path)\", strict: false).unparsed") else {
            return XCTFail()
        }
        XCTAssertEqual(unparsed.count, 1)
        XCTAssertEqual(Run.number("engine_log(\"\(path)\", strict: false).cpu_blocks"), 5)
    }

    func testUnreadableFilesAreErrorsAtThePath() throws {
        let missing = dir.appendingPathComponent("none.log").path
        let d = Run.error("engine_log(\"\(missing)\")")
        XCTAssertEqual(d?.kind, .io)
        XCTAssertEqual(d?.message, "\(missing): no such file")
        XCTAssertEqual(Run.culprit(d), "\"\(missing)\"")
        let empty = try write("empty.log", "")
        XCTAssertEqual(Run.error("engine_log(\"\(empty)\")")?.message.hasPrefix("\(empty): has no line of a known"), true)
        XCTAssertEqual(Run.error("engine_log(\"\")")?.message, "`path` is an empty path")
        XCTAssertEqual(Run.error("engine_log(42)")?.kind, .type)
        XCTAssertEqual(Run.error("engine_log(\"\(empty)\", strict: 1)")?.kind, .type)
    }

    func testRelativePathsResolveAgainstTheProgram() throws {
        _ = try write("rel.log", Self.profile)
        let session = Run.session()
        session.baseDirectory = dir.path
        let v = try session.run(SourceFile(name: "<test>", text: "engine_log(\"rel.log\").blocks")).last
        guard case .quantity(let q)? = v else { return XCTFail() }
        XCTAssertEqual(q.value, 4741)
    }
}
