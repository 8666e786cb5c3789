extension Percentiles {
    /// Mean and linearly interpolated percentiles (numpy's default: rank q·(n − 1)) of `values`; zeros when empty.
    init(of values: [Double]) {
        guard !values.isEmpty else { self.init(); return }
        let sorted = values.sorted()
        func at(_ q: Double) -> Double {
            let rank = q * Double(sorted.count - 1)
            let lo = Int(rank.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - Double(lo))
        }
        self.init(mean: sorted.reduce(0, +) / Double(sorted.count), p50: at(0.5), p90: at(0.9), p99: at(0.99))
    }
}

/// Keeps at most `points` samples evenly spaced in time without knowing the run's length: a sample is taken
/// each `interval`; when the buffer is full, every other sample is dropped and the interval doubled.
struct TimelineSampler {
    private(set) var samples: [ServeSample] = []
    private let points: Int
    private var interval: Double
    private var nextTime = 0.0

    init(points: Int, expectedSpan: Double) {
        self.points = points
        interval = expectedSpan > 0 ? expectedSpan / Double(points) : 1e-3
        samples.reserveCapacity(points)
    }

    mutating func offer(_ s: ServeSample) {
        guard s.time >= nextTime else { return }
        if samples.count == points {
            var kept = 0
            for i in stride(from: 0, to: samples.count, by: 2) { samples[kept] = samples[i]; kept += 1 }
            samples.removeLast(samples.count - kept)
            interval *= 2
            // The next slot after the last kept sample.
            nextTime = (samples.last?.time ?? 0) + interval
            guard s.time >= nextTime else { return }
        }
        samples.append(s)
        nextTime = s.time + interval
    }

    /// The run's final state always ends the timeline (replacing the last sample when the buffer is full).
    mutating func finish(_ s: ServeSample) {
        if let last = samples.last, last.time == s.time || samples.count == points {
            samples[samples.count - 1] = s
        } else {
            samples.append(s)
        }
    }
}
