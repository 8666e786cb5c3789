import KVEngine
import XCTest

/// ModelSpec.validate(): every count in range and consistent, each error naming the field as the caller spells it.
final class ModelValidationTests: XCTestCase {
    let base = ModelSpec(name: "m", layers: 4, hidden: 64, heads: 8, kvHeads: 2, intermediate: 128, vocab: 100)

    private func field(_ spec: ModelSpec, _ naming: FieldNaming = .record) -> String? {
        do { try spec.validate(naming: naming); return nil } catch { return (error as? EngineError)?.argument ?? "?" }
    }

    func testValidSpecPasses() {
        XCTAssertNil(field(base))
        var moe = base
        moe.moe = MoESpec(experts: 8, expertsPerToken: 2, intermediate: 32, sharedExperts: 1, sharedIntermediate: 32,
                          firstDenseLayers: 4, denseLayers: [0, 3])
        XCTAssertNil(field(moe))  // first_dense_layers may equal layers: a dense model in MoE clothing
    }

    func testEachFieldOutOfRange() {
        var cases: [(String, String, ModelSpec)] = []
        func add(_ record: String, _ hf: String, _ change: (inout ModelSpec) -> Void) {
            var s = base
            change(&s)
            cases.append((record, hf, s))
        }
        add("layers", "num_hidden_layers") { $0.layers = -1 }
        add("layers", "num_hidden_layers") { $0.layers = ModelSpec.maxLayers + 1 }
        add("kv_heads", "num_key_value_heads") { $0.kvHeads = 3 }  // does not divide 8 heads
        add("norms_per_layer", "norms_per_layer") { $0.normsPerLayer = -99_999_999 }
        add("mtp_layers", "num_nextn_predict_layers") { $0.mtpLayers = -1 }
        add("sliding_window", "sliding_window") { $0.slidingWindow = 0 }
        add("sliding_layers", "layer_types") { $0.slidingWindow = 16; $0.slidingLayers = [4] }
        add("sliding_layers", "layer_types") { $0.slidingWindow = 16; $0.slidingLayers = [-1] }
        add("experts_per_token", "num_experts_per_tok") { $0.moe = MoESpec(experts: 4, expertsPerToken: 5, intermediate: 8) }
        add("shared_experts", "n_shared_experts") {
            $0.moe = MoESpec(experts: 4, expertsPerToken: 2, intermediate: 8, sharedExperts: -1)
        }
        add("first_dense_layers", "first_k_dense_replace") {
            $0.moe = MoESpec(experts: 4, expertsPerToken: 2, intermediate: 8, firstDenseLayers: 5)
        }
        add("dense_layers", "mlp_only_layers") {
            $0.moe = MoESpec(experts: 4, expertsPerToken: 2, intermediate: 8, denseLayers: [7])
        }
        add("final_logit_softcap", "final_logit_softcapping") { $0.finalLogitSoftcap = -.infinity }
        for (record, hf, spec) in cases {
            XCTAssertEqual(field(spec, .record), record)
            XCTAssertEqual(field(spec, .huggingFace), hf)
        }
    }

    /// Layer counts per stage come from one pass: a pipeline of as many stages as layers stays linear.
    func testManyStagesManyListedLayersStayFast() throws {
        var m = base
        m.layers = 50_000
        m.slidingWindow = 512
        m.slidingLayers = Array(stride(from: 0, to: 50_000, by: 2))
        m.moe = MoESpec(experts: 4, expertsPerToken: 2, intermediate: 8, denseLayers: Array(stride(from: 1, to: 50_000, by: 2)))
        let start = Date()
        let kv = try m.kvCache(batch: 1, seq: 1024, pp: 50_000)
        let w = try m.weights(pp: 25_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        // One layer per stage: the largest holds one full-attention layer, 2 × 2 × 8 × 2 B × 1024 tokens.
        XCTAssertEqual(kv.bytes, 2 * 2 * 8 * 2 * 1024)
        XCTAssertEqual(w.stageBytes.count, 25_000)
    }
}

/// min_devices bisects the pipeline depth; it must agree with trying every depth in turn.
final class MinDevicesSearchTests: XCTestCase {
    func testBisectionMatchesLinearScan() throws {
        let models = [
            ModelSpec(name: "dense", layers: 37, hidden: 256, heads: 2, intermediate: 1024, vocab: 5000),
            ModelSpec(name: "sliding", layers: 30, hidden: 256, heads: 2, intermediate: 512, vocab: 32000,
                      slidingWindow: 64, slidingLayers: Array(stride(from: 0, to: 30, by: 2))),
            ModelSpec(name: "moe", layers: 23, hidden: 128, heads: 2, intermediate: 512, vocab: 1000,
                      moe: MoESpec(experts: 8, expertsPerToken: 2, intermediate: 256, firstDenseLayers: 3)),
        ]
        var pipelined = 0
        for m in models {
            let whole = try m.memory(gpu: Accelerator(name: "big", capacity: 1e15), batch: 4, seq: 256).total
            // Capacities from "needs the deepest pipeline" to "fits on tp alone".
            for share in stride(from: 0.02, through: 0.6, by: 0.02) {
                let gpu = Accelerator(name: "g", capacity: whole * share)
                let found = try? m.minDevices(gpu: gpu, batch: 4, seq: 256)
                // Reference: the same tp, then pp = 2, 3, … until it fits.
                var reference: Int?
                if let f = found, f.pp > 1 {
                    for pp in 2...m.layers where reference == nil {
                        if try m.memory(gpu: gpu, batch: 4, seq: 256, options: MemoryOptions(tp: f.tp, pp: pp)).fits {
                            reference = pp
                        }
                    }
                    XCTAssertEqual(f.pp, reference, "\(m.name) at \(share)")
                    pipelined += 1
                    XCTAssertEqual(f.devices, f.tp * f.pp)
                } else if found == nil {
                    let deepest = try m.memory(gpu: gpu, batch: 4, seq: 256, options: MemoryOptions(tp: 2, pp: m.layers))
                    XCTAssertFalse(deepest.fits, "\(m.name) at \(share): fits at the deepest pipeline but none found")
                }
            }
        }
        XCTAssertGreaterThan(pipelined, 20, "the capacities should mostly need pipeline stages")
    }

    func testSearchLimitIsAnError() throws {
        let m = ModelSpec(name: "tiny", layers: 1, hidden: 8, heads: 1, intermediate: 8, vocab: 10)
        XCTAssertThrowsError(try m.maxBatch(gpu: Accelerator(name: "huge", capacity: 1e30), seq: 1)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "gpu")
            XCTAssertTrue(($0 as? EngineError)?.message.hasPrefix("more than 1099511627776 sequences") ?? false)
        }
        // Just under the limit is an answer: 1 token of this model is 2 × 1 × 8 × 2 B = 32 B of KV cache.
        let w = try m.weights().bytes
        let fits = try m.maxBatch(gpu: Accelerator(name: "exact", capacity: w + 1000 * 32 + 4096), seq: 1)
        XCTAssertGreaterThan(fits, 100)
        XCTAssertLessThan(fits, 1000)
    }
}
