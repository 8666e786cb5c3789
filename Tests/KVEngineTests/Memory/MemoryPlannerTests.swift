import XCTest
@testable import KVEngine

/// MemoryPlanner (the model-only half of memory(), kept across a sweep) against the engine's separate walks:
/// `kvCache(…)` and `activation(…)` compute the same figures their own way, stage by stage and phase by phase.
final class MemoryPlannerTests: XCTestCase {
    /// A planner reused across a sweep gives, at every point, the KV cache and activation of the standalone
    /// functions (one stage, so the plan's stage is theirs), for dense, sliding-window, MoE and MLA models.
    func testReusedPlannerMatchesTheStandaloneWalks() throws {
        let cases: [(String, MemoryOptions)] = [
            ("llama-2-7b", MemoryOptions()), ("llama-3-8b", MemoryOptions(kvDtype: .fp8, tp: 2)),
            ("gemma-2-9b", MemoryOptions()), ("mixtral-8x7b", MemoryOptions(tp: 2, ep: 2)),
            ("deepseek-v2-lite", MemoryOptions(logits: .all)), ("qwen1.5-moe-a2.7b", MemoryOptions(dtype: .fp8)),
        ]
        for (name, o) in cases {
            let m = try Fixtures.model(name)
            let planner = try MemoryPlanner(model: m, options: o)
            // Sequence lengths on both sides of Gemma-2's 4096-token window.
            for (batch, seq) in [(1, 2048), (3, 4096), (8, 8192), (2, 100)] {
                let p = try planner.plan(gpu: h100, batch: batch, seq: seq)
                let kv = try m.kvCache(batch: batch, seq: seq, kvDtype: o.cacheDType, tp: o.tp, pp: o.pp)
                let a = try m.activation(batch: batch, seq: seq, dtype: o.computeDType, logits: o.logits, tp: o.tp,
                                         ep: o.ep)
                XCTAssertEqual(p.kvCache, kv.bytes, "\(name) \(batch)×\(seq)")
                XCTAssertEqual(p.activation, a.bytes, "\(name) \(batch)×\(seq)")
                XCTAssertEqual(p.weights, try m.weights(options: o).bytes, "\(name)")
                XCTAssertEqual(p.total, p.weights + p.kvCache + p.activation)
            }
        }
    }

    /// Llama-2-7B at batch 1 × 2048 (MemoryPlanTests: 13,476,831,232 + 1,073,741,824 + 203,423,744), then at
    /// batch 2 from the same planner: KV doubles to 2,147,483,648; the MLP phase's per-sequence bytes
    /// (4·4096 + 3·11008)·2·2048 = 202,375,168 double and the cos/sin 1,048,576 do not: 405,798,912.
    func testSweepPointsByHand() throws {
        let planner = try MemoryPlanner(model: try Fixtures.model("llama-2-7b"), options: MemoryOptions())
        let one = try planner.plan(gpu: h100, batch: 1, seq: 2048)
        XCTAssertEqual(one.total, 14_753_996_800)
        let two = try planner.plan(gpu: h100, batch: 2, seq: 2048)
        XCTAssertEqual(two.kvCache, 2_147_483_648)
        XCTAssertEqual(two.activation, 405_798_912)
        XCTAssertEqual(two.total, 13_476_831_232 + 2_147_483_648 + 405_798_912)
    }

    /// Under pipeline parallelism the plan reports the stage with the largest total; each stage's KV is its own
    /// layers' share. Llama-2-7B's 32 layers in 3 stages: 11, 11, 10 (vLLM's remainder goes before the last).
    func testPipelineStagesAreTheStandaloneOnes() throws {
        let m = try Fixtures.model("llama-2-7b")
        let o = MemoryOptions(pp: 3)
        let p = try MemoryPlanner(model: m, options: o).plan(gpu: h100, batch: 4, seq: 1024)
        let kv = try m.kvCache(batch: 4, seq: 1024, tp: 1, pp: 3)
        // Each layer caches 4 × 1024 tokens × 2 (K and V) × 4096 × 2 B = 67,108,864 B.
        let perLayer: Double = 67_108_864
        XCTAssertEqual(kv.stageBytes, [11 * perLayer, 11 * perLayer, 10 * perLayer])
        XCTAssertEqual(p.kvCache, kv.stageBytes[p.stage])
        XCTAssertEqual(p.weights, try m.weights(options: o).stageBytes[p.stage])
        XCTAssertEqual(p, try m.memory(gpu: h100, batch: 4, seq: 1024, options: o))
    }

    /// Errors come as memory() always gave them: the split's from init, batch and seq from plan, every time.
    func testErrorsInTheirOrder() throws {
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertThrowsError(try MemoryPlanner(model: m, options: MemoryOptions(tp: 3))) { e in
            XCTAssertEqual((e as? EngineError)?.argument, "tp")
        }
        let planner = try MemoryPlanner(model: m, options: MemoryOptions())
        for _ in 0..<2 {
            XCTAssertThrowsError(try planner.plan(gpu: h100, batch: 0, seq: 2048)) { e in
                XCTAssertEqual((e as? EngineError)?.argument, "batch")
            }
        }
        XCTAssertThrowsError(try planner.plan(gpu: h100, batch: 1, seq: -1)) { e in
            XCTAssertEqual((e as? EngineError)?.argument, "seq")
        }
        XCTAssertThrowsError(try planner.plan(gpu: h100, batch: Int.max / 2, seq: 4)) { e in
            XCTAssertEqual((e as? EngineError)?.message, "batch × seq overflows")
        }
        XCTAssertThrowsError(try planner.plan(gpu: Accelerator(name: "none", capacity: 0), batch: 1, seq: 1))
        // The plan itself still answers after the errors.
        XCTAssertEqual(try planner.plan(gpu: h100, batch: 1, seq: 2048).total, 14_753_996_800)
    }
}
