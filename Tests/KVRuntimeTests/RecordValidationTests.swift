import KVLang
import KVRuntime
import XCTest

/// Records are validated where they enter the engine: unknown fields (with a did-you-mean), wrong types, counts
/// out of range. Every error points at the record.
final class RecordValidationTests: XCTestCase {
    static let llama = "{layers: 32, hidden: 4096, heads: 32, kv_heads: 8, intermediate: 14336, vocab: 128256}"
    static let misspelled = "{layers: 32, hidden: 4096, heads: 32, kv_head: 8, intermediate: 14336, vocab: 128256}"

    /// The case: `kv_head` used to be ignored, so kv_heads fell back to 32 heads and the answer was 4× too
    /// big (512 KiB/token). The correct record gives 2 × 32 × 8 × 128 × 2 B = 131,072 B = 128 KiB per token.
    func testMisspelledFieldIsAnErrorInEveryBuiltin() {
        XCTAssertEqual(Run.number("kv_per_token(\(Self.llama))"), 2 * 32 * 8 * 128 * 2)
        let m = Self.misspelled
        let calls = [
            "kv_per_token(\(m))", "kv_cache(\(m))", "weights(\(m))", "params(\(m))", "param_groups(\(m))",
            "activation(\(m))", "memory(\(m), H100)", "max_batch(\(m), H100)", "max_seq(\(m), H100)",
            "min_devices(\(m), H100)", "explain(\(m), H100)", "kv_capacity(\(m), H100)",
            "hit_rate(\(m), memory: 80 GB)", "memory_for(\(m), target: 50%)", "sensitivity(\(m), memory: 80 GB)",
            "suggest(\(m), memory: 80 GB)", "simulate(\(m), memory: 80 GB, conversations: 100)",
            "replay(\"nowhere.jsonl\", capacity: 1 GiB, model: \(m))",
        ]
        for call in calls {
            let d = Run.error(call)
            XCTAssertEqual(d?.message, "the model has an unknown field `kv_head`", call)
            XCTAssertEqual(d?.hint, "did you mean `kv_heads`?", call)
            XCTAssertEqual(Run.culprit(d), m, call)
        }
    }

    func testOtherMisspellingsSuggestTheField() {
        let cases: [(String, String, String)] = [
            ("kv_per_token({layers: 32, hidden: 4096, heads: 32, head_dims: 128, intermediate: 1, vocab: 1})",
             "head_dims", "head_dim"),
            ("params({layers: 2, hidden: 8, heads: 2, intermediate: 8, vocab: 10, tie_embeddings: true})",
             "tie_embeddings", "tied_embeddings"),
            ("params({layers: 2, hidden: 8, heads: 2, intermediate: 8, vocab: 10, expert: 4, experts_per_token: 2})",
             "expert", "experts"),
        ]
        for (call, field, suggestion) in cases {
            let d = Run.error(call)
            XCTAssertEqual(d?.message, "the model has an unknown field `\(field)`", call)
            XCTAssertEqual(d?.hint, "did you mean `\(suggestion)`?", call)
        }
        let gpu = Run.error("memory(llama3_8b, {memory: 80 GB, bandwith: 2 TB/s})")
        XCTAssertEqual(gpu?.message, "the accelerator has an unknown field `bandwith`")
        XCTAssertEqual(gpu?.hint, "did you mean `bandwidth`?")
        XCTAssertEqual(Run.culprit(gpu), "{memory: 80 GB, bandwith: 2 TB/s}")
        let memory = Run.error("hit_rate(seed_llama2_7b, memory: {memory: 80 GB, flop: 1 TFLOPS})")
        XCTAssertEqual(memory?.hint, "did you mean `flops`?")
    }

