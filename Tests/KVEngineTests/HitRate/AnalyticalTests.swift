import XCTest
@testable import KVEngine

final class AnalyticalTests: XCTestCase {
    /// chat(share: s): capacity s × D with D = 150 × 512 × 3 = 230,400 tokens.
    func testTokenModel() throws {
        // Everything fits: (T − 1)/(T + 1) = 4/6
        XCTAssertEqual(try TokenModel.hitRate(chat(share: 2)), 4.0 / 6.0, accuracy: 1e-12)
        // Half fits: 4/6 × 115,200 / 230,400 = 1/3
        XCTAssertEqual(try TokenModel.hitRate(chat(share: 0.5)), 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(TokenModel.demandTokens(chat(share: 1)), 230_400)
        XCTAssertEqual(try TokenModel.hitRate(chat(share: 0)), 0)
        XCTAssertEqual(try hitRate(chat(share: 0.5), method: .tokens).hitRate, 1.0 / 3.0, accuracy: 1e-12)
    }

    func testCheCapacityEquation() throws {
        // Fixed gaps: the cliff sits at C = λ S (T(T−1)/2 · d + T · d) = 512 × (10 × 30 + 5 × 30) = 230,400.
        let w = chat(share: 1)
        XCTAssertEqual(CheLRU.occupancy(w, thinkTime: .fixed, tc: 30), 230_400, accuracy: 1e-6)
        XCTAssertEqual(try CheLRU.evaluate(chat(share: 0.99), thinkTime: .fixed).tokenHitRate, 0)
        XCTAssertEqual(try CheLRU.evaluate(chat(share: 1.01), thinkTime: .fixed).tokenHitRate, 4.0 / 6.0)
        // Exponential gaps: T_C solves the equation, and P(G < T_C) = 1 − e^(−T_C/d).
        let r = try CheLRU.evaluate(w, thinkTime: .exponential)
        XCTAssertEqual(CheLRU.occupancy(w, thinkTime: .exponential, tc: r.characteristicTime), 230_400,
                       accuracy: 1e-3)
        XCTAssertEqual(r.hitProbability, 1 - exp(-r.characteristicTime / 30), accuracy: 1e-12)
        XCTAssertEqual(r.tokenHitRate, 4.0 / 6.0 * r.hitProbability, accuracy: 1e-12)
        XCTAssertEqual(r.requestHitRate, 0.8 * r.hitProbability, accuracy: 1e-12)
        XCTAssertEqual(try CheLRU.evaluate(chat(share: 0)).tokenHitRate, 0)
        XCTAssertEqual(try hitRate(w, method: .lru).hitRate, r.tokenHitRate)
    }

    func testSensitivityInsufficientCache() throws {
        // h = 0.8 × (M − 1.2 m) / (p × T × S) / (λ T d): elasticity −1 for arrival, interval, seq and each
        // factor of p; M / (M − 1.2 m) = 80 / 63.2 for memory; −16.8 / 63.2 for model_size;
        // T / (T − 1) − 3 = −1.75 for turns (h ∝ (T − 1) / T³).
        let rows = try sensitivity(llama7B(arrival: 1))
        let e = Dictionary(uniqueKeysWithValues: rows.map { ($0.input, $0.elasticity ?? .nan) })
        for name in ["arrival", "interval", "seq", "layers", "kv_heads", "head_dim", "kv_dtype"] {
            XCTAssertEqual(e[name] ?? 0, -1, accuracy: 2e-3, name)
        }
        XCTAssertEqual(e["memory"] ?? 0, 80 / 63.2, accuracy: 2e-3)
        XCTAssertEqual(e["model_size"] ?? 0, -16.8 / 63.2, accuracy: 2e-3)
        XCTAssertEqual(e["turns"] ?? 0, -1.75, accuracy: 2e-3)
    }

    func testSensitivitySufficientCacheAndEdges() throws {
        // h = 1 − 1/T only: elasticity 1/(T − 1) = 0.25 for turns, 0 for everything else.
        let rows = try sensitivity(llama7B())
        for row in rows {
            XCTAssertEqual(row.elasticity ?? .nan, row.input == "turns" ? 0.25 : 0, accuracy: 1e-4, row.input)
        }
        // The model does not fit: no hit rate, no elasticity.
        XCTAssertTrue(try sensitivity(llama7B(memory: 16e9)).allSatisfy { $0.elasticity == nil })
        // turns = 1 cannot step down: one-sided, and h = 0 there anyway.
        XCTAssertNoThrow(try sensitivity(llama7B(turns: 1)))
        XCTAssertThrowsError(try sensitivity(llama7B(), step: 0)) {
            XCTAssertEqual(($0 as? EngineError)?.argument, "step")
        }
        XCTAssertEqual(try sensitivity(chat(share: 1), method: .lru).count, 10)
    }
}
