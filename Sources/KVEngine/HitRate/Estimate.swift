import Foundation

/// A simulated quantity with its 95 % confidence interval (batch means).
public struct Estimate: Sendable, Equatable {
    public var mean: Double
    /// Half the interval's width: the interval is mean ± halfWidth.
    public var halfWidth: Double
    public var low: Double { mean - halfWidth }
    public var high: Double { mean + halfWidth }

    /// The ratio of the sums as the point estimate, and t(0.975, n − 1) × sd / √n over the batches' ratios for the
    /// interval: batches long against the workload's correlation time are close to independent.
    static func batchMeans(numerators: [Double], denominators: [Double]) -> Estimate {
        let total = denominators.reduce(0, +)
        let mean = total > 0 ? numerators.reduce(0, +) / total : 0
        let ratios = zip(numerators, denominators).filter { $0.1 > 0 }.map { $0.0 / $0.1 }
        let n = ratios.count
        guard n >= 2 else { return Estimate(mean: mean, halfWidth: .infinity) }
        let m = ratios.reduce(0, +) / Double(n)
        let variance = ratios.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
        return Estimate(mean: mean, halfWidth: studentT975(degrees: n - 1) * (variance / Double(n)).squareRoot())
    }
}

/// The 97.5 % quantile of Student's t: a table to 30 degrees of freedom, then 1.96 + 2.4 / df (within 0.002).
func studentT975(degrees df: Int) -> Double {
    let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
                           2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
                           2.056, 2.052, 2.048, 2.045, 2.042]
    if df >= 1, df <= table.count { return table[df - 1] }
    return 1.96 + 2.4 / Double(max(df, 1))
}
