import Foundation
import XCTest
@testable import KVEngine

/// Checkpoint bytes from quantization_config, against hand sums of the tensors the quantizers write and against
/// the sizes the checkpoints are published with.
final class QuantizationTests: XCTestCase {
    /// Llama-2-7B's linear layers as (rows = out features, cols = in features), per decoder layer.
    let llama2Linear = [(4096, 4096), (4096, 4096), (4096, 4096), (4096, 4096), (11008, 4096), (11008, 4096), (4096, 11008)]
    /// Embedding + lm_head (32000 × 4096 each) and 2 × 32 + 1 RMSNorms of 4096, all fp16.
    let llama2Resident = (2 * 32000 * 4096 + 65 * 4096) * 2

    func testAWQLlama2_7BMatchesItsTensorsAndPublishedSize() throws {
        let m = try Fixtures.model("llama-2-7b-awq")
        XCTAssertEqual(m.checkpoint, Quantization(method: "awq", bits: 4, scales: .group(size: 128), scaleBytes: 2,
                                                  zeroPoints: true, modelDType: .fp16))
        // AutoAWQ GEMM writes per linear layer (K in, N out, group 128): qweight int32 [K, N/8],
        // qzeros int32 [K/128, N/8], scales fp16 [K/128, N].
        var linear = 0
        for (n, k) in llama2Linear { linear += k * (n / 8) * 4 + (k / 128) * (n / 8) * 4 + (k / 128) * n * 2 }
        let expected = Double(32 * linear + llama2Resident)
        XCTAssertEqual(expected, 3_889_307_648)
        let w = try m.checkpointWeights()
        XCTAssertEqual(w.bytes, expected)
        // TheBloke/Llama-2-7B-AWQ, model card "Provided files": model.safetensors 3.89 GB.
        XCTAssertEqual(w.bytes / 1e9, 3.89, accuracy: 0.005)
        // 4.16 bits per quantized weight: 4 + 16/128 (scale) + 4/128 (zero).
        XCTAssertEqual(m.checkpoint!.bytesPerWeight(rows: 4096, cols: 4096) * 8, 4 + 16.0 / 128 + 4.0 / 128)
    }

    func testGPTQLlama2_7BCountsQzerosAndGIdx() throws {
        let m = try Fixtures.model("llama-2-7b-gptq")
        XCTAssertEqual(m.checkpoint?.method, "gptq")
        XCTAssertEqual(m.checkpoint?.groupIndex, true)
        // AutoGPTQ writes qweight int32 [K/8, N], qzeros int32 [K/128, N/8] (even with sym), scales fp16 [K/128, N]
        // and g_idx int32 [K] (even without desc_act).
        var linear = 0
        for (n, k) in llama2Linear { linear += (k / 8) * n * 4 + (k / 128) * (n / 8) * 4 + (k / 128) * n * 2 + k * 4 }
        let expected = Double(32 * linear + llama2Resident)
        XCTAssertEqual(expected, 3_893_862_400)
        XCTAssertEqual(try m.checkpointWeights().bytes, expected)
        // TheBloke/Llama-2-7B-GPTQ, main branch (4-bit, 128g): 3.90 GB on its model card.
        XCTAssertEqual(expected / 1e9, 3.90, accuracy: 0.01)
    }

    func testMixtralAWQKeepsTheRouterInFP16() throws {
        let m = try Fixtures.model("mixtral-8x7b-awq")
        XCTAssertEqual(m.checkpoint?.ignore, ["gate"])
        // Per layer: q, o 4096×4096; k, v 1024×4096; 8 experts × (w1, w3: 14336×4096; w2: 4096×14336); all AWQ g128
        // at 4 + 0.125 + 0.03125 bits = 0.51953125 B/weight. Router 8×4096 and everything else fp16.
        let linearPerLayer = 2 * 4096 * 4096 + 2 * 1024 * 4096 + 8 * 3 * 14336 * 4096
        let awq = Double(32 * linearPerLayer) * 0.51953125
        let resident = Double((2 * 32000 * 4096 + 65 * 4096 + 32 * 8 * 4096) * 2)
        XCTAssertEqual(try m.checkpointWeights().bytes, awq + resident)
        // TheBloke/Mixtral-8x7B-v0.1-AWQ: model.safetensors files total 24.65 GB.
        XCTAssertEqual((awq + resident) / 1e9, 24.65, accuracy: 0.01)
    }

