/// What a vLLM or SGLang start-up log states about its KV-cache sizing: the memory figures the engine printed, the
/// block or token count it allocated, and the flags it echoed. A field the log does not state is absent, never 0.
///
/// Units: both engines print "GB" where the value is GiB (vLLM divides by 2^30 in `model_runner.py`/`worker.py`,
/// SGLang's `get_available_gpu_memory` by 1 << 30), so every byte figure here is the printed number × 2^30.
public struct EngineLog: Sendable, Equatable {
    public enum Engine: String, Sendable, CaseIterable {
        case vllm, sglang
    }

    /// A stated value, in the kind its field holds.
    public enum Value: Sendable, Equatable {
        case bytes(Double)
        case tokens(Int)
        case count(Int)
        case number(Double)
        case text(String)
        case flag(Bool)
    }

    /// Where a field's value was read: the 1-based line of the file, and whether a non-driver rank printed it.
    public struct Statement: Sendable, Equatable {
        public var value: Value
        public var line: Int
        public var fromWorker: Bool
    }

    /// A line that looks like a capacity line (it holds one of the formats' key phrases) but could not be read:
    /// its 1-based line and column (in characters of the line as written, colour codes included), the line's
    /// text (without colour codes, capped) and what was expected there.
    public struct Unparsed: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var text: String
        public var reason: String

        public var description: String { "\(line):\(column): \(reason): \(text)" }
    }

    public var engine: Engine
    public var fields: [Field: Statement]
    /// In file order.
    public var unparsed: [Unparsed]

    public init(engine: Engine, fields: [Field: Statement], unparsed: [Unparsed]) {
        self.engine = engine
        self.fields = fields
        self.unparsed = unparsed
    }

    public subscript(_ field: Field) -> Value? { fields[field]?.value }

    /// The stated fields in the order of `Field.allCases` (a stable order for printing).
    public var stated: [(field: Field, value: Value)] {
        Field.allCases.compactMap { f in fields[f].map { (f, $0.value) } }
    }
}

extension EngineLog {
    /// Every figure a log can state. The raw value is the name the language record uses; names shared with
    /// `kv_capacity`'s record (weights, activation, non_torch, budget, blocks, tokens, block_size) mean the same.
    public enum Field: String, Sendable, CaseIterable {
        case version, mode
        // What the engine measured (vLLM's profiler; SGLang's free-memory probes).
        case totalGPUMemory = "total_gpu_memory"
        case gpuMemoryUtilization = "gpu_memory_utilization"
        case budget
        /// The profiler's "model weights take", else the loading line's figure.
        case weights
        /// "Loading model weights took" / "Model loading took" (vLLM), "mem usage" at "Load weight end" (SGLang).
        case weightsLoaded = "weights_loaded"
        case activation
        case nonTorch = "non_torch"
        /// vLLM ≥ 0.10's summary when it cannot tell them apart: "… GiB for consumed memory (weights + non-torch)".
        case weightsAndNonTorch = "weights_and_non_torch"
        /// vLLM 0.6.4's one-line report: peak torch memory (weights included), memory before and after profiling.
        case peakTorch = "peak_torch"
        case initialMemory = "initial_memory"
        case postProfileMemory = "post_profile_memory"
        case cudaGraph = "cuda_graph"
        case kvBytes = "kv_bytes"
        case kBytes = "k_bytes"
        case vBytes = "v_bytes"
        case blocks
        case cpuBlocks = "cpu_blocks"
        case tokens
        case maxConcurrency = "max_concurrency"
        case maxConcurrencyTokens = "max_concurrency_tokens"
        /// vLLM's start-up failure: the longest context the KV memory would hold.
        case maxModelLenFit = "max_model_len_fit"
        /// SGLang's "Load weight begin. avail mem", vLLM ≥ 0.10's "Free memory on device (free/total) on startup".
        case freeBeforeLoad = "free_before_load"
        case freeAfterLoad = "free_after_load"
        case freeAfterPool = "free_after_pool"
        // The flags it echoes (vLLM's config and args lines, SGLang's server_args and its summary line).
        case maxModelLen = "max_model_len"
        case maxNumSeqs = "max_num_seqs"
        case maxNumBatchedTokens = "max_num_batched_tokens"
        case enableChunkedPrefill = "enable_chunked_prefill"
        case blockSize = "block_size"
        case dtype
        case kvCacheDtype = "kv_cache_dtype"
        case quantization
        case tp, pp
        case enforceEager = "enforce_eager"
        case memFractionStatic = "mem_fraction_static"
        case chunkedPrefillSize = "chunked_prefill_size"
        case maxPrefillTokens = "max_prefill_tokens"
        case maxRunningRequests = "max_running_requests"
        case cudaGraphMaxBS = "cuda_graph_max_bs"

        /// True for the flags, false for what the engine measured or allocated.
        public var isFlag: Bool {
            switch self {
            case .maxModelLen, .maxNumSeqs, .maxNumBatchedTokens, .enableChunkedPrefill, .blockSize, .dtype,
                 .kvCacheDtype, .quantization, .tp, .pp, .enforceEager, .memFractionStatic, .chunkedPrefillSize,
                 .maxPrefillTokens, .maxRunningRequests, .cudaGraphMaxBS, .version, .mode:
                return true
            default:
                return false
            }
        }
    }
}
