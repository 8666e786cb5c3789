import Foundation

/// One row of an LRU hit-rate curve.
public struct ReplayCurveRow: Sendable, Equatable {
    /// Capacity in blocks.
    public var capacity: Int
    public var blockHitRate: Double
    public var tokenHitRate: Double
}

/// LRU replay results for every capacity at once, from one pass over the trace (LRU stack distances).
///
/// LRU has the inclusion property: after any sequence of touches, a cache of capacity c holds exactly the c most
/// recently touched blocks. So a block is cached at capacity c iff its stack depth (its rank by recency, 1 = most
/// recent) is at most c, and a request's block j lies in the cached prefix iff the largest depth among blocks 1…j is
/// at most c. Depths are measured when the request starts, as replay checks hits before touching.
public struct ReplayCurve: Sendable {
    public var blockSize: Int
    public var requests: Int
    public var lookups: Int
    public var inputTokens: Int
    /// Beyond this capacity the hit rate no longer changes (every re-reference hits).
    public var saturationCapacity: Int { hitsUpTo.count - 1 }
    /// hitsUpTo[c]: hit blocks at capacity c (c = 0…saturationCapacity); likewise for tokens.
    var hitsUpTo: [Int]
    var hitTokensUpTo: [Int]

    /// The replay result at `capacity` blocks: equal to `replay(trace, capacity:, policy: .lru)`.
    public func result(capacity: Int) -> ReplayResult {
        let c = max(0, min(capacity, saturationCapacity))
        return ReplayResult(policy: .lru, capacity: capacity, blockSize: blockSize, requests: requests,
                            lookups: lookups, hits: hitsUpTo[c], hitTokens: hitTokensUpTo[c], inputTokens: inputTokens)
    }

    /// Rows at the given capacities.
    public func rows(capacities: [Int]) -> [ReplayCurveRow] {
        capacities.map { c in
            let r = result(capacity: c)
            return ReplayCurveRow(capacity: c, blockHitRate: r.blockHitRate, tokenHitRate: r.tokenHitRate)
        }
    }

    /// About `points` rows at log-spaced capacities from 1 to the saturation capacity (both included).
    public func rows(points: Int = 50) -> [ReplayCurveRow] {
        let top = max(saturationCapacity, 1)
        let n = min(max(points, 2), 100_000)
        var capacities: [Int] = []
        for k in 0..<n {
            let c = Int(pow(Double(top), Double(k) / Double(n - 1)).rounded())
            if capacities.last != c { capacities.append(max(1, min(c, top))) }
        }
        return rows(capacities: capacities)
    }
}

/// The LRU curve of the trace at `path`; only `policy: .lru` has the inclusion property a one-pass curve needs.
public func replayCurve(path: String, policy: EvictionPolicy = .lru, blockSize: Int = 512) throws -> ReplayCurve {
    try checkCurveArguments(policy: policy, blockSize: blockSize)
    return try replayCurve(TraceReader.read(path: path), policy: policy, blockSize: blockSize)
}

/// The LRU curve of a parsed trace, in O(lookups × log lookups).
public func replayCurve(_ trace: Trace, policy: EvictionPolicy = .lru, blockSize: Int = 512) throws -> ReplayCurve {
    try checkCurveArguments(policy: policy, blockSize: blockSize)
    // Fenwick tree over touch times: 1 at each block's last touch, so the blocks touched at or after time t number
    // live − prefix(t − 1), which is the depth of the block last touched at t.
    var tree = Fenwick(size: trace.lookups)
    var lastTouch = [Int](repeating: -1, count: trace.distinctBlocks)
    var hitsAt = [Int](repeating: 0, count: trace.distinctBlocks + 1)
    var tokensAt = [Int](repeating: 0, count: trace.distinctBlocks + 1)
    var live = 0
    var now = 0
    var deepest = 0
    for r in 0..<trace.requests {
        let first = trace.blockStart[r], end = trace.blockStart[r + 1]
        let input = trace.inputLengths[r]
        var prefixMax = 0
        for j in first..<end {
            let t = lastTouch[Int(trace.blocks[j])]
            guard t >= 0 else { break }  // never seen: this block and all after it miss at every capacity
            prefixMax = max(prefixMax, live - tree.prefixSum(t - 1))
            hitsAt[prefixMax] += 1
            tokensAt[prefixMax] += prefixTokens(j - first + 1, input, blockSize) - prefixTokens(j - first, input, blockSize)
            deepest = max(deepest, prefixMax)
        }
        for j in first..<end {
            let b = Int(trace.blocks[j])
            if lastTouch[b] >= 0 { tree.add(lastTouch[b], -1) } else { live += 1 }
            lastTouch[b] = now
            tree.add(now, 1)
            now += 1
        }
    }
    // Cumulative sums turn "first hits at capacity c" into "hits at capacity c".
    var hitsUpTo = [Int](repeating: 0, count: deepest + 1)
    var tokensUpTo = [Int](repeating: 0, count: deepest + 1)
    var h = 0, k = 0
    for c in 0...deepest {
        h += hitsAt[c]
        k += tokensAt[c]
        hitsUpTo[c] = h
        tokensUpTo[c] = k
    }
    return ReplayCurve(blockSize: blockSize, requests: trace.requests, lookups: trace.lookups,
                       inputTokens: trace.inputTokens, hitsUpTo: hitsUpTo, hitTokensUpTo: tokensUpTo)
}

/// Tokens in the first `n` blocks of a prompt of `input` tokens: min(n × blockSize, input), without overflow.
@inline(__always)
func prefixTokens(_ n: Int, _ input: Int, _ blockSize: Int) -> Int {
    n > input / blockSize ? input : n * blockSize
}

private func checkCurveArguments(policy: EvictionPolicy, blockSize: Int) throws {
    guard policy == .lru else {
        throw EngineError("a one-pass curve needs LRU's inclusion property; replay \(policy.rawValue) per capacity",
                          argument: "policy")
    }
    try checkReplayArguments(capacity: 0, blockSize: blockSize)
}

/// A Fenwick (binary indexed) tree of counts over positions 0..<size.
struct Fenwick {
    private var tree: [Int32]

    init(size: Int) { tree = [Int32](repeating: 0, count: size + 1) }

    mutating func add(_ position: Int, _ delta: Int32) {
        var i = position + 1
        while i < tree.count {
            tree[i] += delta
            i += i & -i
        }
    }

    /// Sum over positions 0…position (0 when position < 0).
    func prefixSum(_ position: Int) -> Int {
        var i = position + 1
        var s = 0
        while i > 0 {
            s += Int(tree[i])
            i -= i & -i
        }
        return s
    }
}
