import KVLang
import KVRuntime
import XCTest

/// memory() in a sweep reuses what it converted from the same model and accelerator records (RecordMemo, by the
/// records' storage) and the model's planner. Every figure below is a hand calculation, so an answer taken from a
/// stale entry (another record's, other options') fails.
///
/// Llama-3-8B: KV per token per layer 2 × 8 kv heads × 128 × 2 B = 4,096 B, so at batch 1 × 2048 tokens one layer
/// caches 8,388,608 B (8 MiB) and 32 layers 268,435,456 B (256 MiB). Weights in bf16: 8,030,261,248 params × 2 B
/// = 16,060,522,496 B (Meta's published parameter count).
final class MemorySweepTests: XCTestCase {
    static let mib = 1_048_576.0

    func numbers(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [Double] {
        guard case .list(let items)? = Run.value(source, file: file, line: line) else {
            XCTFail("not a list: \(source)", file: file, line: line)
            return []
        }
        return items.map { if case .quantity(let q) = $0 { q.value } else { .nan } }
    }

    func testSweepPointsAreTheHandFigures() {
        // KV grows by 256 MiB per sequence; the weights stay put.
        XCTAssertEqual(numbers("map(1..4, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).kv_cache)"),
                       [256, 512, 768, 1024].map { $0 * Self.mib })
        XCTAssertEqual(numbers("map(1..3, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).weights)"),
                       [16_060_522_496, 16_060_522_496, 16_060_522_496])
        // The sum the benchmark prints: KV sums to 256 MiB × (1 + … + 100) = 256 MiB × 5050; the weights and the
        // activation come from a fresh call per point, which the memos must not change.
        let swept = Run.number("sum(map(1..100, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).kv_cache))")
        XCTAssertEqual(swept, 256 * Self.mib * 5050)
        let total = Run.number("sum(map(1..100, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).total))")
        var fresh = 0.0
        for b in 1...100 { fresh += Run.number("memory(llama3_8b, H100, batch: \(b), seq: 2048).total") }
        XCTAssertEqual(total, fresh)
    }

    /// `with {…}` makes another record: each is converted for itself, also when the sweep alternates.
    func testModifiedRecordsAreNotAnsweredFromTheMemo() {
        XCTAssertEqual(numbers("""
            map([llama3_8b, llama3_8b with {kv_heads: 4}, llama3_8b, llama3_8b with {layers: 16}],
                fn(m) = memory(m, H100, batch: 1, seq: 2048).kv_cache)
            """), [256, 128, 256, 128].map { $0 * Self.mib })
        // A fresh record per point, more of them than the memo keeps: storage freed by one point may be reused by
        // the next record, which must still be converted. layers × 8 MiB.
        XCTAssertEqual(numbers("map(1..20, fn(n) = memory(llama3_8b with {layers: n}, H100, batch: 1, seq: 2048).kv_cache)"),
                       (1...20).map { Double($0) * 8 * Self.mib })
        // The same for a record built from scratch at each point.
        XCTAssertEqual(numbers("""
            map(1..12, fn(n) = memory({layers: n, hidden: 4096, heads: 32, kv_heads: 8, intermediate: 14336,
                                       vocab: 128256}, H100, batch: 1, seq: 2048).kv_cache)
            """), (1...12).map { Double($0) * 8 * Self.mib })
    }

    /// A name bound again to another record: the new binding's record is the one used.
    func testShadowedNamesUseTheirOwnRecord() {
        XCTAssertEqual(Run.number("""
            let a = memory(llama3_8b, H100, batch: 1, seq: 2048).kv_cache
            fn f(llama3_8b) = memory(llama3_8b, H100, batch: 1, seq: 2048).kv_cache
            f(llama3_8b with {layers: 8}) + a
            """), (64 + 256) * Self.mib)
    }

    /// The accelerator record too: capacity is what `free` subtracts from.
    func testModifiedAcceleratorsAreConvertedAnew() {
        let free = numbers("""
            map([H100, H100 with {memory: 40 GiB}, H100], fn(g) = memory(llama3_8b, g, batch: 1, seq: 2048).free)
            """)
        let full = Run.number("memory(llama3_8b, H100, batch: 1, seq: 2048).total")
        XCTAssertEqual(free, [85_017_493_504 - full, 40 * 1024 * Self.mib - full, 85_017_493_504 - full])
    }

    /// Options that change between points get their own planner: tp = 2 halves the weights of the split layers,
    /// and kv_dtype fp8 halves the KV cache.
    func testChangedOptionsAreSeen() {
        let w = numbers("map([1, 2, 1], fn(t) = memory(llama3_8b, H100, batch: 1, seq: 2048, tp: t).weights)")
        XCTAssertEqual(w[0], 16_060_522_496)
        XCTAssertEqual(w[2], 16_060_522_496)
        XCTAssertLessThan(w[1], w[0] / 2 + 1e8)  // norms are replicated: a little over half
        XCTAssertGreaterThan(w[1], w[0] / 2)
        XCTAssertEqual(numbers("""
            map(["bf16", "fp8", "bf16"], fn(d) = memory(llama3_8b, H100, batch: 1, seq: 2048, kv_dtype: d).kv_cache)
            """), [256, 128, 256].map { $0 * Self.mib })
    }

    /// Errors are never remembered: an invalid record fails, located and with its hint, also after a valid one
    /// and on every point of a sweep.
    func testErrorsAreNotRemembered() {
        let m = "{layers: 32, hidden: 4096, heads: 32, kv_head: 8, intermediate: 14336, vocab: 128256}"
        let d = Run.error("""
            let ok = memory(llama3_8b, H100, batch: 1, seq: 2048)
            map(1..3, fn(b) = memory(\(m), H100, batch: b, seq: 2048).total)
            """)
        XCTAssertEqual(d?.message, "the model has an unknown field `kv_head`")
        XCTAssertEqual(d?.hint, "did you mean `kv_heads`?")
        XCTAssertEqual(Run.culprit(d), m)
        let g = Run.error("""
            let ok = memory(llama3_8b, H100, batch: 1, seq: 2048)
            memory(llama3_8b, {name: "x", memory: 80 GB, bandwith: 1 TB/s}, batch: 1, seq: 2048)
            """)
        XCTAssertEqual(g?.message, "the accelerator has an unknown field `bandwith`")
        // An engine error (a split that does not divide the heads), asked twice: the error both times.
        XCTAssertEqual(Run.error("memory(llama3_8b, H100, batch: 1, seq: 2048, tp: 3)")?.message,
                       "tp = 3 does not divide the 32 attention heads")
        XCTAssertEqual(Run.error("memory(llama3_8b, H100, batch: 1, seq: 2048, tp: 3)")?.message,
                       "tp = 3 does not divide the 32 attention heads")
    }
}
