/// The log lines engine_log reads, as key phrases (triggers) and labelled figures. A line holding a trigger is a
/// capacity line: each label found in it must be followed by a figure of its kind (after spaces and one of
/// `takes`, `=`, `(`, `:`, `is`), and at least one label or a bare phrase must be there; otherwise the line is
/// unparsed (an error, or listed). Lines with no trigger carry no capacity figures and are passed over.
///
/// Where each format was read (the f-strings and `logger.info` calls; tags are releases):
/// - vLLM blocks: `llm_engine.py` `_init_cache` (v0.2.x: "# GPU blocks: %d, # CPU blocks: %d"),
///   `distributed_gpu_executor.py`/`gpu_executor.py` (v0.5–v0.6), `executor_base.py` (v0.7–v0.8:
///   "# %s blocks: %d, # CPU blocks: %d" with the platform's device name: cuda, CUDA, npu …).
/// - vLLM profile: `worker.py` `determine_num_available_blocks` — v0.6.4: "Memory profiling results:
///   total_gpu_memory=… initial_memory_usage=… peak_torch_memory=… memory_usage_post_profile=…Gib
///   non_torch_memory=… kv_cache_size=… gpu_memory_utilization=…"; Dec 2024 (PR #10511, one label per line
///   after "Memory profiling results:"); v0.6.5–v0.8 and V1 `gpu_worker.py` v0.9: "Memory profiling takes …
///   seconds / the current vLLM instance can use total_gpu_memory (…GiB) x gpu_memory_utilization (…) = …GiB /
///   model weights take …GiB; non_torch_memory takes …GiB; PyTorch activation peak memory takes …GiB; the rest
///   of the memory reserved for KV Cache is …GiB."
/// - vLLM V1: `v1/core/kv_cache_utils.py` ("GPU KV cache size: %s tokens", "Maximum concurrency for %s tokens per
///   request: %.2fx", v0.8+; the concurrency line also in V0's executors from v0.6.4), `v1/worker/gpu_worker.py`
///   ("Available KV cache memory: %.2f GiB", v0.9+), its start-up failure in `check_enough_kv_cache_memory`
///   ("… larger than the available KV cache memory (%.2f GiB) … the estimated maximum model length is %d"), and
///   V0's `_check_if_can_support_max_seq_len` ("… larger than the maximum number of tokens that can be stored in
///   KV cache (%d)").
/// - vLLM loading: `model_runner.py` "Loading model weights took %.4f GB" (v0.4–v0.7), "Model loading took %.4f
///   GB and %.6f seconds" (v0.8 V0), `gpu_model_runner.py` "Model loading took %.4f GiB and %.6f seconds" (V1);
///   graphs: "Graph capturing finished in %.0f secs, took %.2f GiB"; `config.py` "Chunked prefill is enabled with
///   max_num_batched_tokens=%d."
/// - SGLang `model_executor/model_runner.py` (v0.2.13 … v0.4.7): "Load weight begin. avail mem=%.2f GB", "Load
///   weight end. type=%s, dtype=%s, avail mem=%.2f GB[, mem usage=%.2f GB]." (mem usage from v0.4), "KV Cache is
///   allocated. #tokens: %d, K size: %.2f GB, V size: %.2f GB" (MLA: "KV size: %.2f GB"), "Memory pool end. avail
///   mem=%.2f GB", "Capture cuda graph end. Time elapsed: %.2f s. mem usage=%.2f GB. avail mem=%.2f GB."; and
///   `managers/scheduler.py` (`tp_worker.py` before v0.3.1) "max_total_num_tokens=%d, chunked_prefill_size=%d,
///   max_prefill_tokens=%d, max_running_requests=%d, context_len=%d".
enum EngineLogFormats {
    enum Reading {
        /// A byte figure with its unit (GB/GiB/Gib are GiB; MB/MiB).
        case bytes
        /// A byte figure here, or else after the next "= " ("… x gpu_memory_utilization (0.90) = 35.55GiB").
        case bytesAfterEquals
        case number
        /// A number followed by "x" (a concurrency).
        case multiplier
        case count
        case tokens
        /// A count flag that may be disabled: "None" or a negative number states nothing.
        case optionalTokens
        /// A dtype word; "torch." is dropped.
        case dtype
        /// A number just before the phrase, in GiB ("14.08 GiB for weight": the phrase starts with " GiB").
        case gibBefore
        /// A bare number after the phrase, in GiB ("Free memory on device (78.66/79.19 GiB)").
        case gibNumber
        /// A byte figure with its unit, or a count of bytes ("… in use is 59212694937 bytes").
        case bytesOrByteCount
    }

