// kvbench-replay: replays a Mooncake trace with KVEngine and prints the same line as reference_replay.py,
// plus (on stderr) its time; with --repeat N, the best times of parsing into a trace and of replaying it.
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
var repeats = 1
var buildTrace = false
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
    case "--trace": buildTrace = true
    case "--repeat": repeats = next(a) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    default: path = a
    }
}
guard let path else {
    fail("usage: kvbench-replay TRACE [--capacity BLOCKS] [--policy lru|fifo|lfu] [--block-size N] [--trace] [--repeat N]")
}

/// CPU time of this thread in nanoseconds: unlike the wall clock, it does not count time the process waited for a
/// core, so the split stays meaningful on a loaded machine.
func cpuNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

do {
    // The whole replay as users get it (what the `replay` builtin calls): read while replaying, where possible.
    let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuNanoseconds()
    // --trace: parse the whole trace first, then replay it (the path for LFU and out-of-order traces).
    let r = buildTrace
        ? try replay(TraceReader.read(path: path), capacity: capacity, policy: policy, blockSize: blockSize)
        : try replay(path: path, capacity: capacity, policy: policy, blockSize: blockSize)
    let t1 = DispatchTime.now().uptimeNanoseconds, c1 = cpuNanoseconds()
    print(r.requests, r.lookups, r.hits, r.hitTokens, r.inputTokens, String(format: "%.6f", r.blockHitRate),
          String(format: "%.6f", r.tokenHitRate))
    FileHandle.standardError.write(Data(String(
        format: "replay(path:) %.4f s (CPU time %.4f s), %.1f M lookups/s\n", Double(t1 - t0) / 1e9,
        Double(c1 - c0) / 1e9, Double(r.lookups) / max(Double(t1 - t0) / 1e9, 1e-9) / 1e6).utf8))
    // --repeat N: parse the bytes (already in memory) into a trace and replay it N more times, and print the best
    // CPU times of the two phases, which leave out mapping the file, first-touch page faults and the machine's load.
    if repeats > 1 {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var bestParse = UInt64.max, bestReplay = UInt64.max
        for _ in 0..<repeats {
            let c0 = cpuNanoseconds()
            let t = try TraceReader.parse(bytes, name: path)
            let c1 = cpuNanoseconds()
            _ = try replay(t, capacity: capacity, policy: policy, blockSize: blockSize)
            let c2 = cpuNanoseconds()
            bestParse = min(bestParse, c1 - c0)
            bestReplay = min(bestReplay, c2 - c1)
        }
        FileHandle.standardError.write(Data(String(format: "best of %d (CPU time): parse %.4f s, replay %.4f s\n",
                                                   repeats, Double(bestParse) / 1e9, Double(bestReplay) / 1e9).utf8))
        // And the whole `replay(path:)` again (mapped file, replay while reading, on two threads where it can):
        // the best wall time, and the best CPU time of this (the reading) thread.
        var bestWall = UInt64.max, bestCPU = UInt64.max
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuNanoseconds()
            _ = try replay(path: path, capacity: capacity, policy: policy, blockSize: blockSize)
            bestWall = min(bestWall, DispatchTime.now().uptimeNanoseconds - t0)
            bestCPU = min(bestCPU, cpuNanoseconds() - c0)
        }
        FileHandle.standardError.write(Data(String(
            format: "best of %d replay(path:): wall %.4f s, reading thread's CPU time %.4f s\n", repeats,
            Double(bestWall) / 1e9, Double(bestCPU) / 1e9).utf8))
    }
} catch {
    fail("\(error)")
}
