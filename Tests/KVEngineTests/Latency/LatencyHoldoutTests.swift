import Foundation
import XCTest
@testable import KVEngine

/// latency() against published measurements that were NOT used to fit it (Fixtures/latency/holdout.json): gpt-fast
/// rows calibration.json leaves out (int8/int4 at tp 8, Llama-3.1-405B, Mixtral int8, MI250X int8), lmdeploy
/// 0.1's TurboMind (another engine: decode and TTFT on A100), TensorRT-LLM 0.8's TTFT at tp 8, and batch-1 decode
/// on H100, which the calibration set lacks: torchao's Llama-3.1-8B table (gpt-fast's loop; bf16, int8, int4,
/// float8) and NVIDIA NIM 1.8.0's Llama-3.3-70B fp8 at tp 2 (inter-token latency and TTFT); and torchao's A100
/// table (Llama-2-7B, Llama-3-8B; bf16, int8, int4). The defaults are
/// the calibrated ones, unchanged. The tolerances: decode time per token ±15 %, TTFT ±30 %; the misses are
/// listed below with the reason, each held to its own bound so that a change that moves them is seen.
///
/// Scored first on the model as it stood (no change made for it): decode 13 of 15 within ±15 % (misses: 405B
/// int8 −31 %, MI250X int8 +37 %), TTFT 8 of 11 within ±30 % (once written "14 of 16, 7 of 10": miscounted).
/// The MI250X miss showed a 1-token step computing as a GEMM padded to 54 tokens; the GEMV floor (LatencyConstants.gemvEfficiencyFloor, from datasheet ratios, not
/// fitted) fixed that and brought it to −9 %, and uncovered that gpt-fast's int4 had been right only through the
/// same padding: Llama-2-70B int4 went from +5 % to −22 %. Same count either way; nothing here was refitted.
/// That int4 miss was mostly a misreading of the rows, not the model: gpt-fast's int4 stores a 16-bit scale and
/// zero point per group of 32 (0.625 B a weight, as its own printed bandwidth ÷ tokens/s shows), and the rows had
/// been scored with kvcalc's scale-only int4 (0.5625). Read as printed (dtype int4_g32_sz) they are −5 %, −15 %
/// and −10 % (were −10 %, −22 %, −13 %); the model did not change.
///
/// The ten H100 rows, added later, were scored on the model as it stood (nothing changed for them): TTFT 2 of 2,
/// decode 4 of 8 within tolerance. They show a systematic error: on H100 the model's batch-1 decode is slow —
/// bf16 +12 %, int8 weight-only +25 %, NIM's fp8 inter-token latency +19 % and +22 % — where on A100 it is not.
/// Hopper's bandwidth efficiency (0.65) was fitted on TTFT rows only (no H100 decode in the calibration set) and
/// the per-layer overhead (59 µs) and weight-only factor (0.84) on gpt-fast's A100; the calibration set's own
/// H100/H200 static-batch 2048 → 2048 throughput rows lean the same way (model slow by 25 % and 17 %). A higher
/// Hopper bandwidth efficiency would fix most of it (0.72 / 0.78: NIM's inter-token latency +13 / +7 %, torchao
/// bf16 +3 / −3 %) but sends torchao's per-row fp8 from −14 to −19 / −23 % and the H200 128 → 128 throughput row
/// from +12 to +16 / +19 %; the calibration set cannot choose it, so it stays 0.65 and the error is stated.
///
/// One change then, chosen from physics, its constant from the calibration set: weight-only kernels were a
/// factor on the bandwidth (0.84, fitted on gpt-fast's A100 int8); they are now a dequantisation cost per weight
/// element at the chip's vector rate (LatencyConstants.dequantOpsPerWeight, 2.1 ops: the same time on A100, the
/// calibration int8 rows moving by 1.5 % at most). An int4 byte holds two weights to dequantise; H100's vector
/// units are 3.2× the A100's for 1.6× its bandwidth; one MI250X GCD's vector rate is 0.3× for 0.8×. Before →
/// after: gpt-fast int4 Llama-2-7B −5.1 → −0.5 %, Llama-2-70B −14.5 → −7.7 %, tp 8 −9.9 → −6.8 %; MI250X int8
/// −8.7 → +3.0 %; torchao H100 int8 +25.1 → +15.9 %, int4 +11.6 → +6.8 %, float8 weight-only +12.3 → +4.0 %;
/// every other row within 0.4 %. Decode on the H100 rows: 5 of 8 within ±15 % (was 4).
///
/// Six more rows came after that change: torchao's A100 table (Llama-2-7B and Llama-3-8B in bf16, int8 and int4
/// at group 64), scored on the model before and after it: bf16 +0.7 %, −0.9 % either way; int8 +10.2, +11.6 →
/// +9.7, +9.9 %; int4 −8.4, −5.1 → −2.8, −1.2 %. The whole set then: decode 24 of 29 within ±15 %, TTFT 10 of 13
/// within ±30 %.
///
/// Round 4: Hopper's bandwidth efficiency chosen from memory microbenchmarks alone (StreamingEfficiencyTests:
/// H100 SXM 0.65 → 0.84, H200 0.65 → 0.72), then this set scored before → after, every other row unchanged:
/// torchao Llama-3.1-8B on H100 bf16 +11.6 → −8.2 %, int8 +15.9 → −0.7 %, int4 +6.8 → −5.7 %, float8 weight-only
/// +4.0 → −10.9 %, float8 per-row −13.6 → −26.5 %, per-tensor −35.0 → −44.7 %; NIM's inter-token latency +21.9 →
/// +2.0 % and +19.0 → −0.4 % (its TTFT +0.9, +4.1 % either way); TensorRT-LLM 0.8's H100 tp-8 TTFT at 128 tokens
/// −13.6 → −19.0 % (H200 rows: compute-bound, unchanged). Contamination: these H100 rows were seen before the
/// choice (round 3 found the error they show), so they did not set it; the microbenchmarks did. Now decode 26 of
/// 29 within ±15 % (H100 6 of 8, was 4), TTFT 10 of 13 within ±30 %; the misses below.
final class LatencyHoldoutTests: XCTestCase {
    /// Known misses: id → the bound it is held to, and why it is off.
    ///
    /// - Llama-3.1-405B int8 at tp 8 (−31 %): gpt-fast streams its 52.3 GB per rank (printed bandwidth 815.87 GB/s ÷
    ///   15.60 tok/s) at 0.82 TB/s where the same int8 kernel streams Llama-2-70B at 1.32 TB/s on one GPU; no term
    ///   of the model differs between them. Checked: its 126 layers' overhead (7.4 ms) and all-reduces (2.5 ms) are
    ///   counted, and at tp 8 they are pinned by the 70B rows (int8 −3 %, −8 %; bf16 0 %, −6 %): to close 20 ms
    ///   they would need 160 µs more a layer, which would put those rows 13 ms slow; gpt-fast's int8 lm_head,
    ///   128,256 × 16,384 replicated on every rank (2.1 GB against the model's 0.5), is 1.1 ms; memory (57 GB a
    ///   rank with the 16-bit embedding) is below what Llama-2-70B int8 holds on one GPU. Round 4: the bytes are
    ///   right (testLlama405BStreamsTheBytesGptFastPrinted: the model's 50.74 GB a rank is gpt-fast's printed 52.30
    ///   less its replicated int8 lm_head plus the model's sharded 16-bit one); the rope table gpt-fast builds for
    ///   block_size 131,072 (34 MB) is indexed at one position a step and the KV cache at 208 positions is 13 MB a
    ///   rank, neither streamed in bulk; the row came from PR #199 (2024-09-04), nine days before the same
    ///   author's Llama-3.1-70B rows (PR #200), which the model meets (int8 tp 8 −8 %), under the same machine
    ///   heading. Taking the 70B int8 tp-8 row's fixed costs (78 µs a layer: overhead and two all-reduces) out of
    ///   each, Llama-2-70B streams its 9.35 GB a rank at 1.51 TB/s, the 405B its 52.30 GB at 0.96: the same kernel
    ///   0.64× as fast on the larger shapes (hidden 16,384, 6,656 of the MLP a rank). Still unexplained.
    /// - lmdeploy 0.1's TTFT at 128 prompt tokens (−32 %, −34 %, −44 %): 22 ms for Llama-2-7B where TensorRT-LLM
    ///   0.9 takes 16.2 ms on the same GPU (calibration.json), while its 2048-token rows agree within 12 %: a fixed
    ///   cost of that engine's short prefill (its 1-token first token already takes 11 ms, a decode step and more)
    ///   that no roofline knows.
    /// - torchao's float8 dynamic quantization of Llama-3.1-8B on H100, per row (−26.5 %) and per tensor (−44.7 %),
    ///   the model fast: it streams the same fp8 bytes as torchao's float8 weight-only row (178.46 tok/s, −10.9 %
    ///   here) and computes on FP8 tensor cores, but torchao quantizes each activation before each of the 7 linears
    ///   of every layer (224 a token): 1.72 ms a token more than the model per row, 7.7 µs a linear; 3.84 ms per
    ///   tensor, 17 µs (an amax reduction over the whole tensor first). Kernels the roofline cannot see. These two
    ///   moved from −14 / −35 % when Hopper's bandwidth efficiency went from 0.65 to 0.84 (StreamingEfficiencyTests).
    static let misses: [String: Double] = [
        "torchao-llama31-8b-float8dq-row-h100": 0.30,
        "torchao-llama31-8b-float8dq-tensor-h100": 0.50,
        "gptfast-llama31-405b-int8wo-a100-tp8": 0.35,
        "lmdeploy010-llama2-7b-fp16-a100-tp1-ttft-128": 0.40,
        "lmdeploy010-llama2-13b-fp16-a100-tp1-ttft-128": 0.40,
        "lmdeploy010-llama2-70b-fp16-a100-tp4-ttft-128": 0.50,
    ]

