import KVLang
import KVRuntime
import XCTest

/// hf_config through the language: the record carries the checkpoint's quantization, and dtype "auto" (the
/// default of weights, memory and the inverse questions) counts it.
final class HFConfigBridgeTests: XCTestCase {
    private static let hf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KVEngineTests/Fixtures/hf").path

    private func model(_ name: String) -> String { "hf_config(\"\(Self.hf)/\(name).json\")" }

    func testWeightsDefaultToTheCheckpoint() {
        // Llama-2-7B AWQ: 32 layers × 202,375,168 int4 weights at 0.51953125 B (scales and zeros per 128) plus
        // 524,820,480 B of fp16 embedding, lm_head and norms (QuantizationTests has the tensor-by-tensor sum).
        XCTAssertEqual(Eval.quantity("weights(\(model("llama-2-7b-awq")))").0, 3_889_307_648)
        XCTAssertEqual(Eval.quantity("memory(\(model("llama-2-7b-awq")), H100).weights").0, 3_889_307_648)
        // An explicit dtype still wins: 6,738,415,616 params × 2 B.
        XCTAssertEqual(Eval.quantity("weights(\(model("llama-2-7b-awq")), dtype: fp16)").0, 13_476_831_232)
        // Unquantized models are counted in bf16, as before.
        XCTAssertEqual(Eval.quantity("weights(llama3_8b)").0, Eval.quantity("weights(llama3_8b, dtype: bf16)").0)
    }

    func testTheRecordCarriesTheQuantization() {
        XCTAssertEqual(Eval.text("\(model("deepseek-v3")).quantization"),
                       Eval.text(#"{method: "fp8", bits: 8, format: "float", scales: "block", block: [128, 128], scale_bytes: 4}"#))
        // `with` keeps it, and can replace it: per-tensor fp8 is 1 B per quantized weight plus one fp32 per matrix.
        let m = model("llama-2-7b-awq")
        XCTAssertEqual(Eval.quantity("weights(\(m) with {vocab: 32000})").0, 3_889_307_648)
        let fp8 = Eval.quantity(#"weights(\#(m) with {quantization: {method: "fp8", bits: 8, format: "float", scales: "tensor", scale_bytes: 4}})"#).0
        XCTAssertEqual(fp8, Double(32 * 202_375_168 + 32 * 7 * 4 + 524_820_480))
    }

    func testBadQuantizationRecordsAndConfigsAreLocatedErrors() {
        let m = model("llama-2-7b-awq")
        let d = Eval.error(#"weights(\#(m) with {quantization: {method: "awq", bits: 4, scales: "group"}})"#)
        XCTAssertTrue(d?.message.contains("quantization.group_size is required") ?? false, d?.message ?? "")
        let e = Eval.error(#"weights(\#(m) with {quantization: "awq"})"#)
        XCTAssertTrue(e?.message.contains("`quantization` must be a record") ?? false, e?.message ?? "")
        let f = Eval.error(#"weights(\#(m) with {quantization: {method: "awq", bits: 4.5, scales: "tensor"}})"#)
        XCTAssertTrue(f?.message.contains("quantization.bits") ?? false, f?.message ?? "")
    }

    /// explain reads its model argument itself (it also takes a kv_capacity result); its weight rows must still
    /// count the checkpoint's quantization, as weights() does: AWQ Llama-2-7B, 3,889,307,648 B either way.
    func testExplainCountsTheCheckpointLikeWeights() {
        let m = model("llama-2-7b-awq")
        let rows = Eval.quantity(#"let e = explain(\#(m), H100); let w = filter(map(0..(len(e.component) - 1), fn(i) = e[i]), fn(r) = r.component == "weights"); sum(map(w, fn(r) = r.bytes))"#).0
        XCTAssertEqual(rows, 3_889_307_648, accuracy: 1)
        XCTAssertEqual(Eval.quantity("weights(\(m))").0, 3_889_307_648, accuracy: 1)
    }
}
