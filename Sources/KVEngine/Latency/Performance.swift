/// What an accelerator achieves, beside its datasheet peaks: the fractions a real engine reaches and the
/// interconnect tensor parallelism all-reduces over. Defaults are fitted to published measurements
/// (Benchmarks/latency/fit.py on Tests/KVEngineTests/Fixtures/latency/calibration.json); presets override them
/// per GPU generation where the measurements say more.
public struct AcceleratorPerformance: Sendable, Equatable {
    /// Dense FP8 tensor throughput in FLOP/s; 0 when the chip has no FP8 tensor cores (fp8 weights then compute
    /// at the 16-bit rate).
    public var fp8Flops: Double
    /// Achieved fraction of the memory bandwidth when streaming weights and KV (fits: A100 0.87, MI250X 0.70,
    /// L40S 0.70; the default, 0.70, their median). Hopper's presets come from memory microbenchmarks instead
    /// (H100 SXM 0.84, H200 0.72: Tests/KVEngineTests/Latency/StreamingEfficiencyTests).
    public var bandwidthEfficiency: Double
    /// Achieved fraction of the 16-bit tensor peak on large GEMMs (A100 fit: 0.66).
    public var flopsEfficiency: Double
    /// Achieved fraction of the FP8 tensor peak on large GEMMs (H100/H200/L40S fit: 0.54).
    public var fp8FlopsEfficiency: Double
    /// Interconnect bandwidth per GPU per direction in bytes/s (NVLink, PCIe, Infinity Fabric); 0 = unknown.
    public var interconnect: Double
    /// Latency of one small all-reduce between two GPUs, in seconds (NVLink fit: 9.5 µs).
    public var interconnectLatency: Double
    /// Achieved fraction of the interconnect bandwidth in a ring all-reduce (L40S PCIe fit: 0.46).
    public var interconnectEfficiency: Double

    public static let defaults = AcceleratorPerformance()

    public init(fp8Flops: Double = 0, bandwidthEfficiency: Double = 0.70, flopsEfficiency: Double = 0.66,
                fp8FlopsEfficiency: Double = 0.54, interconnect: Double = 0, interconnectLatency: Double = 9.5e-6,
                interconnectEfficiency: Double = 0.46) {
        self.fp8Flops = fp8Flops
        self.bandwidthEfficiency = bandwidthEfficiency
        self.flopsEfficiency = flopsEfficiency
        self.fp8FlopsEfficiency = fp8FlopsEfficiency
        self.interconnect = interconnect
        self.interconnectLatency = interconnectLatency
        self.interconnectEfficiency = interconnectEfficiency
    }
}

/// Constants of the latency model that belong to no one accelerator, each fitted on the calibration set.
public enum LatencyConstants {
    /// Fixed time per decoder layer per forward pass (kernel launches and tails, synchronisation): 59 µs, fitted
    /// on gpt-fast's batch-1 decode (A100, MI250X) — 1.9 ms per step for a 32-layer model.
    public static let layerOverhead = 59e-6
    /// Once per request before its first token (scheduling, sampling): 1.5 ms, fitted on TensorRT-LLM's TTFT.
    public static let requestOverhead = 1.5e-3
    /// Tokens in a step at which a GEMM reaches half its large-GEMM efficiency (tile and wave quantisation):
    /// efficiency × n / (n + 54), fitted on TTFT at 128 vs 2048 prompt tokens.
    public static let halfEfficiencyTokens = 54.0
    /// The lowest share of the tensor-core rate a step reaches however few its tokens: below a few tokens engines
    /// run GEMV kernels on the vector (CUDA-core) units rather than padding tensor-core tiles, and those run at
    /// about 1/16 of the tensor peak (A100: 19.5 FP32 vs 312 BF16 TFLOPS; H100 SXM: 67 vs 989). Not fitted: without
    /// it a 1-token step would compute as if padded to 54 tokens, which made gpt-fast's batch-1 int8 decode on one
    /// MI250X GCD (95.75 TFLOPS) compute-bound and 37 % slow (Fixtures/latency/holdout.json).
    public static let gemvEfficiencyFloor = 1.0 / 16
    /// Weight-only int8/int4 kernels dequantise each weight element they stream (convert, scale: about 2 ops) on
    /// the vector units, at the GEMV floor's rate (bf16 peak / 16), and that work is not hidden behind the stream.
    /// Fitted on the calibration set's int8 rows (gpt-fast, A100), where it was first a factor on the bandwidth,
    /// 0.84: (1/0.84 − 1) × 19.5 TFLOPS / (2.039 TB/s × 0.87) = 2.09 ops per weight, the same time on A100.
    /// Per element and at the chip's vector rate, not per byte: an int4 byte holds two weights to dequantise, and
    /// H100 has 3.2× the A100's vector rate for 1.6× its bandwidth (Tests: LatencyHoldoutTests).
    public static let dequantOpsPerWeight = 2.1
    /// Bytes per activation element moved between layers and over the interconnect (16-bit activations).
    public static let activationBytes = 2.0
}
