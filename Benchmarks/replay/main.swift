// kvbench-replay: replays a Mooncake trace with KVEngine and prints the same line as reference_replay.py,
// plus (on stderr) where the time went: reading + parsing the trace vs simulating the cache.
import Foundation
import KVEngine

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kvbench-replay: \(message)\n".utf8))
    exit(2)
}

var path: String?
var capacity = 1_000_000_000_000
var policy = EvictionPolicy.lru
var blockSize = 512
var args = CommandLine.arguments.dropFirst()

/// The next argument, parsed; exits with usage when it is missing or does not parse.
@MainActor func next<T>(_ option: String, _ parse: (String) -> T?) -> T {
    guard let text = args.popFirst(), let value = parse(text) else { fail("\(option) needs a valid value") }
    return value
}

while let a = args.popFirst() {
    switch a {
    case "--capacity": capacity = next(a) { Int($0) }
    case "--policy": policy = next(a) { EvictionPolicy(rawValue: $0) }
    case "--block-size": blockSize = next(a) { Int($0) }
    default: path = a
    }
}
guard let path else { fail("usage: kvbench-replay TRACE [--capacity BLOCKS] [--policy lru|fifo|lfu] [--block-size N]") }

do {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let trace = try TraceReader.read(path: path)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let r = try replay(trace, capacity: capacity, policy: policy, blockSize: blockSize)
    let t2 = DispatchTime.now().uptimeNanoseconds
    print(r.requests, r.lookups, r.hits, r.hitTokens, r.inputTokens, String(format: "%.6f", r.blockHitRate),
          String(format: "%.6f", r.tokenHitRate))
    let read = Double(t1 - t0) / 1e9, sim = Double(t2 - t1) / 1e9
    FileHandle.standardError.write(Data(String(
        format: "read %.4f s, simulate %.4f s, %.1f M lookups/s simulating\n", read, sim,
        Double(r.lookups) / max(sim, 1e-9) / 1e6).utf8))
} catch {
    fail("\(error)")
}
