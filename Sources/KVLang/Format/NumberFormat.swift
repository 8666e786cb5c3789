import Foundation

/// Numbers as people read them: whole numbers exactly (1,073,741,824), others to 7 significant digits, with
/// thousands separators and no trailing zeros, and never rounded up across a power of ten (99.99999999 % does not
/// print as 100 %).
public enum NumberFormat {
    public static let significantDigits = 7

    public static func format(_ x: Double, separators: Bool = true) -> String {
        if x == 0 { return "0" }
        guard x.isFinite else { return x.isNaN ? "NaN" : (x < 0 ? "-∞" : "∞") }
        let magnitude = abs(x)
        if magnitude >= 1e15 || magnitude < 1e-4 { return scientific(x) }
        if x == x.rounded() {
            let whole = String(Int64(x))
            return separators ? grouped(whole) : whole
        }
        let nextPower = pow(10, (log10(magnitude)).rounded(.down) + 1)
        var digits = significantDigits
        var text = fixed(x, significant: digits)
        while digits < 17, let r = Double(text), abs(r) >= nextPower {
            digits += 1
            text = fixed(x, significant: digits)
        }
        return separators ? grouped(text) : text
    }

    private static func fixed(_ x: Double, significant: Int) -> String {
        let magnitude = abs(x)
        let intDigits = magnitude >= 1 ? Int(log10(magnitude).rounded(.down)) + 1 : 0
        var decimals = max(0, significant - intDigits)
        if magnitude < 1 {
            // Leading zeros after the point do not count as significant.
            decimals = significant + Int((-log10(magnitude)).rounded(.down))
        }
        var s = String(format: "%.\(min(decimals, 20))f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    private static func scientific(_ x: Double) -> String {
        var s = String(format: "%.\(significantDigits - 1)e", x)
        // 1.500000000e+20 → 1.5e20
        guard let e = s.firstIndex(of: "e") else { return s }
        var mantissa = String(s[..<e])
        var exponent = String(s[s.index(after: e)...])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        if exponent.hasPrefix("+") { exponent.removeFirst() }
        let negative = exponent.hasPrefix("-")
        if negative { exponent.removeFirst() }
        while exponent.count > 1 && exponent.hasPrefix("0") { exponent.removeFirst() }
        s = mantissa + "e" + (negative ? "-" : "") + exponent
        return s
    }

    /// 419430.4 → 419,430.4
    private static func grouped(_ s: String) -> String {
        let negative = s.hasPrefix("-")
        let body = negative ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = Array(parts[0])
        guard intPart.count > 4 else { return s }  // 1024 reads better than 1,024
        var out = ""
        for (i, c) in intPart.enumerated() {
            if i > 0 && (intPart.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    /// A JSON number: integers without a fraction, others in shortest round-trip form.
    public static func json(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}
