import CFuzzerDriver
import Foundation
import KVEngine

/// bytes → `TraceReader.parse`, then replay under every policy at a few capacities and block sizes, checking what
/// must hold whatever the trace: the reader's Mooncake fast path gives what the general parser gives (the same
/// columns, or the same error), replay while reading (one thread, and two with tiny chunks) gives what replaying
/// the parsed trace gives (or the same error), counts in range, LRU hits growing with capacity (the inclusion property), and
/// the one-pass LRU curve equal to replay at each capacity.
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    let input = Data(bytes: data, count: size)
    let fast = Result { try TraceReader.parse(input, name: "fuzz.jsonl") }
    let general = Result { try TraceReader.parse(input, name: "fuzz.jsonl", fastPath: false) }
    switch (fast, general) {
    case let (.success(a), .success(b)):
        precondition(a.timestamps == b.timestamps && a.inputLengths == b.inputLengths
                     && a.outputLengths == b.outputLengths && a.blockStart == b.blockStart && a.blocks == b.blocks
                     && a.distinctBlocks == b.distinctBlocks, "the fast path read the trace differently")
    case let (.failure(a), .failure(b)):
        precondition((a as? EngineError) == (b as? EngineError), "fast path: \(a); general parser: \(b)")
    default:
        preconditionFailure("fast path: \(fast); general parser: \(general)")
    }
    // Replay while reading, on one thread and on two with chunk boundaries after every few ids: the parse's
    // error (or none, where a request out of order stops it first), else what the parsed trace replays to.
    let chunkIds = 1 + size % 5
    for policy in [EvictionPolicy.lru, .fifo] {
        for ids in [0, chunkIds] {
            let capacity = 1 + size % 4
            let read = Result { try replayWhileReading(input, name: "fuzz.jsonl", capacity: capacity, policy: policy,
                                                       chunkIds: ids, chunkRequests: 1 + size % 3) }
            switch (read, fast) {
            case let (.failure(a), .failure(b)):
                precondition((a as? EngineError) == (b as? EngineError), "while reading: \(a); parse: \(b)")
            case let (.success(r?), .success(trace)):
                precondition(r == (try? replay(trace, capacity: capacity, policy: policy)),
                             "replay while reading (chunks of \(ids)) ≠ replay of the parsed trace")
            case (.success(nil), _):
                break  // a request out of order before any error: replay(path:) parses the whole trace instead
            default:
                preconditionFailure("while reading: \(read); parse: \(fast)")
            }
        }
    }
    guard let trace = try? fast.get() else { return 0 }
    let top = trace.distinctBlocks + 1
    let blockSize = size % 2 == 0 ? 512 : 1 + size % 7
    let curve = try? replayCurve(trace, blockSize: blockSize)
    var lastLRU = 0
    for capacity in Set([0, 1, 2, 3, top / 2, top, Int.max]).sorted() {
        for policy in EvictionPolicy.allCases {
            guard let r = try? replay(trace, capacity: capacity, policy: policy, blockSize: blockSize) else {
                fatalError("replay refused a valid capacity \(capacity) / block size \(blockSize)")
            }
            precondition(r.requests == trace.requests && r.lookups == trace.lookups)
            precondition(r.hits >= 0 && r.hits <= r.lookups, "hits \(r.hits) of \(r.lookups) lookups")
            precondition(r.hitTokens >= 0 && r.hitTokens <= r.inputTokens, "hit tokens \(r.hitTokens)")
            if policy == .lru {
                precondition(r.hits >= lastLRU, "LRU hits fell from \(lastLRU) to \(r.hits) at capacity \(capacity)")
                lastLRU = r.hits
                if let curve {
                    precondition(curve.result(capacity: capacity) == r, "curve ≠ replay at capacity \(capacity)")
                }
            }
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
