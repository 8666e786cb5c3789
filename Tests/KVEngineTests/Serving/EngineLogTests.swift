import Foundation
import XCTest
@testable import KVEngine

/// engine_log's formats beyond the calibration set (each line as the engine's source prints it), its flags, and
/// malformed input: empty, binary, huge lines, CRLF, BOM, colour codes, truncation, size limits.
final class EngineLogTests: XCTestCase {
    static let gib = Double(1 << 30)

    func parse(_ text: String, strict: Bool = true) throws -> EngineLog {
        try EngineLog.parse(Array(text.utf8), path: "t.log", strict: strict)
    }

    func error(_ text: String, strict: Bool = true) -> EngineLogError? {
        do {
            _ = try EngineLog.parse(Array(text.utf8), path: "t.log", strict: strict)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Formats

    func testV1StartUp() throws {
        // vLLM 0.10 V1 (gpu_model_runner.py, gpu_worker.py, kv_cache_utils.py), with the engine-core prefix.
        let log = try parse("""
        (EngineCore_0 pid=357) INFO 09-21 23:16:19 [core.py:75] Initializing a V1 LLM engine (v0.10.2) with config: \
        model='TinyLlama/TinyLlama-1.1B-Chat-v1.0', speculative_config=None, tokenizer_mode=auto, revision=None, \
        override_neuron_config={}, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=2048, \
        download_dir=None, load_format=auto, tensor_parallel_size=1, pipeline_parallel_size=1, \
        quantization=None, enforce_eager=False, kv_cache_dtype=auto, compilation_config={"level":3,"splitting_ops":["a", "b"]}
        INFO 09-21 23:16:17 [config.py:3440] Using max model len 2048
        (EngineCore_0 pid=357) INFO 09-21 23:16:40 [gpu_model_runner.py:2007] Model loading took 2.0512 GiB and 3.1 seconds
        (EngineCore_0 pid=357) INFO 09-21 23:16:45 [gpu_worker.py:276] Available KV cache memory: 67.47 GiB
        (EngineCore_0 pid=357) INFO 09-21 23:16:45 [kv_cache_utils.py:849] GPU KV cache size: 3,537,392 tokens
        (EngineCore_0 pid=357) INFO 09-21 23:16:45 [kv_cache_utils.py:853] Maximum concurrency for 2,048 tokens per request: 1727.24x
        (EngineCore_0 pid=357) INFO 09-21 23:16:52 [gpu_model_runner.py:2708] Graph capturing finished in 7 secs, took 0.43 GiB
        """)
        XCTAssertEqual(log.engine, .vllm)
        XCTAssertEqual(log[.version], .text("0.10.2"))
        XCTAssertEqual(log[.mode], .text("V1"))
        XCTAssertEqual(log[.dtype], .text("bfloat16"))
        XCTAssertEqual(log[.maxModelLen], .tokens(2048))
        XCTAssertEqual(log.fields[.maxModelLen]?.line, 2, "the later statement of the same value")
        XCTAssertEqual(log[.tp], .count(1))
        XCTAssertEqual(log[.pp], .count(1))
        XCTAssertEqual(log[.enforceEager], .flag(false))
        XCTAssertEqual(log[.kvCacheDtype], .text("auto"))
        XCTAssertNil(log[.quantization], "None states nothing")
        XCTAssertEqual(log[.weightsLoaded], .bytes(2.0512 * Self.gib))
        XCTAssertEqual(log[.weights], .bytes(2.0512 * Self.gib), "no profiler line: the loading line's figure")
        XCTAssertEqual(log[.kvBytes], .bytes(67.47 * Self.gib))
        XCTAssertEqual(log[.tokens], .tokens(3_537_392))
        XCTAssertEqual(log[.maxConcurrencyTokens], .tokens(2048))
        XCTAssertEqual(log[.maxConcurrency], .number(1727.24))
        XCTAssertEqual(log[.cudaGraph], .bytes(0.43 * Self.gib))
        // Nothing else: a field not stated is absent.
        XCTAssertNil(log[.blocks])
        XCTAssertNil(log[.activation])
        XCTAssertNil(log[.nonTorch])
    }

    func testV1MemorySummary() throws {
        // vLLM ≥ 0.10 (gpu_worker.py), as quoted in public logs: the one-line summary, in both of its spellings.
        let log = try parse("""
        (EngineCore_DP0 pid=3021) INFO 09-23 18:12:39 [gpu_model_runner.py:3118] Graph capturing finished in 5 secs, took 0.67 GiB
        (EngineCore_DP0 pid=3021) INFO 09-23 18:12:39 [gpu_worker.py:391] Free memory on device (78.66/79.19 GiB) on startup. Desired GPU memory utilization is (0.9, 71.27 GiB). Actual usage is 14.08 GiB for weight, 1.97 GiB for peak activation, 0.07 GiB for non-torch memory, and 0.67 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=58333988249` to fit into requested memory, or `--kv-cache-memory=66273897472` to fully utilize gpu memory. Current kv cache memory in use is 59212694937 bytes.
        """)
        XCTAssertEqual(log[.freeBeforeLoad], .bytes(78.66 * Self.gib))
        XCTAssertEqual(log[.totalGPUMemory], .bytes(79.19 * Self.gib))
        XCTAssertEqual(log[.gpuMemoryUtilization], .number(0.9))
        XCTAssertEqual(log[.budget], .bytes(71.27 * Self.gib))
        XCTAssertEqual(log[.weights], .bytes(14.08 * Self.gib))
        XCTAssertEqual(log[.activation], .bytes(1.97 * Self.gib))
        XCTAssertEqual(log[.nonTorch], .bytes(0.07 * Self.gib))
        XCTAssertEqual(log[.cudaGraph], .bytes(0.67 * Self.gib))
        XCTAssertEqual(log[.kvBytes], .bytes(59_212_694_937))
        let other = try parse("""
        (EngineCore pid=326) INFO 10-06 17:00:41 [gpu_worker.py:955] Free memory on device (78.84/79.25 GiB) on startup. Desired GPU memory utilization is (0.92, 72.91 GiB). Actual usage is 15.26 GiB for consumed memory (weights + non-torch), 1.44 GiB for peak activation, and 0.23 GiB for CUDAGraph memory. Current kv cache memory in use is 18.65 GiB.
        """)
        XCTAssertEqual(other[.weightsAndNonTorch], .bytes(15.26 * Self.gib))
        XCTAssertNil(other[.weights])
        XCTAssertEqual(other[.kvBytes], .bytes(18.65 * Self.gib))
        // A figure missing before its phrase: unparsed at the phrase.
        let e = error("INFO Actual usage is GiB for weight\n")
        XCTAssertEqual(e?.column, 21)
        XCTAssertEqual(e?.message, "expected a number before \"GiB for weight\" (vLLM memory summary)")
    }

    func testOldBlockLinesAndArgs() throws {
        // vLLM 0.2.x (llm_engine.py) and the API server's Namespace echo; 0.5's "Graph capturing finished" has
        // no memory figure and is read as a bare line.
        let log = try parse("""
        INFO 12-01 10:00:00 api_server.py:719] vLLM API server version 0.2.4
        INFO 12-01 10:00:00 api_server.py:720] args: Namespace(host=None, port=8000, model='meta-llama/Llama-2-70b-hf', \
        dtype='auto', max_model_len=None, block_size=16, tensor_parallel_size=4, gpu_memory_utilization=0.9, \
        max_num_batched_tokens=None, max_num_seqs=256, enforce_eager=False, quantization=None, lora_modules=[('a', 'b')])
        INFO 12-01 10:00:05 llm_engine.py:207] # GPU blocks: 7403, # CPU blocks: 3276
        INFO 12-01 10:00:09 model_runner.py:756] Graph capturing finished in 18 secs.
        """)
        XCTAssertEqual(log[.version], .text("0.2.4"))
        XCTAssertEqual(log[.blocks], .count(7403))
        XCTAssertEqual(log[.cpuBlocks], .count(3276))
        XCTAssertEqual(log[.blockSize], .tokens(16))
        XCTAssertEqual(log[.tp], .count(4))
        XCTAssertEqual(log[.gpuMemoryUtilization], .number(0.9))
        XCTAssertEqual(log[.maxNumSeqs], .count(256))
        XCTAssertEqual(log[.dtype], .text("auto"))
        XCTAssertNil(log[.maxModelLen])
        XCTAssertNil(log[.maxNumBatchedTokens])
        XCTAssertNil(log[.cudaGraph])
    }

    func testNonDefaultArgsDict() throws {
        // vLLM 0.9+ prints the flags that differ from the defaults as a dict repr.
        let log = try parse("""
        INFO 06-14 04:57:01 [cli_args.py:261] non-default args: {'model': 'x', 'tensor_parallel_size': 2, \
        'gpu_memory_utilization': 0.82, 'max_num_batched_tokens': 2048, 'max_num_seqs': 1, 'enable_chunked_prefill': True}
        INFO 06-14 04:58:00 [gpu_worker.py:276] Available KV cache memory: 25.34 GiB
        """)
        XCTAssertEqual(log[.tp], .count(2))
        XCTAssertEqual(log[.gpuMemoryUtilization], .number(0.82))
        XCTAssertEqual(log[.maxNumBatchedTokens], .tokens(2048))
        XCTAssertEqual(log[.maxNumSeqs], .count(1))
        XCTAssertEqual(log[.enableChunkedPrefill], .flag(true))
        XCTAssertEqual(log[.kvBytes], .bytes(25.34 * Self.gib))
    }

    func testStartUpFailures() throws {
        // V0 (_check_if_can_support_max_seq_len) and V1 (check_enough_kv_cache_memory) refusals state the
        // capacity; V1 also a negative available memory.
        let v0 = try parse("""
        ERROR 07-03 14:17:08 engine.py:366] ValueError: The model's max seq len (32768) is larger than the maximum \
        number of tokens that can be stored in KV cache (5344). Try increasing `gpu_memory_utilization` or \
        decreasing `max_model_len` when initializing the engine.
        """)
        XCTAssertEqual(v0[.tokens], .tokens(5344))
        XCTAssertEqual(v0[.maxModelLen], .tokens(32768))
        let v1 = try parse("""
        (EngineCore_DP0 pid=15) ValueError: To serve at least one request with the models's max seq len (131072), \
        24.00 GiB KV cache is needed, which is larger than the available KV cache memory (10.91 GiB). Based on the \
        available memory, the estimated maximum model length is 59584. Try increasing `gpu_memory_utilization` or \
        decreasing `max_model_len` when initializing the engine.
        """)
        XCTAssertEqual(v1[.kvBytes], .bytes(10.91 * Self.gib))
        XCTAssertEqual(v1[.maxModelLenFit], .tokens(59584))
        XCTAssertEqual(v1[.maxModelLen], .tokens(131072))
        let negative = try parse("INFO 01-01 00:00:00 [gpu_worker.py:276] Available KV cache memory: -0.41 GiB\n")
        XCTAssertEqual(negative[.kvBytes], .bytes(-0.41 * Self.gib))
    }

    func testSGLangServerArgsAndGraphs() throws {
        // sglang 0.4: server_args echo, page_size as the block size, chunked_prefill_size -1 (disabled) states
        // nothing; "Capture cuda graph end" with its memory figure.
        let log = try parse("""
        [2025-05-29 23:22:50] server_args=ServerArgs(model_path='meta-llama/Meta-Llama-3-8B-Instruct', \
        tokenizer_mode='auto', dtype='auto', kv_cache_dtype='auto', quantization=None, context_length=None, \
        mem_fraction_static=0.88, max_running_requests=None, chunked_prefill_size=-1, max_prefill_tokens=16384, \
        tp_size=8, page_size=1, cuda_graph_max_bs=160, json_model_override_args='{}')
        [2025-05-29 23:22:58 TP0] Load weight end. type=LlamaForCausalLM, dtype=torch.bfloat16, avail mem=124.23 GB, mem usage=14.98 GB.
        [2025-05-29 23:22:58 TP1] Load weight end. type=LlamaForCausalLM, dtype=torch.bfloat16, avail mem=120.00 GB, mem usage=14.98 GB.
        [2025-05-29 23:23:10 TP0] Capture cuda graph end. Time elapsed: 12.10 s. mem usage=0.85 GB. avail mem=16.81 GB.
        """)
        XCTAssertEqual(log.engine, .sglang)
        XCTAssertEqual(log[.memFractionStatic], .number(0.88))
        XCTAssertEqual(log[.tp], .count(8))
        XCTAssertEqual(log[.blockSize], .tokens(1))
        XCTAssertEqual(log[.cudaGraphMaxBS], .count(160))
        XCTAssertEqual(log[.maxPrefillTokens], .tokens(16384))
        XCTAssertNil(log[.chunkedPrefillSize], "-1 means disabled")
        XCTAssertNil(log[.maxModelLen])
        XCTAssertEqual(log[.dtype], .text("bfloat16"), "the Load weight end line, after the echoed 'auto'")
        XCTAssertEqual(log[.freeAfterLoad], .bytes(124.23 * Self.gib), "TP0's line, not TP1's later one")
        XCTAssertEqual(log[.cudaGraph], .bytes(0.85 * Self.gib))
    }

    func testDataParallelReplicaZeroWins() throws {
        // SGLang with dp 2 prints each replica's pool; newer SGLang's "Load weight end. elapsed=…" form.
        let log = try parse("""
        [2025-11-04 05:27:10 DP1 TP0 EP0] Load weight end. elapsed=63.08 s, avail mem=26.47 GB, mem usage=78.99 GB
        [2025-11-04 05:27:10 DP0 TP0 EP0] Load weight end. elapsed=63.08 s, avail mem=26.40 GB, mem usage=78.99 GB
        [2025-11-04 05:27:13 DP1 TP0 EP0] KV Cache is allocated. #tokens: 524288, KV size: 17.16 GB
        [2025-11-04 05:27:13 DP0 TP0 EP0] KV Cache is allocated. #tokens: 520000, KV size: 17.02 GB
        [2025-11-04 05:27:14 DP1 TP0 EP0] Memory pool end. avail mem=9.00 GB
        """)
        XCTAssertEqual(log[.freeAfterLoad], .bytes(26.40 * Self.gib))
        XCTAssertEqual(log[.tokens], .tokens(520_000))
        XCTAssertEqual(log[.kvBytes], .bytes(17.02 * Self.gib))
        // Only replica 1 printed this one: stated, from a worker.
        XCTAssertEqual(log[.freeAfterPool], .bytes(9.0 * Self.gib))
        XCTAssertEqual(log.fields[.freeAfterPool]?.fromWorker, true)
    }

    func testLaterStartUpWins() throws {
        let log = try parse("""
        INFO 01-01 00:00:01 executor_base.py:111] # cuda blocks: 100, # CPU blocks: 5
        INFO 01-01 00:10:01 executor_base.py:111] # cuda blocks: 200, # CPU blocks: 5
        """)
        XCTAssertEqual(log[.blocks], .count(200))
        XCTAssertEqual(log.fields[.blocks]?.line, 2)
    }

    // MARK: Unparsed lines

    func testLookAlikeLineIsAnErrorAtItsColumn() {
        // A truncated block line: the count is missing.
        let text = "INFO 01-01 model loaded\nINFO 01-01 executor_base.py:111] # cuda blocks: , # CPU blocks: 5\n"
        let e = error(text)
        XCTAssertEqual(e?.line, 2)
        // "INFO 01-01 executor_base.py:111] # cuda blocks: " is 5 + 6 + 22 + 15 = 48 characters: the figure was
        // expected at column 49.
        XCTAssertEqual(e?.column, 49)
        XCTAssertEqual(e?.description, "t.log:2:49: expected a whole number after \"# cuda blocks:\" (vLLM block count)")
        XCTAssertEqual(e?.lineText, "INFO 01-01 executor_base.py:111] # cuda blocks: , # CPU blocks: 5")
        // Not strict: the rest is read, the line listed.
        let log = try? parse(text, strict: false)
        XCTAssertEqual(log?[.cpuBlocks], .count(5))
        XCTAssertEqual(log?.unparsed.map(\.description),
                       ["2:49: expected a whole number after \"# cuda blocks:\" (vLLM block count): \(e?.lineText ?? "")"])
    }

    func testTriggerWithoutFiguresIsUnparsed() {
        // "GPU KV cache size" with nothing readable after it; the concurrency line's count unreadable too (its
        // "tokens per request:" part is missing, so it has one failing label): counted in the error.
        let e = error("""
        INFO GPU KV cache size: unknown
        INFO Maximum concurrency for many tokens
        """)
        XCTAssertEqual(e?.line, 1)
        XCTAssertEqual(e?.column, 25)
        XCTAssertEqual(e?.message.hasSuffix("(and 1 more such line)"), true, e?.message ?? "")
    }

    func testUnreadableFlagValue() {
        let e = error("INFO x] args: Namespace(max_model_len=lots, tensor_parallel_size=2)\nINFO # GPU blocks: 5\n")
        XCTAssertEqual(e?.line, 1)
        XCTAssertEqual(e?.column, 39)
        XCTAssertEqual(e?.message, "expected a whole number for `max_model_len`")
    }

    func testOrdinaryLinesArePassedOver() throws {
        // Mentions of the KV cache that state no capacity are not capacity lines.
        let log = try parse("""
        WARNING 01-01 Using fp8 data type to store kv cache. It reduces the GPU memory footprint.
        INFO 01-01 Prefix caching is enabled.
        INFO 01-01 [gpu_worker.py:276] Available KV cache memory: 1.00 GiB
        """)
        XCTAssertEqual(log.stated.count, 1)
    }

    // MARK: Malformed input

    func testEmptyAndBlank() {
        for text in ["", "\n\n\n", "   \r\n"] {
            XCTAssertEqual(error(text)?.message.hasPrefix("has no line of a known vLLM or SGLang"), true, "\(text.debugDescription)")
        }
    }

    func testBinary() {
        let bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1] + Array("# GPU blocks: 5".utf8)
        XCTAssertThrowsError(try EngineLog.parse(bytes, path: "a.out")) { e in
            XCTAssertEqual((e as? EngineLogError)?.description, "a.out: is a binary file, not a text log")
        }
        // Invalid UTF-8 without NULs is text with odd bytes: read, not trapped.
        let odd: [UInt8] = [0xFF, 0xFE, 0x20] + Array("INFO # GPU blocks: 5, # CPU blocks: 1\n".utf8) + [0xC3]
        XCTAssertEqual(try EngineLog.parse(odd, path: "odd.log")[.blocks], .count(5))
    }

    func testCRLFBOMAndColours() throws {
        let plain = "INFO 01-01 [gpu_worker.py:276] Available KV cache memory: 2.50 GiB\nINFO # GPU blocks: 9, # CPU blocks: 1\n"
        let crlf = "\u{FEFF}" + plain.replacingOccurrences(of: "\n", with: "\r\n")
        // SGLang/vLLM colour their prefixes: ESC[32mINFO ESC[0m.
        let coloured = "\u{1B}[32mINFO\u{1B}[0m 01-01 [gpu_worker.py:276] Available KV cache memory: 2.50 GiB\n"
            + "\u{1B}[1;32mINFO\u{1B}[0m # GPU blocks: 9, # CPU blocks: 1\n"
        let expected = try parse(plain)
        XCTAssertEqual(try parse(crlf).fields, expected.fields)
        XCTAssertEqual(try parse(coloured).fields, expected.fields)
        XCTAssertEqual(expected[.kvBytes], .bytes(2.5 * Self.gib))
        // Columns count the line as shown, colour codes removed.
        let e = error("\u{1B}[32mINFO\u{1B}[0m # GPU blocks: x\r\n")
        XCTAssertEqual(e?.column, 20)
        XCTAssertEqual(e?.lineText, "INFO # GPU blocks: x")
    }

    func testProgressBarSegments() throws {
        // tqdm redraws with lone CRs; the capacity line can follow a bar on the same LF-line.
        let text = "Capturing CUDA graphs: 50%|#####|\rCapturing CUDA graphs: 100%|##########|\rINFO # GPU blocks: x, # CPU blocks: 1\n"
        let e = error(text)
        XCTAssertEqual(e?.line, 1)
        // The segment starts after 33 + 1 + 39 + 1 characters (two bars and their CRs); "INFO # GPU blocks: " is
        // 19 more.
        XCTAssertEqual(e?.column, 33 + 1 + 39 + 1 + 19 + 1)
        XCTAssertEqual(try parse(text, strict: false)[.cpuBlocks], .count(1))
    }

    func testHugeLines() throws {
        // A logged prompt of 1 MiB before the capacity line: passed over, bounded work.
        let prompt = "INFO Received request: prompt: '" + String(repeating: "x", count: 1 << 20) + "'\n"
        let log = try parse(prompt + "INFO # GPU blocks: 42, # CPU blocks: 1\n")
        XCTAssertEqual(log[.blocks], .count(42))
        XCTAssertEqual(log.fields[.blocks]?.line, 2)
        // Beyond the first 64 KiB of a line nothing is read, so a phrase there is not seen.
        let late = String(repeating: "y", count: EngineLog.maxLineBytes) + " # GPU blocks: 7\n"
        XCTAssertEqual(error(late)?.message.hasPrefix("has no line"), true)
        // A huge number is unreadable, not a trap.
        let digits = "INFO # GPU blocks: " + String(repeating: "9", count: 400) + "\n"
        XCTAssertEqual(error(digits)?.line, 1)
        XCTAssertEqual(error("INFO # GPU blocks: 99999999999999999999\n")?.line, 1)
    }

    func testTruncatedFile() {
        // Cut in the middle of the figure's unit: "2.50 Gi" is no unit. The figure starts after 5 + 20 + 26 + 1
        // characters.
        XCTAssertEqual(error("INFO [gpu_worker.py:276] Available KV cache memory: 2.50 Gi")?.column, 53)
        // Cut before the figure.
        XCTAssertEqual(error("[2025] KV Cache is allocated. #tokens:")?.line, 1)
    }

    func testMixedEnginesAndFlagsOnly() {
        let mixed = error("""
        INFO # GPU blocks: 5, # CPU blocks: 1
        [2025] Memory pool end. avail mem=3.00 GB
        """)
        XCTAssertEqual(mixed?.message, "mixes vLLM lines (line 1) and SGLang lines (line 2): give one engine's log")
        // Not strict, but nothing readable: the look-alike line is the error, not "no capacity line".
        let only = error("INFO # GPU blocks: x\n", strict: false)
        XCTAssertEqual(only?.line, 1)
        XCTAssertEqual(only?.message.hasPrefix("no capacity figure could be read"), true)
        let flags = error("INFO x] non-default args: {'max_model_len': 4096}\n")
        XCTAssertEqual(flags?.message.hasPrefix("echoes the engine's flags but states no memory"), true)
    }

    func testFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engine-log-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try EngineLog.read(path: dir.appendingPathComponent("none.log").path)) {
            XCTAssertEqual(($0 as? EngineLogError)?.message, "no such file")
        }
        XCTAssertThrowsError(try EngineLog.read(path: dir.path)) {
            XCTAssertEqual(($0 as? EngineLogError)?.message, "is a directory, not a log")
        }
        // One byte over the cap: refused before parsing.
        let big = dir.appendingPathComponent("big.log")
        try Data(repeating: UInt8(ascii: "a"), count: EngineLog.maxBytes + 1).write(to: big)
        XCTAssertThrowsError(try EngineLog.read(path: big.path)) {
            XCTAssertEqual(($0 as? EngineLogError)?.message.hasPrefix("is larger than 16 MiB"), true)
        }
        let good = dir.appendingPathComponent("good.log")
        try Data("INFO # GPU blocks: 5, # CPU blocks: 1\n".utf8).write(to: good)
        XCTAssertEqual(try EngineLog.read(path: good.path)[.blocks], .count(5))
    }
}
