import KVEngine

/// The accelerators of the calibration set, with the figures and fitted performance of stdlib/gpus.kv (a
/// KVRuntime test checks the presets give the same latencies). MI250X has no preset: one GCD, as gpt-fast ran it.
enum CalibrationGPUs {
    static let ampere = AcceleratorPerformance(bandwidthEfficiency: 0.87, flopsEfficiency: 0.66,
                                               interconnect: 300e9)
    static let a100 = Accelerator(name: "A100 80GB", capacity: 85198045184, bandwidth: 2.039e12, bf16Flops: 312e12,
                                  performance: ampere)
    /// Hopper's bandwidth efficiencies come from microbenchmarks, per memory system (StreamingEfficiencyTests):
    /// H100 SXM (HBM3) 0.84, H200 (HBM3e) 0.72.
    static func hopper(bandwidthEfficiency: Double) -> AcceleratorPerformance {
        AcceleratorPerformance(fp8Flops: 1979e12, bandwidthEfficiency: bandwidthEfficiency, flopsEfficiency: 0.66,
                               fp8FlopsEfficiency: 0.54, interconnect: 450e9)
    }
    static let h100 = Accelerator(name: "H100 SXM", capacity: 85017493504, bandwidth: 3.35e12, bf16Flops: 989e12,
                                  performance: hopper(bandwidthEfficiency: 0.84))
    static let h200 = Accelerator(name: "H200", capacity: 143156 * 1048576, bandwidth: 4.8e12, bf16Flops: 989e12,
                                  performance: hopper(bandwidthEfficiency: 0.72))
    static let l40s = Accelerator(name: "L40S", capacity: 47803596800, bandwidth: 864e9, bf16Flops: 362.05e12,
                                  performance: AcceleratorPerformance(fp8Flops: 733e12, bandwidthEfficiency: 0.70,
                                                                      flopsEfficiency: 0.66, fp8FlopsEfficiency: 0.54,
                                                                      interconnect: 32e9, interconnectEfficiency: 0.46))
    /// AMD Instinct MI250X, one GCD (half the package): 1.6384 TB/s and 191.5 / 2 TFLOPS BF16 (AMD datasheet).
    static let mi250xGCD = Accelerator(name: "MI250X GCD", capacity: 64 * 1073741824, bandwidth: 1.6384e12,
                                       bf16Flops: 95.75e12,
                                       performance: AcceleratorPerformance(bandwidthEfficiency: 0.70, flopsEfficiency: 0.66))

    static func named(_ key: String) -> Accelerator? {
        switch key {
        case "A100-SXM-80GB", "A100-80GB(variant-unstated)": return a100
        case "H100-SXM-80GB": return h100
        case "H200-SXM-141GB": return h200
        case "L40S-48GB": return l40s
        case "MI250X-1GCD": return mi250xGCD
        default: return nil
        }
    }
}
