import XCTest
@testable import KVEngine

/// Weight bytes per chip, each expected value worked out by hand in the comment.
final class WeightsTests: XCTestCase {
    func testDTypeBytes() throws {
        XCTAssertEqual(DType.fp32.bytes, 4)
        XCTAssertEqual(DType.bf16.bytes, 2)
        XCTAssertEqual(DType.fp8.bytes, 1)
        XCTAssertEqual(DType.int4.bytes, 0.515625)  // 4 bits + one fp16 scale per 128 weights: 0.5 + 2/128
        XCTAssertEqual(DType.int4(groupSize: 64).bytes, 0.53125)
        XCTAssertEqual(try DType.named("bfloat16"), .bf16)
        XCTAssertThrowsError(try DType.named("int3", argument: "kv_dtype")) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "kv_dtype")
        }
    }

    func testWholeModel() throws {
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertEqual(try m.weights().bytes, 6_738_415_616 * 2)
        XCTAssertEqual(try m.weights(dtype: .fp32).bytes, 6_738_415_616 * 4)
    }

    func testInt4KeepsEmbeddingsAndNormsIn16Bits() throws {
        // Linear layers 32·(4·4096² + 3·4096·11008) = 6,476,005,376 × 0.515625 = 3,339,190,272 B;
        // embedding + lm_head + norms 262,144,000 + 65·4096 = 262,410,240 × 2 = 524,820,480 B.
        XCTAssertEqual(try Fixtures.model("llama-2-7b").weights(dtype: .int4).bytes, 3_864_010_752)
    }

    func testFP8() throws {
        // fp8 linear layers 6,476,005,376 × 1 B + 16-bit embedding, lm_head, norms 262,410,240 × 2 B.
        XCTAssertEqual(try Fixtures.model("llama-2-7b").weights(dtype: .fp8).bytes, 6_476_005_376 + 524_820_480)
    }

    func testTensorParallel() throws {
        // tp = 2: everything but the 65 norms halves: (6,738,415,616 − 266,240)/2 + 266,240 = 3,369,340,928 params.
        let w = try Fixtures.model("llama-2-7b").weights(tp: 2)
        XCTAssertEqual(w.params, 3_369_340_928)
        XCTAssertEqual(w.bytes, 3_369_340_928 * 2)
    }

    func testKVHeadsReplicatedPastTheirCount() throws {
        // Llama-3-8B (8 kv heads) at tp = 16: each chip keeps 1 whole kv head, so k and v take 4096·128 each,
        // not 4096·1024/16 = 4096·64.
        let m = try Fixtures.model("llama-3-8b")
        let w = try m.weights(tp: 16)
        let perLayer = 4096 * 4096 / 16 * 2 + 2 * 4096 * 128 + 3 * 4096 * 14336 / 16 + 2 * 4096
        XCTAssertEqual(w.params, 32 * perLayer + 2 * 128256 / 16 * 4096 + 4096)
    }

    func testPipelineStages() throws {
        // 32 layers over pp = 3: vLLM gives [11, 11, 10]. Stage 0: embedding + 11 layers
        // = 131,072,000 + 11·202,383,360 = 2,357,288,960 params, the largest (stage 2: 10 layers + norm + lm_head
        // = 2,154,909,696).
        XCTAssertEqual(Parallelism(pp: 3).stages(layers: 32), [0..<11, 11..<22, 22..<32])
        let w = try Fixtures.model("llama-2-7b").weights(pp: 3)
        XCTAssertEqual(w.stage, 0)
        XCTAssertEqual(w.params, 2_357_288_960)
        XCTAssertEqual(w.stageBytes[2], 2_154_909_696 * 2)
    }

    func testTiedEmbeddingUnderPipelineIsCopied() throws {
        // Qwen2.5-0.5B ties lm_head: one copy at pp = 1, a second on the last stage at pp = 2.
        let m = try Fixtures.model("qwen2.5-0.5b")
        let one = try m.weights().stageBytes.reduce(0, +)
        let two = try m.weights(pp: 2).stageBytes.reduce(0, +)
        XCTAssertEqual(two - one, 151936.0 * 896 * 2)
    }

    func testExpertParallel() throws {
        // Mixtral at ep = 8: one of 8 experts per layer per chip: 32·3·4096·14336 = 5,637,144,576 expert params,
        // plus everything else 46,702,792,704 − 45,097,156,608 = 1,605,636,096.
        let w = try Fixtures.model("mixtral-8x7b").weights(ep: 8)
        XCTAssertEqual(w.params, 7_242_780_672)
        XCTAssertEqual(w.byGroup[.experts], 5_637_144_576 * 2)
    }

    func testMLAUnderTP() throws {
        // DeepSeek-V3 at tp = 8: q_a, kv_a and their norms are replicated; q_b, kv_b, o split by heads.
        // Per layer: 11,010,048 + 1536 + 4,128,768 + 512 + (37,748,736 + 16,777,216 + 117,440,512)/8 = 36,636,672.
        let b = try Fixtures.model("deepseek-v3").weights(tp: 8)
        XCTAssertEqual(b.byGroup[.attention], 61 * 36_636_672 * 2)
    }

    func testBadParallelism() throws {
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertThrowsError(try m.weights(tp: 3)) { XCTAssertEqual(($0 as? EngineError)?.argument, "tp") }
        XCTAssertThrowsError(try m.weights(tp: 0)) { XCTAssertEqual(($0 as? EngineError)?.argument, "tp") }
        XCTAssertThrowsError(try m.weights(pp: 33)) { XCTAssertEqual(($0 as? EngineError)?.argument, "pp") }
        XCTAssertThrowsError(try m.weights(ep: 2)) { XCTAssertEqual(($0 as? EngineError)?.argument, "ep") }
        XCTAssertThrowsError(try Fixtures.model("mixtral-8x7b").weights(ep: 16)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "ep")
        }
    }
}