    struct Label {
        let phrase: String
        let field: EngineLog.Field
        let reading: Reading
        init(_ phrase: String, _ field: EngineLog.Field, _ reading: Reading) {
            self.phrase = phrase
            self.field = field
            self.reading = reading
        }
    }

    struct Format {
        let name: String
        let engine: EngineLog.Engine
        let triggers: [String]
        /// The triggers as bytes, converted once: every line of a log is checked against them.
        let triggerBytes: [[UInt8]]
        let labels: [Label]
        /// Phrases that make a line recognised even with no figure ("Memory profiling takes 1.32 seconds").
        let bare: [String]
        /// Fields a matching line states by being there (the chunked-prefill notice).
        let constants: [(EngineLog.Field, EngineLog.Value)]

        init(_ name: String, _ engine: EngineLog.Engine, triggers: [String], labels: [Label], bare: [String] = [],
             constants: [(EngineLog.Field, EngineLog.Value)] = []) {
            self.name = name
            self.engine = engine
            self.triggers = triggers
            self.triggerBytes = triggers.map { Array($0.utf8) }
            self.labels = labels
            self.bare = bare
            self.constants = constants
        }
    }

    /// SGLang first: its "KV Cache is allocated" would otherwise be read as vLLM's "… KV Cache is".
    static let sglang: [Format] = [
        Format("SGLang load begin", .sglang, triggers: ["Load weight begin"],
               labels: [Label("avail mem=", .freeBeforeLoad, .bytes)]),
        Format("SGLang load end", .sglang, triggers: ["Load weight end"],
               labels: [Label("avail mem=", .freeAfterLoad, .bytes), Label("mem usage=", .weightsLoaded, .bytes),
                        Label("dtype=", .dtype, .dtype)]),
        Format("SGLang KV pool", .sglang, triggers: ["KV Cache is allocated"],
               labels: [Label("#tokens:", .tokens, .tokens), Label(" K size:", .kBytes, .bytes),
                        Label(" V size:", .vBytes, .bytes), Label("KV size:", .kvBytes, .bytes)]),
        Format("SGLang memory pool end", .sglang, triggers: ["Memory pool end"],
               labels: [Label("avail mem=", .freeAfterPool, .bytes)]),
        Format("SGLang scheduler summary", .sglang, triggers: ["max_total_num_tokens="],
               labels: [Label("max_total_num_tokens=", .tokens, .tokens),
                        Label("chunked_prefill_size=", .chunkedPrefillSize, .optionalTokens),
                        Label("max_prefill_tokens=", .maxPrefillTokens, .optionalTokens),
                        Label("max_running_requests=", .maxRunningRequests, .count),
                        Label("context_len=", .maxModelLen, .tokens)]),
        Format("SGLang CUDA graphs", .sglang, triggers: ["Capture cuda graph end"],
               labels: [Label("mem usage=", .cudaGraph, .bytes)], bare: ["Capture cuda graph end"]),
    ]

    static let profile = "vLLM memory profile"

    static let blockDevices = ["GPU", "CUDA", "cuda", "NPU", "npu", "XPU", "xpu", "HPU", "hpu", "rocm", "ROCm"]

