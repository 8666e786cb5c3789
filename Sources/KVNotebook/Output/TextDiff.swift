/// A line diff in unified form (`-` old, `+` new, three lines of context), for `kvcalc run --check`. Longest common
/// subsequence over lines: notebooks are short.
enum TextDiff {
    static func unified(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let ops = script(a, b)
        var out = ["--- \(oldName)", "+++ \(newName)"]
        // Group changes that lie within 2 × context lines of each other into one hunk.
        var k = 0
        while k < ops.count {
            guard ops[k].kind != " " else { k += 1; continue }
            var end = k
            var j = k
            while j < ops.count {
                if ops[j].kind != " " { end = j }
                if j - end > 2 * context { break }
                j += 1
            }
            let start = max(0, k - context), stop = min(ops.count, end + context + 1)
            let first = ops[start]
            out.append("@@ -\(first.oldLine) +\(first.newLine) @@")
            for op in ops[start..<stop] { out.append("\(op.kind)\(op.text)") }
            k = stop
        }
        return out.joined(separator: "\n")
    }

    private static func lines(_ s: String) -> [String] {
        var l = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if s.hasSuffix("\n") { l.removeLast() }
        return l
    }

    struct Op {
        let kind: Character
        let text: String
        let oldLine: Int
        let newLine: Int
    }

    /// Past this many cells the LCS table (4 bytes each) is not built: a committed rendering of 100,000 lines must
    /// not cost 40 GB.
    static let maxTableCells = 1 << 24

    private static func script(_ a: [String], _ b: [String]) -> [Op] {
        // Lines equal at both ends are context; only the middle needs the table.
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        var ops = (0..<head).map { Op(kind: " ", text: a[$0], oldLine: $0 + 1, newLine: $0 + 1) }
        let midA = Array(a[head..<(a.count - tail)]), midB = Array(b[head..<(b.count - tail)])
        if (midA.count + 1) * (midB.count + 1) > maxTableCells {
            // Too large to align: all of the old middle out, all of the new in.
            ops += midA.enumerated().map { Op(kind: "-", text: $1, oldLine: head + $0 + 1, newLine: head + 1) }
            ops += midB.enumerated().map { Op(kind: "+", text: $1, oldLine: head + midA.count + 1, newLine: head + $0 + 1) }
        } else {
            ops += lcsScript(midA, midB).map {
                Op(kind: $0.kind, text: $0.text, oldLine: $0.oldLine + head, newLine: $0.newLine + head)
            }
        }
        for k in 0..<tail {
            let i = a.count - tail + k, j = b.count - tail + k
            ops.append(Op(kind: " ", text: a[i], oldLine: i + 1, newLine: j + 1))
        }
        return ops
    }

    private static func lcsScript(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        // lcs[i][j]: the longest common subsequence of a[i...] and b[j...].
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(Op(kind: " ", text: a[i], oldLine: i + 1, newLine: j + 1)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(Op(kind: "-", text: a[i], oldLine: i + 1, newLine: j + 1)); i += 1
            } else {
                ops.append(Op(kind: "+", text: b[j], oldLine: i + 1, newLine: j + 1)); j += 1
            }
        }
        return ops
    }
}
