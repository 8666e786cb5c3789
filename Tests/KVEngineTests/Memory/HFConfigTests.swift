import Foundation
import XCTest
@testable import KVEngine

final class HFConfigTests: XCTestCase {
    func testLlamaDefaults() throws {
        let m = try Fixtures.model("llama-2-7b")
        XCTAssertEqual(m.modelType, "llama")
        XCTAssertEqual(m.kvHeads, 32)   // no num_key_value_heads in some configs; here 32
        XCTAssertEqual(m.headDim, 128)  // absent: hidden / heads = 4096 / 32
        XCTAssertFalse(m.tiedEmbeddings)
        XCTAssertFalse(m.qkvBias)
        XCTAssertNil(m.slidingWindow)
    }

    func testQwen2ImpliesQKVBiasAndNoWindow() throws {
        let m = try Fixtures.model("qwen2.5-0.5b")
        XCTAssertTrue(m.qkvBias)
        XCTAssertFalse(m.outputBias)
        XCTAssertTrue(m.tiedEmbeddings)
        XCTAssertEqual(m.headDim, 64)  // 896 / 14
        XCTAssertNil(m.slidingWindow, "use_sliding_window: false disables sliding_window: 32768")
    }

    func testQwen3HasQKNorms() throws {
        let m = try Fixtures.model("qwen3-8b")
        XCTAssertTrue(m.qkNorm)
        XCTAssertFalse(m.qkvBias)
    }

    func testMistralSlidesEveryLayer() throws {
        let m = try Fixtures.model("mistral-7b-v0.1")
        XCTAssertEqual(m.slidingWindow, 4096)
        XCTAssertEqual(m.slidingLayers, Array(0..<32))
    }

    func testMixtralExperts() throws {
        let m = try Fixtures.model("mixtral-8x7b")
        XCTAssertEqual(m.moe?.experts, 8)
        XCTAssertEqual(m.moe?.expertsPerToken, 2)
        XCTAssertEqual(m.moe?.intermediate, 14336)
        XCTAssertNil(m.slidingWindow)  // "sliding_window": null
        XCTAssertTrue((0..<32).allSatisfy { m.isMoELayer($0) })
    }

    func testGemma2AlternatesWindowAndTies() throws {
        let m = try Fixtures.model("gemma-2-9b")
        XCTAssertTrue(m.tiedEmbeddings)
        XCTAssertEqual(m.normsPerLayer, 4)
        XCTAssertEqual(m.headDim, 256)
        XCTAssertEqual(m.slidingWindow, 4096)
        XCTAssertEqual(m.finalLogitSoftcap, 30)
        // transformers Gemma2Config: layer i slides when (i + 1) % 2 == 1, i.e. even layers.
        XCTAssertEqual(m.slidingLayers, stride(from: 0, to: 42, by: 2).map { $0 })
    }

    func testDeepSeekV3() throws {
        let m = try Fixtures.model("deepseek-v3")
        XCTAssertEqual(m.mla, MLASpec(qLoraRank: 1536, kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128))
        XCTAssertEqual(m.moe?.firstDenseLayers, 3)
        XCTAssertEqual(m.moe?.sharedExperts, 1)
        XCTAssertEqual(m.moe?.sharedIntermediate, 2048)
        XCTAssertFalse(m.isMoELayer(2))
        XCTAssertTrue(m.isMoELayer(3))
        XCTAssertEqual(m.mtpLayers, 1)
    }

    func testQwen2MoESparseStepAndSharedExpert() throws {
        let m = try Fixtures.model("qwen1.5-moe-a2.7b")
        XCTAssertEqual(m.moe?.sharedIntermediate, 5632)
        XCTAssertEqual(m.moe?.sharedExpertGate, true)
        var spec = m
        spec.moe?.layerFrequency = 2  // decoder_sparse_step 2: layers 1, 3, 5… are sparse
        XCTAssertFalse(spec.isMoELayer(0))
        XCTAssertTrue(spec.isMoELayer(1))
        spec.moe?.denseLayers = [1]
        XCTAssertFalse(spec.isMoELayer(1))
    }

    func testQwen2MoESlidingRule() throws {
        // Qwen2MoeConfig (transformers 5.23): with use_sliding_window, layer i slides when i is even and below
        // max_window_layers.
        let json = """
        {"model_type": "qwen2_moe", "num_hidden_layers": 6, "hidden_size": 64, "num_attention_heads": 4,
         "intermediate_size": 128, "vocab_size": 100, "num_experts": 4, "num_experts_per_tok": 2,
         "moe_intermediate_size": 32, "use_sliding_window": true, "sliding_window": 16, "max_window_layers": 4}
        """
        let m = try ModelSpec(hfConfigJSON: Data(json.utf8))
        XCTAssertEqual(m.slidingLayers, [0, 2])
        XCTAssertEqual(m.moe?.sharedIntermediate, 0)
    }

    func testExplicitLayerTypesWin() throws {
        let json = """
        {"model_type": "qwen3", "num_hidden_layers": 4, "hidden_size": 64, "num_attention_heads": 4,
         "intermediate_size": 128, "vocab_size": 100, "use_sliding_window": true, "sliding_window": 16,
         "layer_types": ["sliding_attention", "full_attention", "full_attention", "sliding_attention"],
         "some_unknown_field": {"nested": [1, 2]}}
        """
        let m = try ModelSpec(hfConfigJSON: Data(json.utf8))
        XCTAssertEqual(m.slidingLayers, [0, 3])
        XCTAssertEqual(m.slidingWindow, 16)
    }

    func testMissingFieldIsNamed() {
        let json = #"{"model_type": "llama", "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 8, "vocab_size": 10}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(json.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "hidden_size")
        }
    }

    func testBadInputs() {
        XCTAssertThrowsError(try ModelSpec.load(hfConfigPath: "/nonexistent/config.json")) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "path")
        }
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data("{not json".utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "path")
        }
        let fractional = #"{"model_type": "llama", "num_hidden_layers": 2.5, "hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 8, "vocab_size": 10}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(fractional.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "num_hidden_layers")
        }
        let zeroHeads = #"{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 8, "num_attention_heads": 0, "intermediate_size": 8, "vocab_size": 10}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(zeroHeads.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "num_attention_heads")
        }
        let deep = #"{"model_type": "llama", "num_hidden_layers": 1000000000, "hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 8, "vocab_size": 10}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(deep.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "num_hidden_layers")
        }
        let unknown = #"{"model_type": "gpt2"}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(unknown.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "model_type")
        }
        let badKV = #"{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 8, "num_attention_heads": 4, "num_key_value_heads": 3, "intermediate_size": 8, "vocab_size": 10}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(badKV.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "num_key_value_heads")
        }
    }
}
