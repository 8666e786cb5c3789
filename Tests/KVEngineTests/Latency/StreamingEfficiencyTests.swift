import Foundation
import XCTest
@testable import KVEngine

/// Hopper's bandwidth efficiency from an independent source: what a pure streaming kernel gets out of each chip's
/// memory (published microbenchmarks, Fixtures/latency/stream_bandwidth.json) times what gpt-fast's decode kernels
/// get out of a streaming kernel's share on the A100, where the calibration set measures both:
///
///   efficiency(chip) = decode efficiency(A100) × stream fraction(chip) ÷ stream fraction(A100),
///
/// each ratio taken within one benchmark (one code, one author, one method): the copy-engine copy of CUDA's
/// p2pBandwidthLatencyTest for the H100 SXM (no SM-kernel figure for the SXM card was found; gpu-stream's GH200, the
/// same H100 die with HBM3, corroborates it), gpu-stream (te42kyfo/gpu-benches) for the rest. Chosen on these figures alone, then the hold-out was scored (LatencyHoldoutTests); its H100 rows
/// had been seen before the choice (round 3 found the H100 decode error they show), so they judge it, not set it.
final class StreamingEfficiencyTests: XCTestCase {
    struct Stream {
        var id: String, peak: Double
        var measured: [String: Double], fraction: [String: Double]
        var diagonal: [Double]
    }

