import Foundation
import XCTest
@testable import KVEngine

/// Every log in the calibration set (Fixtures/engine-logs/calibration.json, a copy of
/// shared/measurements/engine-logs/calibration.json: 18 start-up logs users pasted in vLLM and SGLang issues, with
/// what each reports as read by a person) parsed by engine_log, each figure equal to the reported one.
final class EngineLogCalibrationTests: XCTestCase {
    static let gib = Double(1 << 30)

    struct Entry {
        let id: String
        let engine: String
        let lines: [String]
        let reported: [String: Any]
        let totalInLog: String?
    }

    static func entries() throws -> [Entry] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("engine-logs/calibration.json")))
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return try list.map { e in
            Entry(id: try XCTUnwrap(e["id"] as? String), engine: try XCTUnwrap(e["engine"] as? String),
                  lines: try XCTUnwrap(e["log_lines"] as? [String]),
                  reported: try XCTUnwrap(e["reported"] as? [String: Any]),
                  totalInLog: e["gpu_total_memory_in_log"] as? String)
        }
    }

    static func parse(_ e: Entry, strict: Bool = false) throws -> EngineLog {
        try EngineLog.parse(Array((e.lines.joined(separator: "\n") + "\n").utf8), path: e.id, strict: strict)
    }

    /// Reported fields that are ranges or two runs in one paste, as a person reads them: the figure engine_log
    /// must give. "rank 0, min" is the driver's line; a paste of a V1 run then a V0 run gives the later line.
    static let readings: [String: [String: Double]] = [
        "vllm-mi300x-llama31-8b-tp8": ["non_torch_gib": 8.02, "kv_cache_gib": 157.53],
        "vllm-16141-qwen25-0.5b-awq-a6000": ["num_gpu_blocks": 21186, "kv_cache_tokens": 314_272,
                                             "max_concurrency": 662.06],
        "vllm-15394-opt125m-h200": ["num_gpu_blocks": 227_182, "kv_cache_tokens": 3_581_232],
    ]

    /// Reported figures the quoted lines do not hold (the report took them from elsewhere in the issue).
    static let notInLines: [String: Set<String>] = [
        "vllm-15394-opt125m-h200": ["weights_gb_model_loading_line"],
    ]

    /// Reported field → the record field that states it, and whether it is bytes (GiB in the report).
    static let mapping: [(String, EngineLog.Field, Bool)] = [
        ("weights_gib", .weights, true), ("weights_gb_model_loading_line", .weightsLoaded, true),
        ("activation_peak_gib", .activation, true), ("non_torch_gib", .nonTorch, true),
        ("kv_cache_gib", .kvBytes, true), ("num_gpu_blocks", .blocks, false), ("kv_cache_tokens", .tokens, false),
        ("max_concurrency", .maxConcurrency, false), ("max_concurrency_for_tokens", .maxConcurrencyTokens, false),
        ("sglang_avail_mem_before_load_gb", .freeBeforeLoad, true),
        ("sglang_avail_mem_after_load_gb", .freeAfterLoad, true),
        ("sglang_weight_mem_usage_gb", .weightsLoaded, true), ("sglang_k_size_gb", .kBytes, true),
        ("sglang_v_size_gb", .vBytes, true), ("sglang_kv_size_gb", .kvBytes, true),
        ("sglang_avail_mem_after_pool_gb", .freeAfterPool, true), ("sglang_max_total_num_tokens", .tokens, false),
    ]

    static func number(_ v: EngineLog.Value?) -> Double? {
        switch v {
        case .bytes(let b)?: return b / gib
        case .tokens(let n)?: return Double(n)
        case .count(let n)?: return Double(n)
        case .number(let x)?: return x
        default: return nil
        }
    }

    func testEveryReportedFigureIsParsed() throws {
        let entries = try Self.entries()
        XCTAssertEqual(entries.count, 18)
        var checked = 0
        for e in entries {
            let log = try Self.parse(e)
            // "vLLM", "vLLM (ROCm build)", "SGLang (ROCm)".
            XCTAssertTrue(e.engine.lowercased().hasPrefix(log.engine.rawValue), e.id)
            for (key, field, _) in Self.mapping {
                let expected = Self.readings[e.id]?[key] ?? (e.reported[key] as? Double)
                if Self.notInLines[e.id]?.contains(key) == true { continue }
                guard let expected else {
                    // Not reported: absent, never 0 (weights fall back to the loading line; the V1 tokens of a
                    // SGLang log come from two keys).
                    if e.reported[key] is NSNull, ![.weights, .tokens, .kvBytes, .weightsLoaded].contains(field) {
                        XCTAssertNil(log[field], "\(e.id): \(field.rawValue) is not stated")
                    }
                    continue
                }
                // Figures are printed with 2 or 4 decimals; the parse must give the printed number.
                let got = try XCTUnwrap(Self.number(log[field]), "\(e.id): \(field.rawValue) missing")
                XCTAssertEqual(got, expected, accuracy: 1e-9 * max(1, expected), "\(e.id): \(field.rawValue)")
                checked += 1
            }
            if let total = e.totalInLog {
                let gib = try XCTUnwrap(Double(total.replacingOccurrences(of: "GiB", with: "")))
                XCTAssertEqual(try XCTUnwrap(Self.number(log[.totalGPUMemory]), e.id), gib, accuracy: 1e-9, e.id)
                checked += 1
            }
        }
        // The figures compared: every non-null reported figure of the mapped kinds (and the logged total memory),
        // 120 as counted from the JSON by a separate script; a mapping that silently matched nothing fails here.
        XCTAssertEqual(checked, 120)
    }

    func testOnlyTheTruncatedLineIsUnparsed() throws {
        for e in try Self.entries() {
            let log = try Self.parse(e)
            if e.id == "vllm-15196-deepseek-coder-v2-lite-l40s-offload" {
                // The mirror cut "PyTorch activation peak memory tak... [truncated by the mirror] ...r KV Cache is":
                // the activation is unreadable (column 127 is the "t" of "tak..."), the rest of the line is read.
                XCTAssertEqual(log.unparsed.map(\.line), [4], e.id)
                XCTAssertEqual(log.unparsed.first?.column, 127)
                XCTAssertNil(log[.activation])
                XCTAssertThrowsError(try Self.parse(e, strict: true)) { error in
                    let err = error as? EngineLogError
                    XCTAssertEqual(err?.line, 4)
                    XCTAssertEqual(err?.column, 127)
                    XCTAssertEqual(err?.description.hasPrefix("\(e.id):4:127: expected a memory figure"), true,
                                   "\(String(describing: err))")
                }
            } else {
                XCTAssertEqual(log.unparsed, [], e.id)
                XCTAssertNoThrow(try Self.parse(e, strict: true), e.id)
            }
        }
    }

    func testDriverLineWinsOverWorkers() throws {
        // Llama-3.1-70B TP8 on H200 (vLLM 0.6.4.post1): a worker's line (non_torch 5.68, kv 110.52) comes first,
        // the driver's (7.71, 107.35) after; the engine sizes every rank by the driver's minimum.
        let e = try XCTUnwrap(try Self.entries().first { $0.id == "vllm-10702-llama31-70b-tp8-h200" })
        let log = try Self.parse(e)
        XCTAssertEqual(log[.nonTorch], .bytes(7.71 * Self.gib))
        XCTAssertEqual(log[.kvBytes], .bytes(107.35 * Self.gib))
        XCTAssertEqual(log[.peakTorch], .bytes(17.67 * Self.gib))
        XCTAssertEqual(log[.initialMemory], .bytes(19.60 * Self.gib))
        XCTAssertEqual(log[.postProfileMemory], .bytes(24.21 * Self.gib))
        XCTAssertEqual(log[.gpuMemoryUtilization], .number(0.95))
        // The config notice: chunked prefill on, 512 tokens per step.
        XCTAssertEqual(log[.maxNumBatchedTokens], .tokens(512))
        XCTAssertEqual(log[.enableChunkedPrefill], .flag(true))
        // Gemma-3-27B TP4: the driver's line is first here, and still wins over the worker's after it.
        let g = try XCTUnwrap(try Self.entries().first { $0.id == "vllm-16378-gemma3-27b-tp4-a100-40g" })
        XCTAssertEqual(try Self.parse(g)[.nonTorch], .bytes(0.52 * Self.gib))
    }
}

