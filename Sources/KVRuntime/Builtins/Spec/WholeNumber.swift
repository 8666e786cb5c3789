/// The one way a user's Double becomes an Int: finite, whole and within the range checked first, so a NaN, 2.5 or
/// 1e30 is an error to report and never a trap.
enum WholeNumber {
    /// Counts beyond 2^53 are not exact in a Double anyway; ranges stop there.
    static let largest = 1 << 53

    @inline(__always)
    static func exactly(_ v: Double, in range: ClosedRange<Int>) -> Int? {
        // The comparisons are false for a NaN and bound the rest to ±2^53, so Int(v) cannot trap; it truncates,
        // and the round trip is exact only for a whole number (one conversion each way instead of a call to libm's
        // round: a sweep point checks five numbers).
        guard v >= Double(range.lowerBound), v <= Double(range.upperBound), abs(v) <= Double(largest) else { return nil }
        let i = Int(v)
        return Double(i) == v ? i : nil
    }

    /// "a whole number from 1 to 1,048,576", "a whole number of at least 0".
    static func describe(_ range: ClosedRange<Int>, of what: String = "a whole number") -> String {
        let lo = NumberText.integer(range.lowerBound)
        return range.upperBound >= largest ? "\(what) of at least \(lo)"
            : "\(what) from \(lo) to \(NumberText.integer(range.upperBound))"
    }
}

/// Integers as the errors print them: plain digits, so what an error shows can be typed back in.
enum NumberText {
    static func integer(_ n: Int) -> String { String(n) }
}
