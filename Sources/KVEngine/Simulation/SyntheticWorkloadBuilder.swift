import Foundation

/// Builds `syntheticWorkload`'s trace. Sizes are capped so that ids stay within Int32 and the arrays within memory.
enum SyntheticWorkloadBuilder {
    static let maxRequests = 10_000_000
    static let maxBlockIds = 200_000_000

    static func build(requests: Int, input: Int, output: Int, arrival: ServeArrival, blockTokens: Int,
                      seed: UInt64) throws -> ServeWorkload {
        guard requests >= 1, requests <= maxRequests else {
            throw EngineError("requests must be between 1 and 10,000,000, got \(requests)", argument: "requests")
        }
        guard input >= 1, input <= 1 << 30 else {
            throw EngineError("input must be between 1 and 2^30 tokens, got \(input)", argument: "input")
        }
        guard output >= 1, output <= 1 << 30 else {
            throw EngineError("output must be between 1 and 2^30 tokens, got \(output)", argument: "output")
        }
        guard blockTokens >= 1, blockTokens <= 1 << 20 else {
            throw EngineError("block_size must be between 1 and 1,048,576 tokens, got \(blockTokens)", argument: "block_size")
        }
        var rng = Xoshiro256(seed: seed)
        // (arrival ms, conversation, turn): turn 0 for independent requests.
        var items: [(time: Double, conversation: Int, turn: Int)] = []
        items.reserveCapacity(requests)
        var turns = 1
        switch arrival {
        case .allAtOnce:
            for r in 0..<requests { items.append((0, r, 0)) }
        case .poisson(let rate):
            try requirePositive(rate, "arrival")
            var t = 0.0
            for r in 0..<requests {
                if r > 0 { t += rng.exponential(mean: 1 / rate) }
                items.append((t * 1000, r, 0))
            }
        case .conversations(let rate, let k, let interval):
            try requirePositive(rate, "arrival")
            try requirePositive(interval, "interval")
            guard k >= 1, k <= 100_000 else {
                throw EngineError("turns must be between 1 and 100,000, got \(k)", argument: "turns")
            }
            turns = k
            var start = 0.0
            var c = 0, made = 0
            while made < requests {
                if c > 0 { start += rng.exponential(mean: 1 / rate) }
                var t = start
                for turn in 0..<min(k, requests - made) {
                    if turn > 0 { t += rng.exponential(mean: interval) }
                    items.append((t * 1000, c, turn))
                }
                made += min(k, requests - made)
                c += 1
            }
        }
        // Prompt of turn k (0-based): (k + 1) × input tokens; its blocks, full and partial.
        let longest = try Checked.mul(turns, input, argument: "input")
        let idsPerLongest = (longest - 1) / blockTokens + 1
        let fullPerTurn = { (turn: Int) in (turn + 1) * input / blockTokens }
        let conversations = (items.last?.conversation ?? 0) + 1
        // Full blocks of a conversation's stream are shared by its turns; each partial block is its own.
        let streamIds = try Checked.mul(conversations, longest / blockTokens, argument: "requests")
        guard streamIds <= maxBlockIds, try Checked.mul(requests, idsPerLongest, argument: "requests") <= maxBlockIds else {
            throw EngineError("the workload would need more than \(maxBlockIds) block ids; use fewer requests or "
                              + "larger blocks", argument: "requests")
        }
        // A tiny rate or a huge interval would push times past what a Double holds in milliseconds.
        guard items.allSatisfy({ $0.time < 1e15 }) else {
            throw EngineError("arrival times pass 10^15 ms: the rate is too small or the interval too large",
                              argument: "arrival")
        }
        items.sort { ($0.time, $0.conversation, $0.turn) < ($1.time, $1.conversation, $1.turn) }
        var streamBase = [Int](repeating: -1, count: conversations)
        var nextId = 0
        var blocks: [Int32] = []
        var blockStart = [0]
        blockStart.reserveCapacity(requests + 1)
        var inputs: [Int] = [], timestamps: [Double] = []
        inputs.reserveCapacity(requests)
        timestamps.reserveCapacity(requests)
        for item in items {
            let prompt = (item.turn + 1) * input
            let full = fullPerTurn(item.turn)
            if streamBase[item.conversation] < 0 {
                streamBase[item.conversation] = nextId
                nextId += longest / blockTokens
            }
            let base = streamBase[item.conversation]
            for j in 0..<full { blocks.append(Int32(base + j)) }
            if prompt % blockTokens != 0 {
                blocks.append(Int32(nextId))
                nextId += 1
            }
            blockStart.append(blocks.count)
            inputs.append(prompt)
            timestamps.append(item.time)
        }
        // Ids of streams never reached (a conversation cut short) are left unused; renumber densely.
        var dense = [Int32](repeating: -1, count: nextId)
        var distinct: Int32 = 0
        for k in blocks.indices {
            let id = Int(blocks[k])
            if dense[id] < 0 { dense[id] = distinct; distinct += 1 }
            blocks[k] = dense[id]
        }
        let name: String
        switch arrival {
        case .allAtOnce: name = "workload(\(requests) requests, all at once)"
        case .poisson(let rate): name = "workload(\(requests) requests, Poisson \(rate)/s)"
        case .conversations(let rate, let k, let interval):
            name = "workload(\(requests) requests, conversations \(rate)/s × \(k) turns, interval \(interval) s)"
        }
        let trace = Trace(name: name, timestamps: timestamps, inputLengths: inputs,
                          outputLengths: [Int](repeating: output, count: requests), blockStart: blockStart,
                          blocks: blocks, distinctBlocks: Int(distinct))
        return ServeWorkload(trace: trace, blockTokens: blockTokens)
    }
}
