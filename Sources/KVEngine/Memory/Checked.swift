/// Overflow-checked integer arithmetic: model sizes come from user input, so a product may not fit in 64 bits.
enum Checked {
    static func mul(_ factors: Int..., argument: String = "model") throws -> Int {
        try factors.reduce(1) { acc, f in
            let (r, overflow) = acc.multipliedReportingOverflow(by: f)
            if overflow { throw EngineError("count overflows 64-bit integers", argument: argument) }
            return r
        }
    }

    /// ⌊x⌋ as an Int, or an error naming `argument` when it does not fit.
    static func floor(_ x: Double, argument: String) throws -> Int {
        let f = x.rounded(.down)
        guard f.isFinite, abs(f) < 9e18 else { throw EngineError("\(x) is out of range", argument: argument) }
        return Int(f)
    }

    static func sum<S: Sequence>(_ terms: S, argument: String = "model") throws -> Int where S.Element == Int {
        try terms.reduce(0) { acc, t in
            let (r, overflow) = acc.addingReportingOverflow(t)
            if overflow { throw EngineError("count overflows 64-bit integers", argument: argument) }
            return r
        }
    }
}

/// Checks of builtin arguments, each error naming the argument.
public enum Argument {
    /// A count that must be a positive integer (batch, seq, tp, …).
    public static func positive(_ value: Int, _ name: String) throws {
        if value <= 0 { throw EngineError("\(name) must be a positive integer, got \(value)", argument: name) }
    }

    /// The same for a count the language hands over as a Double: it must also be whole.
    public static func positiveInteger(_ value: Double, _ name: String) throws -> Int {
        guard value.isFinite, value.rounded() == value, value >= 1, value < 9e15 else {
            throw EngineError("\(name) must be a positive integer, got \(value)", argument: name)
        }
        return Int(value)
    }
}
