import Foundation
import XCTest
@testable import KVEngine

/// Malformed config.json files: every one a clear error naming the key (or the path) and where it is.
final class HFConfigHardeningTests: XCTestCase {
    /// A valid small llama config with `extra` merged in (later keys replace earlier ones).
    private func config(_ extra: [String: String], type: String = "llama") -> String {
        var fields: [(String, String)] = [
            ("model_type", "\"\(type)\""), ("num_hidden_layers", "4"), ("hidden_size", "64"),
            ("num_attention_heads", "4"), ("intermediate_size", "128"), ("vocab_size", "100"),
        ]
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) {
            if let i = fields.firstIndex(where: { $0.0 == k }) { fields[i].1 = v } else { fields.append((k, v)) }
        }
        return "{\n" + fields.filter { $0.1 != "<absent>" }.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}"
    }

    private func assertFails(_ json: String, key: String, contains text: String? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(json.utf8)), json, file: file, line: line) { error in
            guard let e = error as? EngineError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.argument, key, e.message, file: file, line: line)
            XCTAssertTrue(e.message.hasPrefix("config.json:"), e.message, file: file, line: line)
            if let text { XCTAssertTrue(e.message.contains(text), e.message, file: file, line: line) }
        }
    }

    func testNegativeLayersInAMistralConfigIsAnErrorNotATrap() {
        // This trapped: the sliding-window rule built 0..<-1 before anything was validated.
        let json = config(["num_hidden_layers": "-1"], type: "mistral")
        // The value sits on line 3, column 24 ("  \"num_hidden_layers\": " is 23 characters).
        assertFails(json, key: "num_hidden_layers", contains: "config.json:3:24: num_hidden_layers must be a positive integer, got -1")
    }

    func testEveryCountIsCheckedForTypeSignWholenessAndSize() {
        let counts = ["num_hidden_layers", "hidden_size", "num_attention_heads", "intermediate_size", "vocab_size",
                      "num_key_value_heads", "head_dim"]
        let bad = ["0", "-8", "2.5", "\"32\"", "true", "[4]", "1e30", "NaN", "Infinity", "99999999999999999999999"]
        for key in counts {
            for value in bad {
                assertFails(config([key: value]), key: key)
            }
        }
        assertFails(config(["num_hidden_layers": "100001"]), key: "num_hidden_layers", contains: "more than 100000")
        assertFails(config(["vocab_size": "10000001"]), key: "vocab_size", contains: "not a real model")
        // Whole numbers written with a fraction are whole numbers.
        XCTAssertEqual(try ModelSpec(hfConfigJSON: Data(config(["hidden_size": "64.0"]).utf8)).hidden, 64)
    }

    func testMissingRequiredKeysAreNamed() {
        for key in ["model_type", "num_hidden_layers", "hidden_size", "num_attention_heads", "intermediate_size", "vocab_size"] {
            assertFails(config([key: "<absent>"]), key: key, contains: "lacks the required key \"\(key)\"")
            assertFails(config([key: "null"]), key: key)
        }
        assertFails(config([:], type: "mixtral"), key: "num_local_experts")
        assertFails(config([:], type: "qwen2_moe"), key: "num_experts")
        assertFails(config([:], type: "deepseek_v3"), key: "kv_lora_rank")
    }

    func testInconsistentShapes() {
        assertFails(config(["hidden_size": "66"]), key: "hidden_size", contains: "not a multiple of num_attention_heads")
        XCTAssertEqual(try ModelSpec(hfConfigJSON: Data(config(["hidden_size": "66", "head_dim": "16"]).utf8)).headDim, 16)
        assertFails(config(["num_key_value_heads": "8"]), key: "num_key_value_heads", contains: "exceeds")
        assertFails(config(["num_local_experts": "2", "num_experts_per_tok": "4"], type: "mixtral"),
                    key: "num_experts_per_tok", contains: "exceeds")
        let moe = ["num_experts": "4", "num_experts_per_tok": "2", "moe_intermediate_size": "32"]
        assertFails(config(moe.merging(["mlp_only_layers": "[4]"]) { $1 }, type: "qwen2_moe"),
                    key: "mlp_only_layers", contains: "layers are numbered 0 to 3")
        assertFails(config(moe.merging(["mlp_only_layers": "[1, 1]"]) { $1 }, type: "qwen2_moe"), key: "mlp_only_layers")
        assertFails(config(moe.merging(["mlp_only_layers": "[-1]"]) { $1 }, type: "qwen2_moe"), key: "mlp_only_layers")
        assertFails(config(moe.merging(["shared_expert_intermediate_size": "-5"]) { $1 }, type: "qwen2_moe"),
                    key: "shared_expert_intermediate_size")
        assertFails(config(moe.merging(["decoder_sparse_step": "0"]) { $1 }, type: "qwen2_moe"), key: "decoder_sparse_step")
        let mla = ["kv_lora_rank": "16", "qk_rope_head_dim": "8", "qk_nope_head_dim": "8", "v_head_dim": "8",
                   "n_routed_experts": "4", "num_experts_per_tok": "2", "moe_intermediate_size": "32"]
        assertFails(config(mla.merging(["first_k_dense_replace": "5"]) { $1 }, type: "deepseek_v3"), key: "first_k_dense_replace")
        assertFails(config(mla.merging(["n_shared_experts": "-1"]) { $1 }, type: "deepseek_v3"), key: "n_shared_experts")
        assertFails(config(mla.merging(["num_nextn_predict_layers": "-1"]) { $1 }, type: "deepseek_v3"), key: "num_nextn_predict_layers")
        assertFails(config(mla.merging(["q_lora_rank": "0"]) { $1 }, type: "deepseek_v3"), key: "q_lora_rank")
        assertFails(config(mla.merging(["moe_layer_freq": "0"]) { $1 }, type: "deepseek_v3"), key: "moe_layer_freq")
        XCTAssertNil(try ModelSpec(hfConfigJSON: Data(config(mla.merging(["q_lora_rank": "null"]) { $1 }, type: "deepseek_v3").utf8)).mla?.qLoraRank)
    }

    func testSlidingWindowKeys() {
        assertFails(config(["sliding_window": "-16"], type: "mistral"), key: "sliding_window")
        assertFails(config(["sliding_window": "0"], type: "mistral"), key: "sliding_window")
        assertFails(config(["use_sliding_window": "1"], type: "qwen2"), key: "use_sliding_window", contains: "true or false")
        assertFails(config(["use_sliding_window": "true", "sliding_window": "16", "max_window_layers": "-2"], type: "qwen3"),
                    key: "max_window_layers")
        assertFails(config(["final_logit_softcapping": "-30"], type: "gemma2"), key: "final_logit_softcapping")
        XCTAssertNil(try ModelSpec(hfConfigJSON: Data(config(["sliding_window": "null"], type: "mistral").utf8)).slidingWindow)
    }

    func testLayerTypes() {
        let qwen = ["use_sliding_window": "true", "sliding_window": "16"]
        assertFails(config(qwen.merging(["layer_types": #"["full_attention", "sliding_atention", "full_attention", "full_attention"]"#]) { $1 }, type: "qwen3"),
                    key: "layer_types", contains: "[1] is \"sliding_atention\"")
        assertFails(config(qwen.merging(["layer_types": #"["chunked_attention", "full_attention", "full_attention", "full_attention"]"#]) { $1 }, type: "qwen3"),
                    key: "layer_types", contains: "expected \"full_attention\" or \"sliding_attention\"")
        assertFails(config(qwen.merging(["layer_types": #"["full_attention"]"#]) { $1 }, type: "qwen3"),
                    key: "layer_types", contains: "1 entries for 4 layers")
        assertFails(config(qwen.merging(["layer_types": #"["full_attention", 2, "full_attention", "full_attention"]"#]) { $1 }, type: "qwen3"),
                    key: "layer_types", contains: "[1] must be a string")
        assertFails(config(qwen.merging(["layer_types": #""full_attention""#]) { $1 }, type: "qwen3"), key: "layer_types")
    }

    func testWrongTypesOfOtherKeys() {
        assertFails(config(["model_type": "7"]), key: "model_type", contains: "must be a string, not a number")
        assertFails(config(["model_type": "\"gpt2\""]), key: "model_type", contains: "supported:")
        assertFails(config(["tie_word_embeddings": "\"false\""]), key: "tie_word_embeddings")
        assertFails(config(["attention_bias": "0"]), key: "attention_bias")
        assertFails(config(["mlp_bias": "null", "attention_bias": "[]"]), key: "attention_bias")
        // Unknown keys of any shape, NaN included (Python writes it), are ignored.
        let spec = try? ModelSpec(hfConfigJSON: Data(config(["rope_theta": "NaN", "foo": #"{"bar": [1, {"baz": null}]}"#]).utf8))
        XCTAssertEqual(spec?.layers, 4)
    }

    func testJSONSyntaxErrorsArePlaced() {
        let cases: [(String, String)] = [
            ("{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 64,\n}", "config.json:4:1: invalid JSON: expected a key"),
            ("{\"a\": 1} x", "config.json:1:10: invalid JSON: unexpected text after the JSON value"),
            ("{\"a\": 01}", "config.json:1:7: invalid JSON: a number may not start with 0"),
            ("{\"a\": \"x\ty\"}", "control character 0x9"),
            ("{\"a\": \"\\ud800\"}", "unpaired surrogate"),
            ("{\"a\": 1, \"a\": 2}", "config.json:1:10: invalid JSON: duplicate key \"a\""),
            ("{\"a\": tru}", "invalid literal"),
            ("", "unexpected end of the file"),
            ("[1, 2]", "a config.json must hold a JSON object, not a list"),
            ("{\"a\": [1, 2", "unexpected end of the file inside a list"),
            (String(repeating: "[", count: 100_000), "nested deeper than 64 levels"),
            ("{\"x\": [" + String(repeating: "0,", count: 500_000) + "0]}", "more than 500000 JSON values"),
        ]
        for (json, text) in cases {
            XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(json.utf8))) { error in
                XCTAssertEqual((error as? EngineError)?.argument, "path")
                XCTAssertTrue("\(error)".contains(text), "\(error) lacks \(text)")
            }
        }
    }

    func testJSONParserValues() throws {
        let node = try JSONParser.parse(Array(#" {"s": "a\"\u00e9\ud83d\ude00\n", "n": [-0, 1.5e3, 12345678901234567890, -Infinity], "b": [true, false, null]} "#.utf8))
        guard case .string(let s)? = node["s"]?.value else { return XCTFail("no string") }
        XCTAssertEqual(s, "a\"é😀\n")
        guard case .array(let n)? = node["n"]?.value else { return XCTFail("no list") }
        guard case .number(let zero, let zeroInt) = n[0].value, case .number(let f, let fInt) = n[1].value,
              case .number(let big, let bigInt) = n[2].value, case .number(let inf, _) = n[3].value else {
            return XCTFail("numbers")
        }
        XCTAssertEqual(zero, 0)
        XCTAssertEqual(zeroInt, 0)
        XCTAssertEqual(f, 1500)
        XCTAssertNil(fInt)
        XCTAssertEqual(big, 12345678901234567890)
        XCTAssertNil(bigInt, "beyond Int: no exact integer")
        XCTAssertEqual(inf, -.infinity)
        XCTAssertEqual(n[2].line, 1)
        // The list after "b" starts at index 90 of the text: column 91.
        XCTAssertEqual(node["b"]?.column, 91)
    }

    func testBOMAndEncodings() throws {
        let json = config([:])
        let withBOM = Data([0xEF, 0xBB, 0xBF] + Array(json.utf8))
        XCTAssertEqual(try ModelSpec(hfConfigJSON: withBOM).layers, 4)
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data([0xFF, 0xFE, 0x7B, 0x00]))) { error in
            XCTAssertTrue("\(error)".contains("UTF-16"), "\(error)")
        }
        var latin1 = Array("{\n  \"name\": \"caf".utf8)
        latin1 += [0xE9, 0x22, 0x7D]  // é in Latin-1, then "}
        XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(latin1))) { error in
            XCTAssertEqual("\(error)", "config.json:2:15: the file is not valid UTF-8")
        }
    }

    func testFilesThatAreNotConfigs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvcalc-hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func fails(_ path: String, _ text: String, line: UInt = #line) {
            XCTAssertThrowsError(try ModelSpec.load(hfConfigPath: path), line: line) { error in
                XCTAssertEqual((error as? EngineError)?.argument, "path", line: line)
                XCTAssertTrue("\(error)".contains(text), "\(error) lacks \(text)", line: line)
            }
        }
        fails(dir.path + "/missing.json", "no such file")
        fails(dir.path + "/missing/config.json", "no such file")
        fails(dir.path, "is a directory")
        fails("/dev/zero", "not a regular file")
        // A 1 GiB sparse file is refused from its size, without reading it.
        let big = dir.appendingPathComponent("model.safetensors").path
        XCTAssertTrue(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: big))
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        let start = Date()
        fails(big, "at most 16 MiB")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        // The file name is in the positioned error.
        let bad = dir.appendingPathComponent("config.json").path
        try Data(config(["num_hidden_layers": "-1"]).utf8).write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try ModelSpec.load(hfConfigPath: bad)) { error in
            XCTAssertTrue("\(error)".hasPrefix(bad + ":3:24: num_hidden_layers"), "\(error)")
        }
    }

    func testEveryFixtureStillLoads() throws {
        let dir = Fixtures.path("hf")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }
        XCTAssertGreaterThanOrEqual(names.count, 23)
        for n in names {
            XCTAssertNoThrow(try ModelSpec.load(hfConfigPath: dir + "/" + n), n)
        }
    }
}

/// Random damage to every fixture: the reader may refuse, never trap or hang.
final class HFConfigMutationTests: XCTestCase {
    func testMutatedFixturesNeverTrap() throws {
        let dir = Fixtures.path("hf")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        // Bytes that matter to JSON and to the numbers it holds.
        let alphabet = Array("{}[]\",:-0123456789.eE ntf\\u\n".utf8) + [0x00, 0xFF, 0xC3]
        var rng = Xoshiro256(seed: 9)
        var accepted = 0, refused = 0
        let start = Date()
        for name in files {
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                    }
                }
                do {
                    let m = try ModelSpec(hfConfigJSON: Data(bytes), name: name)
                    _ = try? m.checkpointWeights(tp: 2)
                    accepted += 1
                } catch {
                    XCTAssertTrue(error is EngineError, "\(error)")
                    refused += 1
                }
            }
        }
        XCTAssertGreaterThan(refused, 0)
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }
}

final class HFConfigScaleTests: XCTestCase {
    /// The largest config the reader accepts is walked in linear time: 100,000 layers, half of them listed in
    /// mlp_only_layers (a list lookup per layer took ~50 s for a 5,000-entry list).
    func testDeepMoEWithALongDenseListIsFast() throws {
        let dense = stride(from: 0, to: 100_000, by: 2).map(String.init).joined(separator: ",")
        let json = #"{"model_type": "qwen2_moe", "num_hidden_layers": 100000, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 32, "mlp_only_layers": [\#(dense)]}"#
        let start = Date()
        let m = try ModelSpec(hfConfigJSON: Data(json.utf8))
        let b = try m.paramBreakdown()
        _ = try m.weights(tp: 2, pp: 4)
        // decoder_sparse_step 1: every layer is MoE except the 50,000 listed.
        XCTAssertEqual(b.layersOfKind[.dense], 50_000)
        XCTAssertEqual(b.layersOfKind[.moe], 50_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
