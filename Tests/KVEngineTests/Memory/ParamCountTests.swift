import XCTest
@testable import KVEngine

/// Expected totals: Hugging Face transformers 5.23.0 building each fixture config on the meta device and summing
/// `p.numel()` over `model.parameters()` (scripts/hf_param_counts.py, output in scripts/hf_param_counts.out).
/// Where a public figure exists it agrees: the Llama-2-7B / Llama-3-8B / Mixtral values, the measurement
/// file's `params` (Llama-2-7B, Qwen2.5-0.5B), DeepSeek's "671B main model + 14B MTP", Gemma-2's 9.24 B.
final class ParamCountTests: XCTestCase {
    func check(_ name: String, _ expected: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try Fixtures.model(name).params(), expected, name, file: file, line: line)
    }

    func testDense() throws {
        try check("llama-2-7b", 6_738_415_616)      // issue 3; activation-h100.json "params"
        try check("llama-3-8b", 8_030_261_248)      // issue 3
        try check("mistral-7b-v0.1", 7_241_732_096)
        try check("qwen2.5-7b", 7_615_616_512)      // model card: 7.61 B
        try check("qwen2.5-0.5b", 494_032_768)      // activation-h100.json "params"; model card 0.49 B
        try check("qwen3-8b", 8_190_735_360)        // model card: 8.2 B
        try check("gemma-2-9b", 9_241_705_984)
    }

    func testMoE() throws {
        try check("mixtral-8x7b", 46_702_792_704)   // issue 3
        try check("qwen1.5-moe-a2.7b", 14_315_784_192)  // model card: 14.3 B total
        try check("deepseek-v2-lite", 15_706_484_224)   // model card: 15.7 B total
        // 671 B: transformers builds no MTP layer (the checkpoint's 685 B = 671 B + 14 B MTP).
        try check("deepseek-v3", 671_026_404_352)
    }

    func testLlama2ByHand() throws {
        // embed 32000·4096 = 131,072,000 (×2 untied); per layer 4·4096² + 3·4096·11008 + 2·4096 = 202,383,360;
        // ×32 = 6,476,267,520; + 262,144,000 + final norm 4096 = 6,738,415,616.
        let b = try Fixtures.model("llama-2-7b").paramBreakdown()
        XCTAssertEqual(b.params(in: .embedding), 131_072_000)
        XCTAssertEqual(b.params(in: .lmHead), 131_072_000)
        XCTAssertEqual(b.paramsPerLayer(.dense), 202_383_360)
        XCTAssertEqual(b.params(in: .attention), 32 * 4 * 4096 * 4096)
        XCTAssertEqual(b.params(in: .mlp), 32 * 3 * 4096 * 11008)
        XCTAssertEqual(b.params(in: .norms), 65 * 4096)
        XCTAssertEqual(b.total, b.active)
    }

    func testActive() throws {
        // Mixtral: 46,702,792,704 − 32 layers × 6 idle experts × 3·4096·14336 = 12,879,925,248 ("12.9 B active",
        // Mistral AI's announcement).
        XCTAssertEqual(try Fixtures.model("mixtral-8x7b").params(active: true), 12_879_925_248)
        // DeepSeek-V3: 58 MoE layers × 248 idle experts × 3·7168·2048 = 652,996,247,552 idle;
        // 671,026,404,352 − that = 18,030,156,800 (the paper's "37 B activated" also counts the MTP module and
        // the embedding differently; this is the forward pass of one token through transformers' modules).
        XCTAssertEqual(try Fixtures.model("deepseek-v3").params(active: true), 671_026_404_352 - 58 * 248 * 3 * 7168 * 2048)
        // Qwen1.5-MoE-A2.7B: 24 layers × 56 idle × 3·2048·1408 = 11,626,610,688 idle → 2,689,173,504 ("A2.7B").
        XCTAssertEqual(try Fixtures.model("qwen1.5-moe-a2.7b").params(active: true), 2_689_173_504)
    }

    func testDeepSeekV3Groups() throws {
        // MLA per layer: q_a 7168·1536 + 1536 + q_b 1536·128·192 + kv_a 7168·576 + 512 + kv_b 512·128·256
        // + o 128·128·7168 = 187,107,328.
        let m = try Fixtures.model("deepseek-v3")
        let b = try m.paramBreakdown()
        XCTAssertEqual(b.params(in: .attention), 61 * 187_107_328)
        XCTAssertEqual(b.params(in: .router), 58 * 256 * 7168)
        XCTAssertEqual(b.params(in: .sharedExperts), 58 * 3 * 7168 * 2048)
        XCTAssertEqual(b.params(in: .mlp), 3 * 3 * 7168 * 18432)
        XCTAssertEqual(b.layersOfKind, [.dense: 3, .moe: 58])
        // Dense layer: 187,107,328 + 3·7168·18432 + 2·7168 = 583,483,392; MoE layer: 187,107,328
        // + 256·3·7168·2048 + 3·7168·2048 + 256·7168 + 2·7168 = 11,507,286,016.
        XCTAssertEqual(b.paramsPerLayer(.dense), 583_483_392)
        XCTAssertEqual(b.paramsPerLayer(.moe), 11_507_286_016)
    }
}
