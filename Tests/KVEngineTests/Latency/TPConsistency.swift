import Foundation

/// Which batch-1 decode measurements contradict their own source table.
///
/// gpt-fast prints beside each tokens/s the bandwidth it achieved: the bytes one rank streams per token (every
/// parameter but the embedding, after tp sharding) × tokens/s. Per rank a token takes bytes ÷ r + c, with r the
/// rate the kernels stream at and c what does not shrink with tp (kernel launches per layer, all-reduces, the
/// replicated lm_head); the bytes fall as tp grows, c does not, so achieved = bytes ÷ (bytes ÷ r + c) can only
/// fall as tp grows (for any model with c non-decreasing in tp — kvcalc's is one). A row whose printed bandwidth
/// is below that of the same model, dtype, GPU and source at a higher tp contradicts the rest of its table.
///
/// Which row of such a pair is off: a run can be slowed (contention, clocks, a lost CUDA graph) but cannot stream
/// faster than its kernels do, so the slower row is the suspect, and the faster row bounds it: with bytes B at
/// the lower tp and achieved A' at the higher, its time can be at most B ÷ A' (= measured × A ÷ A').
enum TPConsistency {
    /// Beyond the noise of a repeated figure: gpt-fast prints Llama-3.1-8B at tp 1 twice (1,410.76 and 1,408.37
    /// GB/s, 0.2 %), and no other series in its tables rises with tp at all. 5 % is 25× that repeat noise.
    static let noise = 0.05

    struct Violation: Equatable, CustomStringConvertible {
        var id: String, neighbour: String
        /// Achieved bandwidth of the row and of its faster neighbour at a higher tp (GB/s).
        var bandwidth: Double, neighbourBandwidth: Double
        /// The slowest time per token (s) consistent with the neighbour: measured × bandwidth ÷ neighbour's.
        var consistentTime: Double

        var description: String {
            String(format: "%@ (%.2f GB/s) below %@ (%.2f GB/s): at most %.4g s/token", id, bandwidth, neighbour,
                   neighbourBandwidth, consistentTime)
        }
    }

    /// Each row that some higher-tp row of its group out-streams by more than `noise`, against the fastest such
    /// row. Rows without a printed bandwidth (or not decode) take no part.
    static func violations(_ rows: [LatencyCalibrationTests.Measurement]) -> [Violation] {
        let printed = rows.filter { $0.kind == "a" && ($0.bandwidth ?? 0) > 0 && !$0.group.isEmpty }
        var found: [Violation] = []
        for r in printed {
            guard let bw = r.bandwidth else { continue }
            let faster = printed.filter { $0.group == r.group && $0.tp > r.tp && ($0.bandwidth ?? 0) * (1 - noise) > bw }
            guard let top = faster.max(by: { ($0.bandwidth ?? 0) < ($1.bandwidth ?? 0) }), let topBW = top.bandwidth else {
                continue
            }
            found.append(Violation(id: r.id, neighbour: top.id, bandwidth: bw, neighbourBandwidth: topBW,
                                   consistentTime: r.measured * bw / topBW))
        }
        return found
    }
}
