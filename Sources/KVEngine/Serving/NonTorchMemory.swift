/// GPU families whose memory outside PyTorch differs, told from the accelerator's name.
public enum GPUGeneration: String, Sendable, CaseIterable {
    /// V100, T4 and other pre-Ampere or PCIe-only cards (no custom all-reduce, small NCCL buffers).
    case older
    /// A100 and A30 (NVLink; and any record whose name says nothing).
    case ampere
    /// PCIe-only cards without NVLink: L4, L40/L40S, A10/A10G, A40, RTX A6000, RTX 30/40 (small NCCL buffers,
    /// no custom all-reduce).
    case pcie
    /// H100, H200, H800, H20, B200, GB200: NVSwitch systems where NCCL's NVLS buffers grow with tp.
    case hopper
    /// AMD Instinct MI300X/MI308X/MI325X (RCCL).
    case cdna3

    public static func of(_ gpu: Accelerator) -> GPUGeneration {
        let n = gpu.name.uppercased().replacingOccurrences(of: " ", with: "")
        if n.hasPrefix("MI3") || n.contains("INSTINCT") { return .cdna3 }
        for p in ["H100", "H200", "H800", "H20", "GH200", "B100", "B200", "GB200", "B300"] where n.contains(p) {
            return .hopper
        }
        for p in ["V100", "T4", "P100", "TITAN", "RTX20", "2080"] where n.contains(p) { return .older }
        if n.contains("A100") || n.contains("A30") { return .ampere }
        for p in ["L4", "L40", "A10", "A40", "A6000", "RTX", "3090", "4090", "5090"] where n.contains(p) { return .pcie }
        return .ampere
    }
}

/// Memory outside PyTorch's allocator on one rank, part by part, with fitted defaults per GPU generation.
/// Each figure is a named parameter (bytes); the fits are from the calibration logs named beside each.
public struct NonTorchModel: Sendable, Equatable {
    /// CUDA/HIP context and runtime allocations, present before the engine measures anything.
    public var context: Double
    /// cuBLAS/cuBLASLt and attention-backend workspaces, created by the first forward pass.
    public var workspace: Double
    /// NCCL/RCCL buffers per peer rank (tp − 1 peers), including NVLS buffers on NVSwitch systems.
    public var ncclPerPeer: Double
    /// The share of those NCCL buffers allocated when the communicator is created (the rest at the first collective).
    public var ncclAtInit: Double
    /// vLLM's custom all-reduce buffers (tp > 1): two 8 MiB IPC buffers and the 8 MiB signal area.
    public var customAllReduce: Double
    /// Extra on rank 0 per peer: the other ranks' contexts and IPC mappings on the first device.
    public var rank0PerPeer: Double
    /// Ranks on one node: NVLS buffers, IPC mappings and custom all-reduce stay within it; peers beyond it are
    /// reached over the network at `ncclPerRemotePeer` each (assumed: no log of a multi-node rank's memory).
    public var gpusPerNode: Int = 8
    public var ncclPerRemotePeer: Double = 0.05 * 1_073_741_824

    static let gib = 1_073_741_824.0

