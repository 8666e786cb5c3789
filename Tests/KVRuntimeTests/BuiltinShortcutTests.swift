import KVLang
@testable import KVRuntime
import XCTest

/// A builtin's shortcut (memory()'s sweep point) must answer exactly as the ordinary path: every program below is
/// run with shortcuts on and off, and what it prints, or the error it reports (message, hint, culprit), must be
/// the same. The programs cover what the shortcut takes and what it must hand back to the ordinary path.
final class BuiltinShortcutTests: XCTestCase {
    static let programs = [
        // The sweep form and the options it reads itself.
        "memory(llama3_8b, H100, batch: 8, seq: 2048)",
        "map(1..5, fn(b) = memory(llama3_8b, H100, batch: b, seq: 1024).total)",
        "memory(llama3_70b, H100, batch: 8, seq: 4096, tp: 4)",
        "memory(llama3_70b, H100, batch: 2, seq: 4096, tp: 2, pp: 3)",
        "memory(mixtral_8x7b, H100, batch: 4, seq: 2048, tp: 2, ep: 2)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, logits: \"all\")",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: 0.1)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: 10)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, version: \"anything\")",
        "memory(llama3_8b, H100 with {memory: 24 GiB}, batch: 64, seq: 8192)",
        "memory(llama3_8b with {layers: 16}, H100, batch: 1, seq: 100)",
        // What it leaves to the ordinary path: units on seq, dtypes, engines and their options.
        "memory(llama3_8b, H100, batch: 4, seq: 2048 tokens)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, dtype: fp8)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, kv_dtype: \"fp8\")",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, engine: \"vllm\")",
        // Errors, each reported by the ordinary path.
        "memory(llama3_8b, H100, batch: 0, seq: 2048)",
        "memory(llama3_8b, H100, batch: 2.5, seq: 2048)",
        "memory(llama3_8b, H100, batch: 4 GiB, seq: 2048)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048 s)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, tp: 3)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, tp: 0)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, pp: 100)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ep: 2)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: 11)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, ratio: -1)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, logits: \"first\")",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, engine: \"none\", max_num_seqs: 8)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, enforce_eager: true)",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, version: 3)",
        "memory(llama3_8b, \"H100\", batch: 4, seq: 2048)",
        "memory(llama3_8b, {name: \"x\", memory: 80 GB, bandwith: 1 TB/s}, batch: 1)",
        "memory({layers: 32, hidden: 4096, heads: 32, kv_head: 8, intermediate: 14336, vocab: 128256}, H100)",
        "memory(llama3_8b with {layers: 0}, H100, batch: 1, seq: 2048)",
        "memory(llama3_8b, H100, batch: 1099511627776, seq: 1099511627776)",
        // One field of a named call (`memory(…).total`), answered without the record; the rest as the record's.
        "map(1..3, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).kv_cache)",
        "memory(llama3_8b, H100, batch: 8, seq: 2048).weights",
        "memory(llama3_8b, H100, batch: 8, seq: 2048).activation",
        "memory(llama3_8b, H100, batch: 8, seq: 2048).capacity",
        "memory(llama3_8b, H100, batch: 8, seq: 2048).free",
        "memory(llama3_8b, H100, batch: 800, seq: 8192).fits",
        "memory(llama3_8b, H100, batch: 8, seq: 2048).utilization",
        "memory(llama3_70b, H100, batch: 8, seq: 2048, pp: 2).stage",
        "memory(llama3_70b, H100, batch: 8, seq: 2048, tp: 2, pp: 2).devices",
        "memory(llama3_8b, H100, batch: 8, seq: 2048)[\"total\"]",
        "memory(llama3_8b, H100, batch: 8, seq: 2048).totl",
        "memory(llama3_8b, H100, batch: 8, seq: 2048, engine: \"vllm\").non_torch",
        "memory(llama3_8b, H100, batch: 8, seq: 2048, engine: \"vllm\").total",
        "memory(llama3_8b, H100, batch: 0, seq: 2048).total",
        "memory(llama3_8b with {layers: 0}, H100, batch: 1, seq: 2048).total",
        "memory(llama3_8b, H100, batch: 1099511627776, seq: 1099511627776).total",
        "memory(llama3_8b, H100, batch: 4, seq: 2048, tp: 3).total",
        // Positional calls reach the shortcut through the builtin's ordinary entry (no function, no memo).
        "memory(llama3_8b, H100, 8, 2048)",
        "map(1..3, fn(b) = memory(llama3_8b, H100, b, 2048).total)",
        "memory(llama3_8b, H100, 8, 2048, \"auto\", \"fp8\").total",
        // What a sweep point remembers (its model, accelerator, unit table and options) changing between points.
        "map([llama3_8b, llama3_70b, llama3_8b], fn(m) = memory(m, H100, batch: 1, seq: 2048).total)",
        "map([H100, H100 with {memory: 40 GiB}, H100], fn(g) = memory(llama3_8b, g, batch: 1, seq: 2048).free)",
        "map([1, 2, 1], fn(t) = memory(llama3_70b, H100, batch: 1, seq: 2048, tp: t).weights)",
        "map([1, 2, 1], fn(p) = memory(llama3_70b, H100, batch: 1, seq: 2048, pp: p).total)",
        "map([1, 2, 1], fn(e) = memory(mixtral_8x7b, H100, batch: 1, seq: 2048, ep: e, tp: 2).activation)",
        "map([\"last\", \"all\"], fn(l) = memory(llama3_8b, H100, batch: 8, seq: 2048, logits: l).activation)",
        "map([0, 0.1, 0], fn(r) = memory(llama3_8b, H100, batch: 8, seq: 2048, ratio: r).activation)",
        "let m = llama3_8b with {layers: 16}\nmemory(m, H100, batch: 1).total + memory(llama3_8b, H100, batch: 1).total",
        "fn f(b) = t where t = memory(llama3_8b, H100, batch: b).total\nmap(1..3, f)",
        // A declaration of memory() with other defaults: the shortcut checks what it cannot take as declared.
        "native fn memory(model, gpu, batch = 1, seq = 2048, dtype = \"fp8\", kv_dtype = \"auto\", tp = 1, pp = 1, "
            + "ep = 1, logits = \"last\", ratio = 0, engine = \"none\", version = \"latest\", gpu_memory_utilization = "
            + "\"auto\", max_num_seqs = \"auto\", max_num_batched_tokens = \"auto\", chunked_prefill_size = \"auto\", "
            + "enforce_eager = false, non_torch = \"auto\", cuda_graphs = \"auto\")\n"
            + "memory(llama3_8b, H100, batch: 8, seq: 2048).weights",
        "native fn memory(model, gpu, batch = 1, seq = 2048, dtype = \"auto\", kv_dtype = \"auto\", tp = 1, pp = 1, "
            + "ep = 1, logits = \"last\", ratio = 0, engine = \"vllm\", version = \"latest\", gpu_memory_utilization = "
            + "\"auto\", max_num_seqs = \"auto\", max_num_batched_tokens = \"auto\", chunked_prefill_size = \"auto\", "
            + "enforce_eager = false, non_torch = \"auto\", cuda_graphs = \"auto\")\n"
            + "memory(llama3_8b, H100, batch: 8, seq: 2048).total",
    ]

    func outcome(_ program: String) -> String {
        let session = Run.session()
        do {
            let values = try session.run(SourceFile(name: "<test>", text: program))
            return values.map { ValueFormatter(units: session.interpreter.units).format($0) }.joined(separator: "\n")
        } catch {
            return "error: \(error.message) | \(error.hint ?? "") | \(error.span.text)"
        }
    }

    /// The sweep point reads memory()'s arguments by fixed positions: they must name the parameters it means.
    func testSweepPointSlotsNameMemorysParameters() {
        typealias M = MemoryBuiltins
        let names = M.memoryParameters.map(\.name)
        let expected = [M.batchSlot: "batch", M.seqSlot: "seq", M.tpSlot: "tp", M.ppSlot: "pp", M.epSlot: "ep",
                        M.logitsSlot: "logits", M.ratioSlot: "ratio", M.engineSlot: "engine",
                        M.versionSlot: "version", M.enforceEagerSlot: "enforce_eager"]
        for (slot, name) in expected { XCTAssertEqual(names[slot], name) }
        let neutral = names.indices.filter { M.neutralSlots & (1 << UInt64($0)) != 0 }.map { names[$0] }
        XCTAssertEqual(neutral, ["dtype", "kv_dtype", "engine", "version", "gpu_memory_utilization", "max_num_seqs",
                                 "max_num_batched_tokens", "chunked_prefill_size", "enforce_eager", "non_torch",
                                 "cuda_graphs"])
    }

    func testShortcutAnswersAsTheOrdinaryPath() {
        defer { BuiltinSpec.shortcutsEnabled.store(true, ordering: .relaxed) }
        for program in Self.programs {
            BuiltinSpec.shortcutsEnabled.store(true, ordering: .relaxed)
            let fast = outcome(program)
            BuiltinSpec.shortcutsEnabled.store(false, ordering: .relaxed)
            let ordinary = outcome(program)
            XCTAssertEqual(fast, ordinary, program)
            XCTAssertFalse(fast.isEmpty, program)
        }
    }

    /// A shortcut's call counts against the call budget once, as the ordinary call does.
    func testShortcutCallsCountOnce() {
        defer { BuiltinSpec.shortcutsEnabled.store(true, ordering: .relaxed) }
        for enabled in [true, false] {
            BuiltinSpec.shortcutsEnabled.store(enabled, ordering: .relaxed)
            // map, then per point the lambda and memory(): 1 + 2 × 3 calls.
            for (budget, fails) in [(7, false), (6, true)] {
                let session = Run.session()
                session.interpreter.callBudget = budget
                let program = "map(1..3, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).total)"
                do {
                    _ = try session.run(SourceFile(name: "<test>", text: program))
                    XCTAssertFalse(fails, "budget \(budget), shortcuts \(enabled)")
                } catch {
                    XCTAssertTrue(fails, "budget \(budget), shortcuts \(enabled): \(error.message)")
                    XCTAssertEqual(error.message, "call budget exhausted")
                }
            }
        }
    }

    /// A sweep keeps its model's planner in memory()'s function, and a point with another model, accelerator or
    /// options replaces it (the programs above check the values; this, that the memo is the one in use).
    func testSweepPointRemembersTheLastModel() throws {
        let session = Run.session()
        _ = try session.run(SourceFile(name: "<test>", text: "memory(llama3_8b, H100, batch: 1).total"))
        guard case .function(let f)? = session.interpreter.globals["memory"] else { return XCTFail("no memory()") }
        let first = try XCTUnwrap(f.shortcutMemo as? MemoryBuiltins.SweepMemo)
        _ = try session.run(SourceFile(name: "<test>", text: "memory(llama3_8b, H100, batch: 2).total"))
        XCTAssertTrue(f.shortcutMemo === first)
        _ = try session.run(SourceFile(name: "<test>", text: "memory(llama3_70b, H100, batch: 2).total"))
        let second = try XCTUnwrap(f.shortcutMemo as? MemoryBuiltins.SweepMemo)
        XCTAssertFalse(second === first)
        XCTAssertEqual(second.planner.model.layers, 80)
    }

    /// The outcomes are not vacuous: a sweep point prints the plan, and the errors are the located ones.
    func testOutcomesAreThePlanAndTheErrors() {
        let plan = outcome("memory(llama3_8b, H100, batch: 1, seq: 2048)")
        XCTAssertTrue(plan.contains("kv_cache") && plan.contains("256 MiB"), plan)
        XCTAssertEqual(outcome("memory(llama3_8b, H100, batch: 2.5, seq: 2048)"),
                       "error: `batch` must be a whole number from 1 to 1099511627776, not 2.5 |  | 2.5")
    }
}