    static func load() throws -> [String: Stream] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("latency/stream_bandwidth.json")))
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var out: [String: Stream] = [:]
        for r in rows {
            let id = try XCTUnwrap(r["id"] as? String)
            let m = try XCTUnwrap(r["measured_GBps"] as? [String: Any])
            var measured: [String: Double] = [:]
            var diagonal: [Double] = []
            for (k, v) in m {
                if let list = v as? [NSNumber] { diagonal = list.map(\.doubleValue) }
                else { measured[k] = try XCTUnwrap((v as? NSNumber)?.doubleValue, "\(id).\(k)") }
            }
            let f = try XCTUnwrap(r["fraction_of_peak"] as? [String: NSNumber], id).mapValues(\.doubleValue)
            out[id] = Stream(id: id, peak: try XCTUnwrap((r["peak_GBps"] as? NSNumber)?.doubleValue, id),
                             measured: measured, fraction: f, diagonal: diagonal)
        }
        return out
    }

    /// The fixture's fractions are its measured figures over the datasheet peak (to the 3 decimals written), and a
    /// copy row's median is the median of the eight diagonal entries it lists.
    func testFractionsAreTheMeasuredFiguresOverThePeak() throws {
        let streams = try Self.load()
        XCTAssertEqual(streams.count, 12)
        for s in streams.values {
            if !s.diagonal.isEmpty {
                XCTAssertEqual(s.diagonal.count, 8, s.id)
                let sorted = s.diagonal.sorted()
                let median = (sorted[3] + sorted[4]) / 2
                XCTAssertEqual(try XCTUnwrap(s.measured["copy_median"], s.id), median, accuracy: 0.05, s.id)
                XCTAssertEqual(try XCTUnwrap(s.fraction["copy"], s.id), median / s.peak, accuracy: 0.0005, s.id)
                continue
            }
            for (kernel, gbps) in s.measured {
                XCTAssertEqual(try XCTUnwrap(s.fraction[kernel], "\(s.id).\(kernel)"), gbps / s.peak, accuracy: 0.0005)
            }
        }
        // By hand: A100 SXM4 80GB copy, median of 1,536.38 and 1,540.93 = 1,538.66 GB/s of 2,039 = 0.755; H100 SXM
        // 2,499.63 and 2,503.38 → 2,501.5 of 3,350 = 0.747; H200 gpu-stream triad 3,534 of 4,800 = 0.736.
        XCTAssertEqual(streams["p2p-a100-sxm4-80"]?.fraction["copy"], 0.755)
        XCTAssertEqual(streams["p2p-h100-sxm-a"]?.fraction["copy"], 0.747)
        XCTAssertEqual(streams["gpustream2023-h200"]?.fraction["triad"], 0.736)
    }

    /// A chip's streaming fraction in gpu-stream: the best of its kernels that load (read, scale, triad) at full
    /// occupancy. The H200's read kernel is still rising there (too few bytes in flight for HBM3e), so the best
    /// loading kernel, not read alone, is what a streaming kernel can get.
    static func streamFraction(_ s: Stream) -> Double {
        ["read", "scale", "triad"].compactMap { s.fraction[$0] }.max() ?? 0
    }

    /// The efficiency that makes the model's batch-1 decode time equal a measurement, by bisection (the time falls
    /// as the efficiency rises).
    static func solveEfficiency(_ m: LatencyCalibrationTests.Measurement) throws -> Double {
        let spec = try Fixtures.model(try XCTUnwrap(LatencyCalibrationTests.models[m.model], m.model))
        var gpu = try XCTUnwrap(CalibrationGPUs.named(m.gpu), m.gpu)
        let r = LatencyCalibrationTests.request(m)
        var lo = 0.3, hi = 1.2
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            gpu.performance.bandwidthEfficiency = mid
            let t = try spec.latency(gpu: gpu, r).e2e / Double(m.output)
            if t > m.measured { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// gpt-fast's decode efficiency on the A100: solved per calibration row (batch-1 bf16 decode on one A100, no
    /// all-reduce, no dequantisation: Llama-2-7B 104.9 tok/s, Llama-3.1-8B 93.89), their geometric mean. It is
    /// below the preset's 0.87, which TensorRT-LLM's Mixtral TTFT holds up (stdlib/latency.kv).
    static func a100DecodeEfficiency() throws -> Double {
        let rows = try LatencyCalibrationTests.load().filter {
            $0.kind == "a" && $0.gpu == "A100-SXM-80GB" && $0.tp == 1 && $0.dtype == .bf16
        }
        XCTAssertEqual(rows.map(\.id).sorted(), ["gptfast-llama2-7b-bf16-a100-tp1", "gptfast-llama31-8b-bf16-a100-tp1"])
        let logs = try rows.map { log(try solveEfficiency($0)) }
        return exp(logs.reduce(0, +) / Double(logs.count))
    }

    /// The derivation, and the presets that follow it (CalibrationGPUs mirrors stdlib/gpus.kv).
    func testHopperEfficienciesFollowTheMicrobenchmarks() throws {
        let s = try Self.load()
        let a100 = try Self.a100DecodeEfficiency()
        XCTAssertEqual(a100, 0.85, accuracy: 0.005)
        // H100 SXM: copy engine, 0.747 against the A100's 0.755 (the same sample, both 8-GPU HGX boards).
        let h100Ratio = try XCTUnwrap(s["p2p-h100-sxm-a"]?.fraction["copy"]) / XCTUnwrap(s["p2p-a100-sxm4-80"]?.fraction["copy"])
        XCTAssertEqual(h100Ratio, 0.989, accuracy: 0.001)
        // H200: gpu-stream, 0.736 (triad) against the A100 80GB's 0.868 (read) in the same 2023 code.
        let h200Ratio = Self.streamFraction(try XCTUnwrap(s["gpustream2023-h200"]))
            / Self.streamFraction(try XCTUnwrap(s["gpustream2023-a100-80"]))
        XCTAssertEqual(h200Ratio, 0.848, accuracy: 0.001)
        let h100 = (a100 * h100Ratio * 100).rounded() / 100, h200 = (a100 * h200Ratio * 100).rounded() / 100
        XCTAssertEqual(h100, 0.84)
        XCTAssertEqual(h200, 0.72)
        // Corroboration for the H100 SXM in SM kernels: the GH200 480GB's H100 with HBM3 (4 TB/s) streams at 0.946
        // in gpu-stream's triad against the A100 80GB's 0.880 in the same code: at or above the A100's fraction,
        // as the copy engine says (capped at 1 it gives 0.85, the copy figure 0.84).
        let gh200Ratio = Self.streamFraction(try XCTUnwrap(s["gpustream2025-gh200"]))
            / Self.streamFraction(try XCTUnwrap(s["gpustream2025-a100-80"]))
        XCTAssertEqual(gh200Ratio, 1.075, accuracy: 0.001)
        XCTAssertEqual(a100 * min(1, gh200Ratio), h100, accuracy: 0.01)
        XCTAssertEqual(CalibrationGPUs.h100.performance.bandwidthEfficiency, h100)
        XCTAssertEqual(CalibrationGPUs.h200.performance.bandwidthEfficiency, h200)
        if ProcessInfo.processInfo.environment["KVCALC_PRINT_CALIBRATION"] != nil {
            print(String(format: "A100 decode %.4f | H100 ratio %.4f → %.4f | H200 ratio %.4f → %.4f",
                         a100, h100Ratio, a100 * h100Ratio, h200Ratio, a100 * h200Ratio))
        }
    }

    /// What the same rule says for the other chips with a microbenchmark. How much the H200's figure hangs on the
    /// kernel: its read, scale and init against the A100's in the same 2023 code give 0.56, 0.66 and 0.75 (read is
    /// still rising at full occupancy, init does not read); the best loading kernel, the rule, gives 0.72.
    /// - H100 PCIe (HBM2e; no measurement of its own): 0.952 ÷ 0.868 → 0.93, applied capped at a ratio of 1: 0.85.
    ///   Above the A100's own stream fraction no decode measurement shows gpt-fast-class kernels following the
    ///   stream.
    /// - MI250X (as the MI210, the same die and HBM2e): 0.836 ÷ 0.880 → 0.80, where gpt-fast's own MI250X decode
    ///   fits 0.70: on ROCm the rule overshoots, so it is not applied there, nor to the MI300X (0.792 ÷ 0.880 →
    ///   0.76; the preset keeps the default 0.70).
    /// - L40S (as the L40, the same GDDR6): 0.978 ÷ 0.880 → 0.94 (capped 0.85), not applied: its own TensorRT-LLM
    ///   FP8 TTFT rows fit 0.70, and no L40S decode is measured.
    func testOtherChipsRuleIsRecorded() throws {
        let s = try Self.load()
        let a100 = try Self.a100DecodeEfficiency()
        func derived(_ id: String, _ ref: String) throws -> Double {
            (a100 * Self.streamFraction(try XCTUnwrap(s[id])) / Self.streamFraction(try XCTUnwrap(s[ref])) * 100).rounded() / 100
        }
        XCTAssertEqual(try derived("gpustream2025-mi210", "gpustream2025-a100-80"), 0.80)
        XCTAssertEqual(try derived("gpustream2025-l40", "gpustream2025-a100-80"), 0.94)
        XCTAssertEqual(try derived("gpustream2025-mi300x", "gpustream2025-a100-80"), 0.76)
        XCTAssertEqual(try derived("gpustream2023-h100pcie", "gpustream2023-a100-80"), 0.93)
        XCTAssertEqual((a100 * 100).rounded() / 100, 0.85, "H100 PCIe, the ratio capped at 1")
        XCTAssertEqual(CalibrationGPUs.l40s.performance.bandwidthEfficiency, 0.70)
        XCTAssertEqual(CalibrationGPUs.mi250xGCD.performance.bandwidthEfficiency, 0.70)
    }
}