    /// Fitted per generation:
    /// - context: Ampere 0.30 GiB from vLLM 0.8.3 V1 vs V0 on an RTX A6000 (314,272 vs 338,976 tokens, same flags);
    ///   Hopper 0.50 GiB (the CUDA 12 context on H100/H200), AMD 0.60 GiB;
    /// - workspace: the 0.6.5+ "non_torch_memory" of single-GPU logs: 0.06 GiB (A10G, A6000), 0.10 (A100 40GB),
    ///   0.16 (H100, L40S), 0.22 (H200) → 0.08 Ampere, 0.18 Hopper;
    /// - NCCL per peer: 0.10 GiB Ampere (Gemma-3 27B tp 4 on A100 40GB, vLLM 0.8.0rc3: 0.40 GiB on ranks 1–3);
    ///   0.65 GiB Hopper (Llama-3.1 70B tp 8 on H200, vLLM 0.6.4: 5.68 GiB non-torch on ranks 1–7, NVLS);
    ///   0.90 GiB AMD (Llama-3.1 8B tp 8 on MI300X, vLLM 0.6.4: 7.00 GiB); 0.01 GiB older PCIe cards
    ///   (Gemma-3 27B tp 8 on 16 GB cards, 0.11 GiB), also PCIe cards (SGLang tp 8 on L4: 0.38 GiB in use before loading);
    /// - at init: 0.43 Hopper (SGLang 0.3.0 tp 8 on H100: 2.46 GiB in use before loading), 0.95 AMD (SGLang tp 8
    ///   on MI308X), 0.5 otherwise;
    /// - rank 0 per peer: 0.29 GiB Hopper (7.71 − 5.68 GiB over 7 peers), 0.146 AMD (8.02 − 7.00), 0.04 Ampere
    ///   (0.52 − 0.40 over 3).
    public static func fitted(_ g: GPUGeneration) -> NonTorchModel {
        let car = 24.0 * 1_048_576
        switch g {
        case .older:
            return NonTorchModel(context: 0.30 * gib, workspace: 0.05 * gib, ncclPerPeer: 0.01 * gib, ncclAtInit: 0.5,
                                 customAllReduce: 0, rank0PerPeer: 0)
        case .pcie:
            return NonTorchModel(context: 0.30 * gib, workspace: 0.08 * gib, ncclPerPeer: 0.01 * gib, ncclAtInit: 0.5,
                                 customAllReduce: 0, rank0PerPeer: 0)
        case .ampere:
            return NonTorchModel(context: 0.30 * gib, workspace: 0.08 * gib, ncclPerPeer: 0.10 * gib, ncclAtInit: 0.5,
                                 customAllReduce: car, rank0PerPeer: 0.04 * gib)
        case .hopper:
            return NonTorchModel(context: 0.50 * gib, workspace: 0.18 * gib, ncclPerPeer: 0.65 * gib, ncclAtInit: 0.43,
                                 customAllReduce: car, rank0PerPeer: 0.29 * gib)
        case .cdna3:
            return NonTorchModel(context: 0.60 * gib, workspace: 0.20 * gib, ncclPerPeer: 0.90 * gib, ncclAtInit: 0.95,
                                 customAllReduce: car, rank0PerPeer: 0.146 * gib)
        }
    }

    /// One part of non-torch memory on a rank, for explain.
    public struct Part: Sendable, Equatable {
        public var name: String
        public var bytes: Double
    }

    /// The parts on rank 0 (`rank0`) or another rank, of which the engine's measurement sees those selected.
    func parts(tp: Int, rank0: Bool, context includeContext: Bool, afterFirstForward: Bool,
               customAllReduce includeCAR: Bool) -> [Part] {
        let local = max(min(tp, max(gpusPerNode, 1)) - 1, 0)
        let remote = max(tp - 1 - local, 0)
        var out: [Part] = []
        if includeContext { out.append(Part(name: "CUDA context", bytes: context)) }
        if afterFirstForward { out.append(Part(name: "cuBLAS/cuBLASLt workspaces", bytes: workspace)) }
        if local > 0 {
            let share = afterFirstForward ? 1 : ncclAtInit
            out.append(Part(name: "NCCL buffers (\(local) peers on the node)", bytes: ncclPerPeer * Double(local) * share))
            if remote > 0 {
                out.append(Part(name: "NCCL buffers (\(remote) peers on other nodes)",
                                bytes: ncclPerRemotePeer * Double(remote) * share))
            }
            if includeCAR, remote == 0 { out.append(Part(name: "custom all-reduce buffers", bytes: customAllReduce)) }
            if rank0 { out.append(Part(name: "other ranks' contexts on rank 0", bytes: rank0PerPeer * Double(local))) }
        }
        return out
    }
}
