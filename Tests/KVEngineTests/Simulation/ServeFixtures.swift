import Foundation
@testable import KVEngine

/// Small workloads written out by hand, and the shared traces' copies in Fixtures/traces.
enum ServeFixtures {
    /// One request of the hand tests: arrival (ms), prompt and output tokens, block ids (dense, prefix-chained).
    struct Request {
        var at: Double = 0
        var input: Int
        var output: Int
        var ids: [Int32]
    }

    static func workload(_ requests: [Request], blockTokens: Int) -> ServeWorkload {
        var blocks: [Int32] = [], start = [0]
        for r in requests {
            blocks += r.ids
            start.append(blocks.count)
        }
        let distinct = Int(blocks.max().map { $0 + 1 } ?? 0)
        let trace = Trace(name: "hand", timestamps: requests.map(\.at), inputLengths: requests.map(\.input),
                          outputLengths: requests.map(\.output), blockStart: start, blocks: blocks,
                          distinctBlocks: distinct)
        return ServeWorkload(trace: trace, blockTokens: blockTokens)
    }

    /// Options for hand runs: 1 s steps, the given pool, budget and sequences.
    static func options(capacityTokens: Int, budget: Int = 8192, seqs: Int = 256,
                        cache: ServeCachePolicy = .none) -> ServeOptions {
        var o = ServeOptions(capacityTokens: capacityTokens)
        o.fixedStepTime = 1
        o.maxNumBatchedTokens = budget
        o.maxNumSeqs = seqs
        o.cache = cache
        return o
    }

    static func trace(_ name: String) throws -> Trace {
        try TraceReader.read(path: TraceFixtures.fixture(name))
    }

    /// Any model will do where steps take a fixed time.
    static func anyModel() throws -> ModelSpec { try Fixtures.model("llama-3-8b") }
}