    func testDeepSeekV3FP8BlockScales() throws {
        let m = try Fixtures.model("deepseek-v3")
        let q = try XCTUnwrap(m.checkpoint)
        XCTAssertEqual(q.scales, .block(rows: 128, cols: 128))
        XCTAssertEqual(q.scaleBytes, 4)
        // kv_a_proj_with_mqa is 576 × 7168: 576 / 128 = 4.5 → 5 row blocks × 56 column blocks of fp32 scales.
        XCTAssertEqual(q.bytes(rows: 576, cols: 7168), Double(576 * 7168 + 5 * 56 * 4))
        // An expert's gate_proj 2048 × 7168: 16 × 56 scales.
        XCTAssertEqual(q.bytes(rows: 2048, cols: 7168), Double(2048 * 7168 + 16 * 56 * 4))

        let main = try m.checkpointWeights().bytes
        // The checkpoint also ships the MTP module (model.layers.61): one MoE decoder layer, eh_proj
        // (7168 × 14336, fp8), enorm, hnorm and shared_head.norm (7168 each, bf16), and its own copies of
        // embed_tokens and shared_head.head (129280 × 7168 each, bf16). One more MoE layer = 62 layers − 61.
        var deeper = m
        deeper.layers = 62
        let moeLayer = try deeper.checkpointWeights().bytes - main
        let mtp = moeLayer + q.bytes(rows: 7168, cols: 14336) + Double(3 * 7168 * 2) + Double(2 * 129280 * 7168 * 2)
        // The routers' e_score_correction_bias (256 fp32 in each of 58 + 1 MoE layers) is a buffer, not a parameter.
        let total = main + mtp + Double(59 * 256 * 4)
        // deepseek-ai/DeepSeek-V3: the model card gives 685B parameters (671B + 14B MTP); the safetensors files
        // total ~688 GB (metadata.total_size of model.safetensors.index.json).
        XCTAssertEqual(total, 688_472_104_000)
        XCTAssertEqual(total / 1e9, 688, accuracy: 688 * 0.001)
        // And the fp8 checkpoint is about half its bf16 size (embeddings stay bf16).
        XCTAssertEqual(main / (try m.weights(dtype: .bf16).bytes), 0.5, accuracy: 0.01)
    }

    func testBitsandbytesNF4DoubleQuant() throws {
        let m = try Fixtures.model("llama-3-8b-bnb-4bit")
        let q = try XCTUnwrap(m.checkpoint)
        XCTAssertEqual(q.format, "nf4")
        XCTAssertEqual(q.scales, .absmax(size: 64, doubleQuant: true))
        // One 4096 × 4096 matrix: 8 MiB of packed nibbles; 262144 uint8 absmax (one per 64); 1024 fp32 second-level
        // scales (one per 256 absmax); the 256-entry fp32 code and its offset; the 16-entry fp32 quant_map.
        let n = 4096 * 4096
        XCTAssertEqual(q.bytes(rows: 4096, cols: 4096), Double(n / 2 + n / 64 + n / 64 / 256 * 4 + 256 * 4 + 4 + 16 * 4))
        // unsloth/llama-3-8b-bnb-4bit: model.safetensors 5.70 GB.
        XCTAssertEqual(try m.checkpointWeights().bytes / 1e9, 5.70, accuracy: 0.01)
    }