/// Mutated calibration logs: cut at every position and with random bytes changed, each one parses or fails with
/// an EngineLogError — never a trap, never a hang (the test's run time bounds it).
final class EngineLogMutationTests: XCTestCase {
    func testTruncatedAndMutatedLogsNeverTrap() throws {
        var rng = Xoshiro256(seed: 42)
        let noise: [UInt8] = Array("0123456789.,:=()[]{}'\" GiBx-\r\n\u{1B}[#".utf8) + [0xFF, 0xC3, 0x00]
        var parsed = 0, failed = 0
        for e in try EngineLogCalibrationTests.entries() {
            let bytes = Array((e.lines.joined(separator: "\n") + "\n").utf8)
            var cases: [[UInt8]] = stride(from: 0, through: bytes.count, by: 13).map { Array(bytes[..<$0]) }
            for _ in 0..<150 {
                var b = bytes
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let at = Int.random(in: 0..<b.count, using: &rng)
                    b[at] = noise[Int.random(in: 0..<noise.count, using: &rng)]
                }
                cases.append(b)
            }
            for c in cases {
                // What must hold whatever the log (the fuzz target Fuzz/Sources/enginelog checks the same).
                let strict = try? EngineLog.parse(c, path: e.id, strict: true)
                do {
                    let log = try EngineLog.parse(c, path: e.id, strict: false)
                    parsed += 1
                    XCTAssertTrue(log.fields.keys.contains { !$0.isFlag }, "a record with no figure")
                    XCTAssertEqual(strict != nil, log.unparsed.isEmpty, "strict agrees with the unparsed list")
                    if let strict { XCTAssertEqual(strict.fields, log.fields) }
                } catch {
                    failed += 1
                    XCTAssertNil(strict, "strict reading succeeded where the lenient one failed")
                }
            }
        }
        // Both outcomes occur (a cut before the first capacity line fails; most mutations still parse).
        XCTAssertGreaterThan(parsed, 1000)
        XCTAssertGreaterThan(failed, 100)
    }
}
