/// SGLang's KV-pool rule and its default `mem_fraction_static`, by family of releases.
///
/// The pool (`model_runner.py` `profile_max_num_token`, unchanged from v0.1.17 to v0.5.x): with `before` the
/// free memory when weights start loading and `after` the free memory once they are loaded (both the minimum over
/// ranks), rest = after − before × (1 − mem_fraction_static); tokens = ⌊rest / cell_size⌋, cell_size the KV bytes of
/// one token on the rank, floored to whole pages. What the default fraction is changed several times:
///
/// | family | releases | default mem_fraction_static | read in |
/// |---|---|---|---|
/// | `tp-table` | 0.1.17 … 0.4.5 | by tp: 0.88, 0.87 (tp ≥ 2), 0.85 (≥ 4), 0.83 (≥ 8), 0.79 (≥ 16) | `python/sglang/srt/server_args.py` `__post_init__` @v0.2.13, @v0.3.0, @v0.4.2 |
/// | `large-gpu` | 0.4.6.x | the table, then on GPUs over 96 GiB min(f + 48 GiB × (1 − f) / mem, (mem − 18 GiB) / mem) | server_args.py @v0.4.6.post2; the H200 log's 0.8718 reproduces it |
/// | `reserve-floor` | 0.4.7 … 0.5.3 | the table, capped at (mem − 10 GiB) / mem on GPUs over 60 GiB, rounded to 3 places | fitted to the 0.4.7.post1 H100 log (0.874); not read in source |
/// | `reserved-mem` | 0.5.4 … | (mem − reserved) / mem, reserved = 512 MiB + 1.5 MiB × max(chunked_prefill_size, 2048) + 2 MiB × cuda_graph_max_bs + tp × 128 MiB, at least 10 GiB on GPUs over 60 GiB | server_args.py `_handle_gpu_memory_settings` (PR #10975) |
public enum SGLangFamily: String, Sendable, CaseIterable {
    case tpTable = "tp-table"
    case largeGPU = "large-gpu"
    case reserveFloor = "reserve-floor"
    case reservedMem = "reserved-mem"

    public var versions: String {
        switch self {
        case .tpTable: return "0.1.17 … 0.4.5"
        case .largeGPU: return "0.4.6.x"
        case .reserveFloor: return "0.4.7 … 0.5.3"
        case .reservedMem: return "0.5.4 and later"
        }
    }

    static func family(for v: EngineVersion) -> SGLangFamily? {
        guard v.atLeast(0, 1, 17) else { return nil }
        if !v.atLeast(0, 4, 6) { return .tpTable }
        if !v.atLeast(0, 4, 7) { return .largeGPU }
        if !v.atLeast(0, 5, 4) { return .reserveFloor }
        return .reservedMem
    }

    static func table(tp: Int) -> Double {
        switch tp {
        case 16...: return 0.79
        case 8...: return 0.83
        case 4...: return 0.85
        case 2...: return 0.87
        default: return 0.88
        }
    }

    /// SGLang's defaults for chunked_prefill_size and cuda_graph_max_bs by GPU memory (MiB) in the reserved-mem
    /// family (server_args.py buckets: < 20 GiB, < 35, < 60, < 90, < 160, larger); earlier families: 8192 and 160.
    func defaults(gpuMiB: Double, tp: Int) -> (chunked: Int, graphBs: Int) {
        guard self == .reservedMem else { return (8192, 160) }
        switch gpuMiB {
        case ..<(20 * 1024): return (2048, tp < 4 ? 8 : 80)
        case ..<(35 * 1024): return (2048, tp < 4 ? 24 : 80)
        case ..<(60 * 1024): return (4096, tp < 4 ? 32 : 160)
        case ..<(160 * 1024): return (8192, tp < 4 ? 256 : 512)
        default: return (16384, 512)
        }
    }

    /// The default mem_fraction_static on a GPU of `gpuBytes` (the engine reads it in MiB).
    func memFractionStatic(gpuBytes: Double, tp: Int, chunkedPrefillSize: Int, cudaGraphMaxBs: Int) -> Double {
        let mib = gpuBytes / 1_048_576
        let gib = 1024.0
        func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        switch self {
        case .tpTable:
            return Self.table(tp: tp)
        case .largeGPU:
            let f = Self.table(tp: tp)
            guard mib > 96 * gib else { return f }
            return min(f + 48 * gib * (1 - f) / mib, (mib - 18 * gib) / mib)
        case .reserveFloor:
            let f = Self.table(tp: tp)
            guard mib > 60 * gib else { return f }
            return min(f, round3((mib - 10 * gib) / mib))
        case .reservedMem:
            var reserved = 512 + 1.5 * Double(max(chunkedPrefillSize, 2048)) + 2 * Double(cudaGraphMaxBs)
                + Double(tp) / 8 * gib
            if mib > 60 * gib { reserved = max(reserved, 10 * gib) }
            return max(0.01, round3((mib - reserved) / mib))
        }
    }
}