    static let vllm: [Format] = [
        Format("vLLM block count", .vllm, triggers: ["# CPU blocks:"] + blockDevices.map { "# \($0) blocks:" },
               labels: blockDevices.map { Label("# \($0) blocks:", .blocks, .count) }
                   + [Label("# CPU blocks:", .cpuBlocks, .count)]),
        Format(profile, .vllm,
               triggers: ["Memory profiling", "total_gpu_memory", "model weights take", "non_torch_memory",
                          "PyTorch activation peak memory", "available_kv_cache_memory", "kv_cache_size=",
                          "the current vLLM instance can use", "reserved for KV Cache is"],
               labels: [Label("total_gpu_memory", .totalGPUMemory, .bytes),
                        Label("gpu_memory_utilization", .gpuMemoryUtilization, .number),
                        Label("the current vLLM instance can use", .budget, .bytesAfterEquals),
                        Label("initial_memory_usage", .initialMemory, .bytes),
                        Label("peak_torch_memory", .peakTorch, .bytes),
                        Label("memory_usage_post_profile", .postProfileMemory, .bytes),
                        Label("model weights take", .weights, .bytes),
                        Label("non_torch_memory", .nonTorch, .bytes),
                        Label("PyTorch activation peak memory", .activation, .bytes),
                        Label("kv_cache_size", .kvBytes, .bytes),
                        Label("available_kv_cache_memory", .kvBytes, .bytes),
                        // "the rest of the memory reserved for KV Cache is": the short phrase also reads a
                        // line whose middle was cut.
                        Label("KV Cache is", .kvBytes, .bytes)],
               bare: ["Memory profiling results:", "Memory profiling takes", "duration"]),
        Format("vLLM KV cache size", .vllm, triggers: ["GPU KV cache size"],
               labels: [Label("GPU KV cache size:", .tokens, .tokens)]),
        Format("vLLM concurrency", .vllm, triggers: ["Maximum concurrency for"],
               labels: [Label("Maximum concurrency for", .maxConcurrencyTokens, .tokens),
                        Label("tokens per request:", .maxConcurrency, .multiplier)]),
        // V1 gpu_worker.py from about v0.10.2 (with --kv-cache-memory): "Free memory on device (78.66/79.19 GiB)
        // on startup. Desired GPU memory utilization is (0.9, 71.27 GiB). Actual usage is 14.08 GiB for weight,
        // 1.97 GiB for peak activation, 0.07 GiB for non-torch memory, and 0.67 GiB for CUDAGraph memory. …
        // Current kv cache memory in use is 59212694937 bytes." (weights + non-torch together in some releases).
        Format("vLLM memory summary", .vllm,
               triggers: ["Free memory on device", "Actual usage is", "Current kv cache memory in use"],
               labels: [Label("Free memory on device (", .freeBeforeLoad, .gibNumber),
                        Label(" GiB) on startup", .totalGPUMemory, .gibBefore),
                        Label("Desired GPU memory utilization is (", .gpuMemoryUtilization, .number),
                        Label(" GiB). Actual usage", .budget, .gibBefore),
                        Label(" GiB for weight", .weights, .gibBefore),
                        Label(" GiB for consumed memory", .weightsAndNonTorch, .gibBefore),
                        Label(" GiB for peak activation", .activation, .gibBefore),
                        Label(" GiB for non-torch memory", .nonTorch, .gibBefore),
                        Label(" GiB for CUDAGraph memory", .cudaGraph, .gibBefore),
                        Label("Current kv cache memory in use is", .kvBytes, .bytesOrByteCount)]),
        Format("vLLM available KV memory", .vllm, triggers: ["Available KV cache memory"],
               labels: [Label("Available KV cache memory:", .kvBytes, .bytes)]),
        Format("vLLM model loading", .vllm, triggers: ["Loading model weights took", "Model loading took"],
               labels: [Label("Loading model weights took", .weightsLoaded, .bytes),
                        Label("Model loading took", .weightsLoaded, .bytes)]),
        Format("vLLM CUDA graphs", .vllm, triggers: ["Graph capturing finished"],
               labels: [Label(", took", .cudaGraph, .bytes)], bare: ["Graph capturing finished"]),
        // config.py (V1, v0.8+): "Using max model len %s" when the model's context is taken as the default.
        Format("vLLM max model len", .vllm, triggers: ["Using max model len"],
               labels: [Label("Using max model len", .maxModelLen, .tokens)]),
        Format("vLLM chunked prefill", .vllm, triggers: ["Chunked prefill is enabled"],
               labels: [Label("max_num_batched_tokens=", .maxNumBatchedTokens, .tokens)],
               constants: [(.enableChunkedPrefill, .flag(true))]),
        Format("vLLM does not fit", .vllm,
               triggers: ["stored in KV cache (", "than the available KV cache memory ("],
               labels: [Label("stored in KV cache (", .tokens, .tokens),
                        Label("available KV cache memory (", .kvBytes, .bytes),
                        Label("max seq len (", .maxModelLen, .tokens),
                        Label("estimated maximum model length is", .maxModelLenFit, .tokens)]),
    ]
}
