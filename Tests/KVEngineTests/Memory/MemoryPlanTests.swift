import XCTest
@testable import KVEngine

/// H100 SXM as the device reports it: activation-h100.json "gpu_total_memory_bytes" = 85,017,493,504.
let h100 = Accelerator(name: "H100", capacity: 85_017_493_504, bandwidth: 3.35e12, bf16Flops: 989e12)

final class MemoryPlanTests: XCTestCase {
    func testPlanAddsUp() throws {
        // Llama-2-7B, 1 × 2048 on one H100: weights 13,476,831,232 + KV 1,073,741,824 + activation 203,423,744
        // (ActivationTests) = 14,753,996,800; free 70,263,496,704.
        let p = try Fixtures.model("llama-2-7b").memory(gpu: h100, batch: 1, seq: 2048)
        XCTAssertEqual(p.weights, 13_476_831_232)
        XCTAssertEqual(p.kvCache, 1_073_741_824)
        XCTAssertEqual(p.activation, 203_423_744)
        XCTAssertEqual(p.total, 14_753_996_800)
        XCTAssertEqual(p.free, 70_263_496_704)
        XCTAssertTrue(p.fits)
        XCTAssertEqual(p.utilization, 14_753_996_800 / 85_017_493_504)
    }

    func testRatioOption() throws {
        let p = try Fixtures.model("llama-2-7b").memory(gpu: h100, batch: 1, seq: 2048,
                                                         options: MemoryOptions(activationRatio: 0.1))
        XCTAssertEqual(p.activation, 1_347_683_123.2, accuracy: 1e-3)
    }

    func testMaxBatch() throws {
        // Per sequence of 2048: KV 1,073,741,824 + MLP phase (4·4096 + 3·11008)·2·2048 = 202,375,168;
        // fixed: weights 13,476,831,232 + cos/sin 1,048,576. (85,017,493,504 − 13,477,879,808) / 1,276,116,992
        // = 56.06 → 56.
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertEqual(try m.maxBatch(gpu: h100, seq: 2048), 56)
        XCTAssertTrue(try m.memory(gpu: h100, batch: 56, seq: 2048).fits)
        XCTAssertFalse(try m.memory(gpu: h100, batch: 57, seq: 2048).fits)
    }

    func testMaxSeq() throws {
        // Per token at batch 1: KV 524,288 + MLP 98,816 + cos/sin 512 = 623,616 B;
        // (85,017,493,504 − 13,476,831,232) / 623,616 = 114,719.09 → 114,719.
        XCTAssertEqual(try Fixtures.model("llama-2-7b").maxSeq(gpu: h100, batch: 1), 114_719)
    }

    func testNothingFits() throws {
        let tiny = Accelerator(name: "tiny", capacity: 1e9)
        XCTAssertEqual(try Fixtures.model("llama-2-7b").maxBatch(gpu: tiny, seq: 16), 0)
    }

    func testMinDevicesPrefersTensorParallel() throws {
        // Llama-2-7B, 32 × 4096: ~95 GB on one chip (KV alone 68.7 GB); at tp = 2 ~50 GB.
        let d = try Fixtures.model("llama-2-7b").minDevices(gpu: h100, batch: 32, seq: 4096)
        XCTAssertEqual(d.devices, 2)
        XCTAssertEqual(d.tp, 2)
        XCTAssertEqual(d.pp, 1)
    }

    func testMinDevicesFallsBackToPipeline() throws {
        // Qwen2.5-0.5B has 14 heads: tp stops at 2, so more chips come from pipeline stages.
        let m = try Fixtures.model("qwen2.5-0.5b")
        let tp2 = try m.memory(gpu: h100, batch: 1, seq: 512, options: MemoryOptions(tp: 2)).total
        let tp2pp2 = try m.memory(gpu: h100, batch: 1, seq: 512, options: MemoryOptions(tp: 2, pp: 2)).total
        XCTAssertLessThan(tp2pp2, tp2)
        let gpu = Accelerator(name: "small", capacity: tp2pp2 + 1)
        let d = try m.minDevices(gpu: gpu, batch: 1, seq: 512)
        XCTAssertEqual([d.tp, d.pp, d.devices], [2, 2, 4])
        XCTAssertThrowsError(try m.minDevices(gpu: Accelerator(name: "none", capacity: 1000), batch: 1, seq: 512)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "gpu")
        }
    }

    func testBadInput() throws {
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertThrowsError(try m.memory(gpu: h100, batch: -1, seq: 8)) { XCTAssertEqual(($0 as? EngineError)?.argument, "batch") }
        XCTAssertThrowsError(try m.memory(gpu: Accelerator(name: "x", capacity: 0), batch: 1, seq: 8)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "gpu")
        }
        XCTAssertThrowsError(try m.maxBatch(gpu: h100, seq: 0)) { XCTAssertEqual(($0 as? EngineError)?.argument, "seq") }
    }
}

final class ExplainTests: XCTestCase {
    func testRowsAddUpToThePlan() throws {
        let m = try Fixtures.model("gemma-2-9b")
        let e = try m.explain(gpu: h100, batch: 2, seq: 8192, options: MemoryOptions(tp: 2))
        let weights = e.rows.filter { $0.component == "weights" }.reduce(0) { $0 + $1.bytes }
        let kv = e.rows.filter { $0.component == "kv_cache" }.reduce(0) { $0 + $1.bytes }
        let peak = e.rows.filter { $0.component == "activation" }.map(\.bytes).max()
        XCTAssertEqual(weights, e.plan.weights, accuracy: 1)
        XCTAssertEqual(kv, e.plan.kvCache, accuracy: 1)
        XCTAssertEqual(peak, e.plan.activation)
        XCTAssertEqual(e.rows.last?.bytes, e.plan.total)
        // Gemma-2: 21 full + 21 sliding layers; the sliding rows cache only the 4096-token window.
        let slidingRow = try XCTUnwrap(e.rows.first { $0.item == "sliding-window layers" })
        XCTAssertEqual(slidingRow.factors.first { $0.name == "tokens" }?.value, 4096)
        XCTAssertEqual(slidingRow.factors.first { $0.name == "kv_heads/chip" }?.value, 4)
    }

    func testMoEKinds() throws {
        let e = try Fixtures.model("deepseek-v3").explain(gpu: h100, batch: 1, seq: 4096,
                                                          options: MemoryOptions(dtype: .fp8, tp: 8, pp: 2))
        XCTAssertTrue(e.rows.contains { $0.item == "experts (moe layers)" })
        XCTAssertTrue(e.rows.contains { $0.item == "MLA latent layers" })
    }
}