    func testCountsOutOfRange() {
        let base = "layers: 32, hidden: 4096, heads: 32, intermediate: 14336, vocab: 128256"
        let cases: [(String, String)] = [
            ("{layers: -1, hidden: 4096, heads: 32, intermediate: 14336, vocab: 128256, sliding_window: 16}",
             "the model's `layers` must be a whole number from 1 to 100000, not -1"),
            ("{\(base), norms_per_layer: -99999999}", "the model's `norms_per_layer` must be a whole number from 0 to 8, not -99999999"),
            ("{\(base), sliding_window: -4}", "the model's `sliding_window` must be 0 (none) or a positive number of tokens, not -4"),
            ("{\(base), mtp_layers: -1}", "the model's `mtp_layers` must be a whole number from 0 to 100000, not -1"),
            ("{\(base), kv_heads: 5}",
             "the model's `kv_heads` (5) must divide `heads` (32): each key/value head serves a whole group of query heads"),
            ("{layers: 32, hidden: 4097, heads: 32, intermediate: 14336, vocab: 128256}",
             "the model's `hidden` (4097) is not a multiple of `heads` (32), so head_dim cannot default to hidden / heads"),
            ("{\(base), experts: 8, experts_per_token: 9}",
             "the model's `experts_per_token` must be a whole number from 1 to 8, not 9"),
            ("{\(base), experts: 8, experts_per_token: 2, shared_experts: -1}",
             "the model's `shared_experts` must be a whole number from 0 to 2147483647, not -1"),
            ("{\(base), experts: 8, experts_per_token: 2, first_dense_layers: 33}",
             "the model's `first_dense_layers` must be a whole number from 0 to 32, not 33"),
            ("{\(base), experts: 8, experts_per_token: 2, dense_layers: [3, 32]}",
             "the model's `dense_layers` lists layer 32, outside 0 … 31"),
            ("{\(base), sliding_window: 4096, sliding_layers: [1, 1]}", "the model's `sliding_layers` lists layer 1 twice"),
            ("{\(base), sliding_layers: [1]}", "the model's `sliding_layers` lists sliding layers but `sliding_window` is 0 or missing"),
            ("{\(base), experts_per_token: 2}",
             "the model's `experts_per_token` needs a mixture-of-experts model, but `experts` is 0 or missing"),
            ("{layers: 32.5, hidden: 4096, heads: 32, intermediate: 14336, vocab: 128256}",
             "the model's `layers` must be a whole number, not 32.5"),
            ("{\(base), head_dim: 1e300}", "the model's `head_dim` must be a whole number, not 1e300"),
            ("{\(base), norm: \"batch\"}", "the model's `norm` must be \"rms\" or \"layer\", not \"batch\""),
        ]
        for (record, message) in cases {
            let d = Run.error("params(\(record))")
            XCTAssertEqual(d?.message, message, record)
            XCTAssertEqual(Run.culprit(d), record)
        }
    }

    /// hit_rate takes a full model or the seed presets' shape; layers, kv_heads and head_dim must be whole.
    func testHitRateModel() {
        let seed = "{layers: 32, kv_heads: 32, head_dim: 128, model_size: 14 GB}"
        // 2 × 32 × 32 × 128 × 2 B = 524,288 B per token, as the seed preset gives.
        XCTAssertEqual(Run.number("hit_rate(\(seed), memory: 80 GB).memory_per_token"), 524288)
        XCTAssertEqual(Run.number("hit_rate(\(seed), memory: 80 GB).memory_per_token"),
                       Run.number("hit_rate(seed_llama2_7b, memory: 80 GB).memory_per_token"))
        let cases: [(String, String)] = [
            ("{layers: 32.5, kv_heads: 8, head_dim: 128, model_size: 16 GB}", "the model's `layers` must be a whole number, not 32.5"),
            ("{layers: 32, kv_heads: 8.5, head_dim: 128, model_size: 16 GB}", "the model's `kv_heads` must be a whole number, not 8.5"),
            ("{layers: 32, kv_heads: 8, head_dim: 0, model_size: 16 GB}", "the model's `head_dim` must be a whole number from 1 to 2147483647, not 0"),
            ("{layers: 32, kv_heads: 8, head_dims: 128, model_size: 16 GB}", "the model has an unknown field `head_dims`"),
            ("{layers: 32, kv_heads: 8, model_size: 16 GB}", "the model is missing the field `head_dim`"),
            ("{layers: 32, kv_heads: 8, head_dim: 128, model_size: -1 GB}", "the model's `model_size` must be a non-negative number of bytes"),
            ("{layers: 32, kv_heads: 8, head_dim: 128}", "cannot size the model's weights: it has only layers, kv_heads and head_dim"),
        ]
        for (record, message) in cases {
            XCTAssertEqual(Run.error("hit_rate(\(record), memory: 80 GB)")?.message, message, record)
        }
        // model_size is bytes or "auto"; another string used to be ignored.
        XCTAssertEqual(Run.error("hit_rate(llama3_8b, memory: 80 GB, model_size: \"big\")")?.message,
                       "`model_size` must be bytes or \"auto\", not \"big\"")
    }

    /// Every preset validates, and walks through params, kv_per_token and memory; every GPU preset through memory.
    func testEveryPresetValidates() throws {
        let s = Run.session()
        var models: [String] = [], seeds: [String] = [], gpus: [String] = []
        for (name, value) in s.interpreter.globals {
            guard case .record(let r) = value else { continue }
            if r["memory"] != nil { gpus.append(name) } else if r["vocab"] != nil { models.append(name) }
            else if r["model_size"] != nil { seeds.append(name) }
        }
        XCTAssertGreaterThanOrEqual(models.count, 15)
        XCTAssertGreaterThanOrEqual(gpus.count, 10)
        XCTAssertEqual(seeds.count, 4)
        for m in models {
            for call in ["params(\(m))", "kv_per_token(\(m))", "memory(\(m), B200, seq: 1024)", "hit_rate(\(m), memory: B200)"] {
                XCTAssertNoThrow(try s.run(SourceFile(name: "<preset>", text: call)), call)
            }
        }
        for g in gpus { XCTAssertNoThrow(try s.run(SourceFile(name: "<preset>", text: "memory(llama3_8b, \(g), seq: 16)")), g) }
        for m in seeds { XCTAssertNoThrow(try s.run(SourceFile(name: "<preset>", text: "hit_rate(\(m), memory: H100)")), m) }
    }
}
