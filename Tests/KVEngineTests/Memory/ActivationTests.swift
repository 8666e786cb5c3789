import Foundation
import XCTest
@testable import KVEngine

/// The derived activation model against every point of Fixtures/activation-h100.json (copied from
/// shared/measurements: H100 80GB HBM3, transformers 5.17.0, torch 2.11, bf16, sdpa, random weights;
/// `transient_peak` = max_memory_allocated during the prefill − memory before − the returned KV cache).
final class ActivationTests: XCTestCase {
    struct Point { var model: String; var batch: Int; var seq: Int; var keep: Int; var measured: Double }

    /// The prefill points of a measurement file, and each model's embedded config.
    func measurements(_ file: String) throws -> (points: [Point], configs: [String: [String: Any]]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file)))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let models = try XCTUnwrap(root["models"] as? [String: Any])
        var points: [Point] = []
        var configs: [String: [String: Any]] = [:]
        for (name, value) in models {
            let entry = try XCTUnwrap(value as? [String: Any])
            configs[name] = entry["config"] as? [String: Any]
            for p in try XCTUnwrap(entry["prefill"] as? [[String: Any]]) {
                points.append(Point(model: name, batch: try XCTUnwrap(p["batch"] as? Int), seq: try XCTUnwrap(p["seq"] as? Int),
                                    keep: try XCTUnwrap(p["logits_to_keep"] as? Int),
                                    measured: try XCTUnwrap(p["transient_peak"] as? Double)))
            }
        }
        return (points, configs)
    }

    /// Checks every point within ±25 % and returns the worst relative error.
    func worstError(_ points: [Point], model: (String) throws -> ModelSpec) throws -> Double {
        var worst = 0.0
        for p in points {
            let predicted = try model(p.model).activation(batch: p.batch, seq: p.seq, logits: p.keep == 1 ? .last : .all).bytes
            let error = predicted / p.measured - 1
            worst = max(worst, abs(error))
            XCTAssertLessThan(abs(error), 0.25, "\(p.model) b\(p.batch) s\(p.seq) keep \(p.keep): \(predicted) vs \(p.measured)")
        }
        return worst
    }

    /// Every point of Fixtures/activation-h100.json (copied from shared/measurements: H100 80GB HBM3, transformers
    /// 5.17.0, torch 2.11, bf16, sdpa, random weights; `transient_peak` = max_memory_allocated during the prefill
    /// − memory before − the returned KV cache).
    func testEveryH100PointWithin25Percent() throws {
        let (points, _) = try measurements("activation-h100.json")
        XCTAssertEqual(points.count, 32)
        let worst = try worstError(points) { try Fixtures.model($0) }  // fixture names match the file's
        print("activation model vs H100: worst relative error \(worst) over \(points.count) points")
        XCTAssertLessThan(worst, 0.06)  // what the derivation achieves today; a regression guard
    }

    /// Every point of Fixtures/activation-cpu-livebytes.json: the live tensor bytes of the same transformers
    /// forward, taken on the CPU (scripts/activation_livebytes.py; no GPU was lent) for MoE, MLA, qk-norm and
    /// sliding-window architectures the H100 file lacks.
    func testEveryCPULiveSetPointWithin25Percent() throws {
        let (points, configs) = try measurements("activation-cpu-livebytes.json")
        XCTAssertGreaterThanOrEqual(points.count, 20)
        let worst = try worstError(points) { name in
            let config = try XCTUnwrap(configs[name])
            return try ModelSpec(hfConfigJSON: try JSONSerialization.data(withJSONObject: config), name: name)
        }
        print("activation model vs CPU live sets: worst relative error \(worst) over \(points.count) points")
        XCTAssertLessThan(worst, 0.01)  // regression guard: the derivation follows these forwards tensor by tensor
    }

    func testSlidingMaskAndQwen2MoEMask() throws {
        // Mistral-7B at seq 4096 = its window: transformers builds a 4096 × 4096 bool mask (16,777,216 B) that
        // lives through every layer; below the window it does not.
        let m = try Fixtures.model("mistral-7b-v0.1")
        let at = try m.activation(batch: 1, seq: 4096).layerPeak
        let below = try m.activation(batch: 1, seq: 4095).layerPeak
        let mlp: Double = (4 * 4096 + 3 * 14336) * 2
        let perToken: Double = mlp + 2 * 128 * 2  // MLP phase and cos/sin, per token
        let maskBytes: Double = 4096 * 4096
        XCTAssertEqual(at - below, perToken + maskBytes)
    }

    func testGemmaSoftcapDoublesLogits() throws {
        // Gemma-2-9B, 1 × 1024, all logits: hidden 1024·3584·2 + two copies of 1024·256000·2 = 1,055,916,032.
        let a = try Fixtures.model("gemma-2-9b").activation(batch: 1, seq: 1024, logits: .all)
        XCTAssertEqual(a.logitsPeak, 1_055_916_032)
    }

    func testLlamaMLPPhaseByHand() throws {
        // Llama-2-7B, 1 × 2048 tokens, bf16: (4·4096 + 3·11008) · 2 B · 2048 = 202,375,168, plus cos/sin
        // 2 · 2048 · 128 · 2 = 1,048,576 → 203,423,744 (measured transient_peak: 206,602,240).
        let a = try Fixtures.model("llama-2-7b").activation(batch: 1, seq: 2048)
        XCTAssertEqual(a.peakPhase, "mlp")
        XCTAssertEqual(a.bytes, 203_423_744)
    }

    func testAllLogitsDominateSmallModels() throws {
        // Qwen2.5-0.5B, 16 × 2048, all logits: 32768 · (151936 + 896) · 2 = 10,015,997,952 (measured 10,016,260,096).
        let a = try Fixtures.model("qwen2.5-0.5b").activation(batch: 16, seq: 2048, logits: .all)
        XCTAssertEqual(a.peakPhase, "logits (all)")
        XCTAssertEqual(a.bytes, 10_015_997_952)
    }

    func testTensorParallelShrinksMLP() throws {
        // tp = 2 halves the intermediate: (4·4096 + 3·5504) · 2 · 2048 + 1,048,576 = 135,790,592.
        let a = try Fixtures.model("llama-2-7b").activation(batch: 1, seq: 2048, tp: 2)
        XCTAssertEqual(a.bytes, 135_790_592)
    }

    func testMoEAndMLADerivationsRun() throws {
        // Mixtral-8x7B, 1 × 4096, grouped_mm experts: carried 2·4096·2 B·4096 + cos/sin 2·4096·128·2 = 69,206,016;
        // per token: attention sum + normed 2·4096·2 = 16,384, top-2 fp32 weights + int64 ids 2·12 = 24, and per
        // pair (4096 + 4·14336)·2 + 24 = 122,904 → 16,408 + 245,808 = 262,216 B; × 4096 + 69,206,016.
        let mix = try Fixtures.model("mixtral-8x7b").activation(batch: 1, seq: 4096)
        let moe = try XCTUnwrap(mix.phases.first { $0.name == "moe experts (gate_up)" })
        XCTAssertEqual(moe.bytes, 262_216 * 4096 + 69_206_016)
        XCTAssertEqual(mix.peakPhase, "moe experts (gate_up)")
        // DeepSeek-V3: 8 routed pairs per token whose weighted outputs are fp32 and re-ordered (a copy):
        // 8 · 7168 · (2·2 + 2·4) = 688,128 B per token outweigh MLA's decompressed heads (~295 KB).
        let ds = try Fixtures.model("deepseek-v3").activation(batch: 1, seq: 4096)
        XCTAssertEqual(ds.peakPhase, "moe experts (combine)")
    }

    func testRatioAndBadInput() throws {
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertEqual(try m.activation(ratio: 0.1), 0.1 * 6_738_415_616 * 2)
        XCTAssertThrowsError(try m.activation(batch: 0, seq: 10)) { XCTAssertEqual(($0 as? EngineError)?.argument, "batch") }
        XCTAssertThrowsError(try m.activation(batch: 1, seq: -1)) { XCTAssertEqual(($0 as? EngineError)?.argument, "seq") }
        XCTAssertThrowsError(try m.activation(batch: 1, seq: 8, tp: 3)) { XCTAssertEqual(($0 as? EngineError)?.argument, "tp") }
        XCTAssertThrowsError(try m.activation(ratio: -1)) { XCTAssertEqual(($0 as? EngineError)?.argument, "ratio") }
        XCTAssertThrowsError(try Argument.positiveInteger(2.5, "batch")) { XCTAssertEqual(($0 as? EngineError)?.argument, "batch") }
    }
}