    static func load() throws -> [LatencyCalibrationTests.Measurement] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("latency/holdout.json")))
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return try rows.map { r in
            let kind = try XCTUnwrap(r["kind"] as? String)
            let m = try XCTUnwrap(r["measured"] as? [String: Any])
            let value: Double
            switch kind {
            case "a": value = 1 / (try XCTUnwrap(m["tokens_per_s"] as? Double))
            case "tpot": value = (try XCTUnwrap(m["itl_ms"] as? Double)) / 1000
            default: value = (try XCTUnwrap(m["first_token_latency_ms"] as? Double)) / 1000
            }
            let dtypeName = try XCTUnwrap(r["dtype"] as? String)
            let dtype = dtypeName.hasPrefix("int4_g") ? try Self.int4(dtypeName) : try DType.named(dtypeName)
            return LatencyCalibrationTests.Measurement(
                id: try XCTUnwrap(r["id"] as? String), kind: kind, model: try XCTUnwrap(r["model"] as? String),
                gpu: try XCTUnwrap(r["gpu"] as? String), tp: try XCTUnwrap(r["tp"] as? Int),
                batch: try XCTUnwrap(r["batch"] as? Int), input: try XCTUnwrap(r["input"] as? Int),
                output: try XCTUnwrap(r["output"] as? Int), dtype: dtype, measured: value,
                bandwidth: (m["memory_bandwidth_GBps"] as? NSNumber)?.doubleValue)
        }
    }

    /// "int4_g32": kvcalc's int4 with one 16-bit scale per 32 weights; "int4_g32_sz": a 16-bit scale and a 16-bit
    /// zero point per group (tinygemm's layout, gpt-fast's and torchao's int4), 0.5 + 4/32 B per weight.
    static func int4(_ name: String) throws -> DType {
        let rest = name.dropFirst("int4_g".count)
        let zeros = rest.hasSuffix("_sz")
        guard let group = Int(zeros ? rest.dropLast(3) : rest) else {
            throw EngineError("unknown int4 variant \"\(name)\" (int4_g<N> or int4_g<N>_sz)", argument: "dtype")
        }
        var d = DType.int4(groupSize: group)
        if zeros {
            d.name += "+zero"
            d.scaleBytes = 4
        }
        return d
    }

    /// The int4 rows' dtype is what the engine streamed: at tp 1 the model's weight bytes per token are within 2 %
    /// of the source's own printout (bandwidth ÷ tokens/s: 4.38 GB for Llama-2-7B, 43.47 GB for Llama-2-70B, which
    /// counts the 16-bit embedding the model skips and an int4 lm_head the model reads at 16 bits). torchao
    /// (Llama-3.1-8B 4.22 GB, Llama-2-7B 3.74, Llama-3-8B 4.22) quantizes lm_head too: the model reads it at 2 B.
    func testInt4RowsStreamTheBytesTheSourcePrinted() throws {
        let rows = try Self.load().filter { $0.dtype.bits == 4 && $0.tp == 1 }
        XCTAssertEqual(rows.count, 5)
        for m in rows {
            let printed = try XCTUnwrap(m.bandwidth, m.id) * 1e9 * m.measured
            let spec = try Fixtures.model(m.model)
            var r = LatencyRequest()
            r.input = m.input
            r.output = 2
            r.dtype = m.dtype
            let bytes = try XCTUnwrap(try spec.latency(gpu: CalibrationGPUs.a100, r).firstDecodeStep).weightBytes
            let lmHead = Double(spec.vocab) * Double(spec.hidden)
            let expected = m.id.hasPrefix("torchao") ? printed + lmHead * (2 - m.dtype.bytes) : printed
            XCTAssertEqual(bytes / expected, 1, accuracy: 0.02, m.id)
        }
        // kvcalc's own int4 g32 (a scale only) is 10 % short of what gpt-fast printed for Llama-2-70B.
        XCTAssertEqual(DType.int4(groupSize: 32).bytes, 0.5625)
        XCTAssertEqual(try Self.int4("int4_g32_sz").bytes, 0.625)
        XCTAssertEqual(try Self.int4("int4_g64_sz").bytes, 0.5625)
        XCTAssertThrowsError(try Self.int4("int4_gx"))
    }

    /// gpt-fast's printed bytes for Llama-3.1-405B int8 at tp 8 (815.87 GB/s ÷ 15.60 tok/s = 52.30 GB a rank) hold
    /// its int8 lm_head replicated on every rank (128,256 × 16,384 × 1 B = 2.10 GB); the model shards a 16-bit one
    /// (× 2 B ÷ 8 = 0.53 GB). Less that, plus this, the two agree: the −31 % is not a byte count.
    func testLlama405BStreamsTheBytesGptFastPrinted() throws {
        let m = try XCTUnwrap(try Self.load().first { $0.id == "gptfast-llama31-405b-int8wo-a100-tp8" })
        let printed = try XCTUnwrap(m.bandwidth) * 1e9 * m.measured
        XCTAssertEqual(printed, 52.30e9, accuracy: 0.01e9)
        let spec = try Fixtures.model(m.model)
        var r = LatencyRequest()
        r.input = m.input
        r.output = 2
        r.tp = 8
        r.dtype = m.dtype
        let bytes = try XCTUnwrap(try spec.latency(gpu: CalibrationGPUs.a100, r).firstDecodeStep).weightBytes
        let lmHead = 128_256.0 * 16_384
        XCTAssertEqual(bytes / (printed - lmHead * 1 + lmHead * 2 / 8), 1, accuracy: 0.005)
    }

    func testHoldoutWithinTolerance() throws {
        let rows = try Self.load()
        XCTAssertEqual(rows.count, 42)
        let failures = try LatencyCalibrationTests.outsideTolerance(rows, exceptions: Self.misses) {
            try LatencyCalibrationTests.predict($0, modelName: $0.model)
        }
        XCTAssertEqual(failures, [], "outside tolerance")
    }

    /// The misses stay misses: were one to come within the tolerance, the model moved and the list above
    /// (and the README's count) must follow.
    func testMissesAreStillOff() throws {
        for m in try Self.load() where Self.misses[m.id] != nil {
            let error = try LatencyCalibrationTests.predict(m, modelName: m.model) / m.measured - 1
            XCTAssertGreaterThan(abs(error), LatencyCalibrationTests.tolerance(m.kind), m.id)
        }
    }
}
