import Foundation
import XCTest
@testable import KVEngine

/// The derived activation model against every point of Fixtures/activation-h100.json (copied from
/// shared/measurements: H100 80GB HBM3, transformers 5.17.0, torch 2.11, bf16, sdpa, random weights;
/// `transient_peak` = max_memory_allocated during the prefill − memory before − the returned KV cache).
final class ActivationTests: XCTestCase {
    struct Point { var model: String; var batch: Int; var seq: Int; var keep: Int; var measured: Double }

    static let fixtureModels = ["llama-2-7b": "llama-2-7b", "qwen2.5-0.5b": "qwen2.5-0.5b"]

    func measurements() throws -> [Point] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("activation-h100.json")))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let models = try XCTUnwrap(root["models"] as? [String: Any])
        var points: [Point] = []
        for (name, value) in models {
            let entry = try XCTUnwrap(value as? [String: Any])
            for p in try XCTUnwrap(entry["prefill"] as? [[String: Any]]) {
                points.append(Point(model: name, batch: try XCTUnwrap(p["batch"] as? Int), seq: try XCTUnwrap(p["seq"] as? Int),
                                    keep: try XCTUnwrap(p["logits_to_keep"] as? Int),
                                    measured: try XCTUnwrap(p["transient_peak"] as? Double)))
            }
        }
        return points
    }

    func testEveryMeasuredPointWithin25Percent() throws {
        let points = try measurements()
        XCTAssertEqual(points.count, 32)
        var worst = 0.0
        for p in points {
            let model = try Fixtures.model(try XCTUnwrap(Self.fixtureModels[p.model]))
            let predicted = try model.activation(batch: p.batch, seq: p.seq, logits: p.keep == 1 ? .last : .all).bytes
            let error = predicted / p.measured - 1
            worst = max(worst, abs(error))
            XCTAssertLessThan(abs(error), 0.25, "\(p.model) b\(p.batch) s\(p.seq) keep \(p.keep): \(predicted) vs \(p.measured)")
        }
        print("activation model: worst relative error \(worst) over \(points.count) measured points")
        XCTAssertLessThan(worst, 0.06)  // what the derivation achieves today; a regression guard
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
        // Mixtral, 1 × 4096: the busiest expert gets ⌈4096·2/8⌉ = 1024 tokens × (4096 + 4·14336) · 2 B.
        let mix = try Fixtures.model("mixtral-8x7b").activation(batch: 1, seq: 4096)
        let moe = try XCTUnwrap(mix.phases.first { $0.name == "moe experts" })
        let carried: Double = 2 * 4096 * 2 * 4096 + 2 * 4096 * 128 * 2
        let perToken: Double = 3 * 4096 * 2 + 2 * 8 * 4 + 2 * 12 + 9 * 2 * 8
        let busiest: Double = 1024 * (4096 + 4 * 14336) * 2
        XCTAssertEqual(moe.bytes, carried + perToken * 4096 + busiest)
        // DeepSeek-V3: MLA's decompressed heads make attention the peak, not the 2048-wide experts.
        let ds = try Fixtures.model("deepseek-v3").activation(batch: 1, seq: 4096)
        XCTAssertEqual(ds.peakPhase, "attention")
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