    func testBitsandbytes8BitAndPlain4Bit() throws {
        let json = { (q: String) in
            #"{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 256, "num_attention_heads": 4, "intermediate_size": 512, "vocab_size": 1000, "quantization_config": \#(q)}"#
        }
        let int8 = try ModelSpec(hfConfigJSON: Data(json(#"{"quant_method": "bitsandbytes", "load_in_8bit": true}"#).utf8))
        // LLM.int8: int8 weights and one fp32 SCB per output row.
        XCTAssertEqual(int8.checkpoint?.bytes(rows: 512, cols: 256), Double(512 * 256 + 512 * 4))
        let fp4 = try ModelSpec(hfConfigJSON: Data(json(#"{"quant_method": "bitsandbytes", "load_in_4bit": true}"#).utf8))
        // transformers' default type is fp4, without double quantization: one fp32 absmax per 64.
        XCTAssertEqual(fp4.checkpoint?.format, "fp4")
        XCTAssertEqual(fp4.checkpoint?.bytes(rows: 512, cols: 256), Double(512 * 256 / 2 + 512 * 256 / 64 * 4 + 64))
    }

    func testCompressedTensorsFP8PerChannel() throws {
        let m = try Fixtures.model("llama-3.1-8b-fp8-ct")
        let q = try XCTUnwrap(m.checkpoint)
        XCTAssertEqual(q.scales, .channel)
        XCTAssertEqual(q.ignore, ["lm_head"])
        // fp8 weights and one bf16 scale per output row.
        XCTAssertEqual(q.bytes(rows: 14336, cols: 4096), Double(14336 * 4096 + 14336 * 2))
        // Linear per layer: q, o 4096²; k, v 1024 × 4096; gate, up, down 14336 × 4096; rows summed for the scales.
        let weightsPerLayer = 2 * 4096 * 4096 + 2 * 1024 * 4096 + 3 * 14336 * 4096
        let rowsPerLayer = 4096 + 1024 + 1024 + 4096 + 14336 + 14336 + 4096
        let resident = (2 * 128256 * 4096 + 65 * 4096) * 2
        XCTAssertEqual(try m.checkpointWeights().bytes, Double(32 * (weightsPerLayer + rowsPerLayer * 2) + resident))
    }

    func testCompressedTensorsW4A16Group() throws {
        let json = #"""
        {"model_type": "qwen2", "num_hidden_layers": 2, "hidden_size": 256, "num_attention_heads": 4,
         "intermediate_size": 512, "vocab_size": 1000,
         "quantization_config": {"quant_method": "compressed-tensors", "format": "pack-quantized",
           "config_groups": {"group_0": {"targets": ["Linear"],
             "weights": {"num_bits": 4, "type": "int", "strategy": "group", "group_size": 128, "symmetric": false}}},
           "ignore": ["lm_head", "re:.*layers\\.0\\.mlp\\.down_proj$"]}}
        """#
        let m = try ModelSpec(hfConfigJSON: Data(json.utf8))
        let q = try XCTUnwrap(m.checkpoint)
        // weight_packed int32 [N, K/8], weight_scale bf16 [N, K/128], weight_zero_point packed int4, weight_shape int64[2].
        XCTAssertEqual(q.bytes(rows: 512, cols: 256), Double(512 * 256 / 2 + 512 * 2 * 2 + 512 * 2 / 2 + 16))
        // Layer 0's down_proj (256 × 512) stays bf16; layer 1's is packed.
        let kept = try m.unquantizedModules(q)
        XCTAssertEqual(kept.everywhere, [])
        XCTAssertEqual(kept.perLayer, [0: ["mlp.down_proj"]])
        let all = try m.weights(quantization: Quantization(method: "compressed-tensors", bits: 4, scales: .group(size: 128),
                                                          zeroPoints: true, extraBytes: 16))
        let delta = try m.checkpointWeights().bytes - all.bytes
        XCTAssertEqual(delta, Double(256 * 512 * 2) - q.bytes(rows: 256, cols: 512))
    }

    func testIgnoreListsByComponent() throws {
        var m = try Fixtures.model("llama-2-7b-awq")
        var q = try XCTUnwrap(m.checkpoint)
        let quantized = try m.checkpointWeights().bytes
        // "self_attn" keeps q/k/v/o of every layer in fp16; "model.layers.1.mlp" keeps layer 1's MLP; "layers.3"
        // alone matches nothing (no module is named so); "gate" names no module of Llama's (gate_proj is another).
        q.ignore = ["self_attn", "model.layers.1.mlp", "gate"]
        m.checkpoint = q
        let kept = try m.unquantizedModules(q)
        XCTAssertEqual(kept.everywhere, ["q_proj", "k_proj", "v_proj", "o_proj"])
        XCTAssertEqual(kept.perLayer, [1: ["mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]])
        let attention = 4 * 4096 * 4096, mlp = 3 * 4096 * 11008
        let perWeight = 0.51953125
        let expected = quantized + Double(32 * attention) * (2 - perWeight) + Double(mlp) * (2 - perWeight)
        XCTAssertEqual(try m.checkpointWeights().bytes, expected, accuracy: 1)
    }

    func testTensorParallelSplitsQuantizedBytes() throws {
        let m = try Fixtures.model("llama-2-7b-awq")
        let one = try m.checkpointWeights().bytes
        // Every Llama-2-7B tensor splits evenly over 2 chips (vocab 32000, heads 32, intermediate 11008) except the
        // 65 norms, which each chip holds whole.
        let norms = Double(65 * 4096 * 2)
        XCTAssertEqual(try m.checkpointWeights(tp: 2).bytes, (one - norms) / 2 + norms, accuracy: 1)
        // Pipeline: 2 stages of 16 layers; the last holds the final norm and lm_head, the first the embedding.
        let pp = try m.checkpointWeights(pp: 2)
        XCTAssertEqual(pp.stageBytes.reduce(0, +), one, accuracy: 1)
    }

    func testUnquantizedCheckpointFallsBackToDType() throws {
        let m = try Fixtures.model("llama-3-8b")
        XCTAssertNil(m.checkpoint)
        XCTAssertEqual(try m.checkpointWeights().bytes, try m.weights(dtype: .bf16).bytes)
        XCTAssertEqual(try m.checkpointWeights(dtype: .fp8).bytes, try m.weights(dtype: .fp8).bytes)
    }

    func testDescriptions() throws {
        XCTAssertEqual(try Fixtures.model("deepseek-v3").checkpoint?.description, "fp8 block 128×128")
        XCTAssertEqual(try Fixtures.model("llama-2-7b-awq").checkpoint?.description, "awq int4 g128")
        XCTAssertEqual(try Fixtures.model("llama-3-8b-bnb-4bit").checkpoint?.description, "bnb nf4 block 64 double-quant")
        XCTAssertEqual(try Fixtures.model("llama-3.1-8b-fp8-ct").checkpoint?.description, "compressed-tensors fp8 per-channel")
    }

    func testModulePatterns() throws {
        let name = "model.layers.10.mlp.gate_proj"
        XCTAssertTrue(try ModulePattern("mlp").matches(name))
        XCTAssertTrue(try ModulePattern("model.layers.10").matches(name))
        XCTAssertFalse(try ModulePattern("model.layers.1").matches(name))
        XCTAssertFalse(try ModulePattern("gate").matches(name))
        XCTAssertTrue(try ModulePattern("re:.*gate_proj$").matches(name))
        XCTAssertFalse(try ModulePattern("re:.*gate$").matches(name))
        XCTAssertTrue(try ModulePattern("re:.*mlp.*").matches(name))
        XCTAssertTrue(try ModulePattern("re:model\\.layers\\.10\\.mlp.gate_proj$").matches(name))
        XCTAssertFalse(try ModulePattern("re:layers").matches(name))  // re.match anchors at the start
        XCTAssertEqual(try ModulePattern("model.layers.61.mlp").layer, 61)
        XCTAssertNil(try ModulePattern("re:.*self_attn.*").layer)
        XCTAssertThrowsError(try ModulePattern("re:.*(a+)+$"))
        XCTAssertThrowsError(try ModulePattern("re:.*layers\\.[0-9]+\\.mlp"))
        XCTAssertThrowsError(try ModulePattern(""))
        XCTAssertThrowsError(try ModulePattern("re:.*"))
    }

    /// Each malformed quantization_config, and the key its error must name.
    func testMalformedQuantizationConfigs() {
        let cases: [(String, String)] = [
            (#"{"quant_method": "hqq"}"#, "quantization_config.quant_method"),
            (#"{"bits": 4}"#, "quantization_config.quant_method"),
            (#""awq""#, "quantization_config"),
            (#"{"quant_method": "awq", "bits": 3}"#, "quantization_config.bits"),
            (#"{"quant_method": "awq", "group_size": 0}"#, "quantization_config.group_size"),
            (#"{"quant_method": "awq", "group_size": 12.5}"#, "quantization_config.group_size"),
            (#"{"quant_method": "awq", "version": "exotic"}"#, "quantization_config.version"),
            (#"{"quant_method": "awq", "zero_point": "yes"}"#, "quantization_config.zero_point"),
            (#"{"quant_method": "gptq", "bits": 5}"#, "quantization_config.bits"),
            (#"{"quant_method": "gptq", "bits": -4}"#, "quantization_config.bits"),
            (#"{"quant_method": "gptq", "lm_head": true}"#, "quantization_config.lm_head"),
            (#"{"quant_method": "gptq", "modules_to_not_convert": [1]}"#, "quantization_config.modules_to_not_convert"),
            (#"{"quant_method": "gptq", "modules_to_not_convert": "lm_head"}"#, "quantization_config.modules_to_not_convert"),
            (#"{"quant_method": "fp8", "weight_block_size": [128]}"#, "quantization_config.weight_block_size"),
            (#"{"quant_method": "fp8", "weight_block_size": [128, 0]}"#, "quantization_config.weight_block_size"),
            (#"{"quant_method": "fp8", "fmt": "e3m4"}"#, "quantization_config.fmt"),
            (#"{"quant_method": "fp8", "activation_scheme": "lazy"}"#, "quantization_config.activation_scheme"),
            (#"{"quant_method": "fp8", "ignored_layers": ["re:.*(q|k)_proj"]}"#, "quantization_config.ignored_layers"),
            (#"{"quant_method": "bitsandbytes"}"#, "quantization_config.load_in_4bit"),
            (#"{"quant_method": "bitsandbytes", "load_in_4bit": true, "load_in_8bit": true}"#, "quantization_config.load_in_8bit"),
            (#"{"quant_method": "bitsandbytes", "load_in_4bit": true, "bnb_4bit_quant_type": "int4"}"#,
             "quantization_config.bnb_4bit_quant_type"),
            (#"{"quant_method": "compressed-tensors", "format": "sparse-24"}"#, "quantization_config.format"),
            (#"{"quant_method": "compressed-tensors", "format": "float-quantized"}"#, "quantization_config.config_groups"),
            (#"{"quant_method": "compressed-tensors", "format": "float-quantized", "config_groups": {"a": {"targets": ["Linear"], "weights": {"num_bits": 8}}, "b": {}}}"#,
             "quantization_config.config_groups"),
            (#"{"quant_method": "compressed-tensors", "format": "float-quantized", "config_groups": {"a": {"targets": ["Embedding"], "weights": {"num_bits": 8}}}}"#,
             "quantization_config.config_groups.a.targets"),
            (#"{"quant_method": "compressed-tensors", "format": "int-quantized", "config_groups": {"a": {"targets": ["Linear"], "weights": {"num_bits": 4, "strategy": "group"}}}}"#,
             "quantization_config.config_groups.a.weights.group_size"),
            (#"{"quant_method": "compressed-tensors", "format": "int-quantized", "config_groups": {"a": {"targets": ["Linear"], "weights": {"num_bits": 4, "strategy": "tensor_group"}}}}"#,
             "quantization_config.config_groups.a.weights.strategy"),
        ]
        for (quant, key) in cases {
            let json = #"{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 256, "num_attention_heads": 4, "intermediate_size": 512, "vocab_size": 1000, "torch_dtype": "float16", "quantization_config": \#(quant)}"#
            XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(json.utf8)), quant) { error in
                XCTAssertEqual((error as? EngineError)?.argument, key, "\(quant): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("config.json:"), "\(error) has no file position")
            }
        }
        let badDType = #"{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 256, "num_attention_heads": 4, "intermediate_size": 512, "vocab_size": 1000, "torch_dtype": "float8", "quantization_config": {"quant_method": "fp8"}}"#
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(badDType.utf8))) { error in
            XCTAssertEqual((error as? EngineError)?.argument, "torch_dtype")
        }
    }

    func testMemoryPlanExplainAndCapacityUseTheCheckpoint() throws {
        let m = try Fixtures.model("llama-2-7b-awq")
        let gpu = Accelerator(name: "L4", capacity: 22.5 * 1_073_741_824)
        var o = MemoryOptions(tp: 2)
        o.weightQuantization = m.checkpoint
        let plan = try m.memory(gpu: gpu, batch: 4, seq: 1024, options: o)
        XCTAssertEqual(plan.weights, try m.checkpointWeights(tp: 2).bytes)
        let explained = try m.explain(gpu: gpu, batch: 4, seq: 1024, options: o).rows
            .filter { $0.component == "weights" }.reduce(0) { $0 + $1.bytes }
        XCTAssertEqual(explained, plan.weights, accuracy: 1)
        // The old rule: activations are a share of the (quantized) weights.
        o.activationRatio = 0.1
        XCTAssertEqual(try m.memory(gpu: gpu, batch: 4, seq: 1024, options: o).activation, 0.1 * plan.weights, accuracy: 1)
        // Without the checkpoint the same options count fp16 weights, about 3.5 times as many bytes here (13.48 GB vs 3.89 GB).
        o.weightQuantization = nil
        XCTAssertEqual(try m.memory(gpu: gpu, batch: 4, seq: 1024, options: o).weights / plan.weights, 3.46, accuracy: 0.05)
    }

    func testFieldsRoundTrip() throws {
        for name in ["llama-2-7b-awq", "llama-2-7b-gptq", "deepseek-v3", "llama-3-8b-bnb-4bit", "llama-3.1-8b-fp8-ct", "mixtral-8x7b-awq"] {
            let q = try XCTUnwrap(try Fixtures.model(name).checkpoint)
            XCTAssertEqual(try Quantization(fields: Dictionary(uniqueKeysWithValues: q.fields.map { ($0.name, $0.value) })), q, name)
        }
        let minimal = try Quantization(fields: ["method": .string("awq"), "bits": .int(4), "scales": .string("group"),
                                               "group_size": .int(128), "zero_points": .bool(true)])
        XCTAssertEqual(minimal, Quantization(method: "awq", bits: 4, scales: .group(size: 128), zeroPoints: true))
        let bad: [[String: Quantization.Field]] = [
            ["method": .string("awq"), "bits": .int(4), "scales": .string("group")],                       // no group_size
            ["method": .string("awq"), "bits": .int(0), "scales": .string("tensor")],
            ["method": .string("awq"), "bits": .int(4), "scales": .string("rows")],
            ["method": .string("awq"), "bits": .int(4), "scales": .string("tensor"), "group": .int(128)],  // unknown
            ["method": .string("awq"), "bits": .int(4), "scales": .string("block"), "block": .ints([128])],
            ["method": .string("awq"), "bits": .int(4), "scales": .string("tensor"), "ignore": .strings(["re:(a+)+"])],
            ["method": .string("awq"), "bits": .int(4), "scales": .string("tensor"), "model_dtype": .string("int4")],
            ["method": .string("awq"), "bits": .int(4), "scales": .string("tensor"), "format": .string("nf5")],
            ["bits": .int(4), "scales": .string("tensor")],
        ]
        for fields in bad {
            XCTAssertThrowsError(try Quantization(fields: fields), "\(fields)") { error in
                XCTAssertEqual((error as? EngineError)?.argument, "quantization")
            }
        }
    }
}
