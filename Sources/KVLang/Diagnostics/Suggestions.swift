/// "Did you mean …?" by edit distance: the closest candidates within a third of the name's length.
public enum Suggestions {
    public static func closest(to name: String, in candidates: some Sequence<String>, limit: Int = 1) -> [String] {
        let count = name.count, maxDistance = max(1, count / 3)
        let lowered = name.lowercased()  // once, not twice per candidate: the resolver calls this at start-up
        var scored: [(Int, String)] = []
        for c in candidates where c != name {
            // Case-only differences (gib → GiB) are the most likely slip; for very short names any other
            // one-letter name would be "close", which helps nobody.
            let caseOnly = c.lowercased() == lowered
            if !caseOnly, count < 3 { continue }
            let d = caseOnly ? 0 : distance(name, c, cap: maxDistance)
            if d <= maxDistance { scored.append((d, c)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return scored.prefix(limit).map(\.1)
    }

    public static func hint(for name: String, in candidates: some Sequence<String>) -> String? {
        closest(to: name, in: candidates).first.map { "did you mean `\($0)`?" }
    }

    /// Levenshtein distance, giving up early once every path exceeds `cap`.
    public static func distance(_ a: String, _ b: String, cap: Int) -> Int {
        // Plain ASCII (no CR, which joins LF into one character) is one character per byte: compare bytes, and
        // skip a pair whose lengths differ too much before copying anything. The resolver calls this for every
        // global name used in a function, so it runs hundreds of times at start-up.
        func plain(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D } }
        if plain(a), plain(b) {
            if abs(a.utf8.count - b.utf8.count) > cap { return cap + 1 }
            return levenshtein(Array(a.utf8), Array(b.utf8), cap: cap)
        }
        return levenshtein(Array(a), Array(b), cap: cap)
    }

    private static func levenshtein<E: Equatable>(_ a: [E], _ b: [E], cap: Int) -> Int {
        if abs(a.count - b.count) > cap { return cap + 1 }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowMin = min(rowMin, cur[j])
            }
            if rowMin > cap { return cap + 1 }
            swap(&prev, &cur)
        }
        return a.isEmpty ? b.count : prev[b.count]
    }
}
