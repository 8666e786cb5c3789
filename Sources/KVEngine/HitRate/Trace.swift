/// A request trace in replay order, with block hash ids mapped to dense indices 0..<distinctBlocks.
/// Requests are sorted by timestamp, ties keeping file order. Request r's blocks are
/// `blocks[blockStart[r] ..< blockStart[r + 1]]`.
public struct Trace: Sendable {
    /// Where the trace came from (for messages).
    public internal(set) var name: String
    /// Request timestamps as written (Mooncake: milliseconds).
    public internal(set) var timestamps: [Double]
    /// Prompt tokens per request.
    public internal(set) var inputLengths: [Int]
    /// Output tokens per request (0 when the line has none).
    public internal(set) var outputLengths: [Int]
    /// Offsets into `blocks`; `requests + 1` entries.
    public internal(set) var blockStart: [Int]
    /// Dense block indices, request after request.
    public internal(set) var blocks: [Int32]
    /// Distinct hash ids in the trace.
    public internal(set) var distinctBlocks: Int

    public var requests: Int { inputLengths.count }
    /// Block look-ups the replay performs: the sum of every request's block count.
    public var lookups: Int { blocks.count }
    /// Sum of the input lengths.
    public var inputTokens: Int { inputLengths.reduce(0, +) }
}

extension Trace {
    /// Reorders requests by timestamp with a stable sort; a no-op for traces already in order (the common case).
    mutating func sortByTimestamp() {
        guard zip(timestamps, timestamps.dropFirst()).contains(where: { $0 > $1 }) else { return }
        let order = timestamps.indices.sorted { (timestamps[$0], $0) < (timestamps[$1], $1) }
        var newBlocks: [Int32] = []
        newBlocks.reserveCapacity(blocks.count)
        var newStart = [0]
        newStart.reserveCapacity(order.count + 1)
        for r in order {
            newBlocks.append(contentsOf: blocks[blockStart[r]..<blockStart[r + 1]])
            newStart.append(newBlocks.count)
        }
        timestamps = order.map { timestamps[$0] }
        inputLengths = order.map { inputLengths[$0] }
        outputLengths = order.map { outputLengths[$0] }
        blocks = newBlocks
        blockStart = newStart
    }
}
