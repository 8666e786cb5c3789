/// An accelerator as far as memory planning needs it. Presets live in the stdlib (each with its source).
public struct Accelerator: Sendable, Equatable {
    public var name: String
    /// Memory in bytes as the device reports it (e.g. `torch.cuda.mem_get_info()[1]`: 85,017,493,504 on an
    /// H100 SXM "80 GB"), not the marketing figure.
    public var capacity: Double
    /// Memory bandwidth in bytes per second.
    public var bandwidth: Double
    /// Dense bf16 throughput in FLOP per second.
    public var bf16Flops: Double
    /// What the latency engine needs beyond the peaks (Latency/Performance.swift).
    public var performance: AcceleratorPerformance

    public init(name: String, capacity: Double, bandwidth: Double = 0, bf16Flops: Double = 0,
                performance: AcceleratorPerformance = .defaults) {
        self.name = name
        self.capacity = capacity
        self.bandwidth = bandwidth
        self.bf16Flops = bf16Flops
        self.performance = performance
    }

    public func validate() throws {
        guard capacity.isFinite, capacity > 0 else {
            throw EngineError("\(name): capacity must be a positive number of bytes", argument: "gpu")
        }
    }
}
