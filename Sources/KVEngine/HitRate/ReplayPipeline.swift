import Foundation

/// Streaming replay (ReplayStreaming.swift) on two threads: the calling thread reads and parses the trace, as
/// `replayStreaming` does, and hands the parsed requests over in chunks to a second thread, which replays them
/// through the cache. Reading was two thirds of the time; the replay now overlaps it.
///
/// Determinism: the reader is the same sequential parser on one thread, so its errors (the first in file order,
/// with its line:column) and its caps are exactly the single-threaded ones; the replay thread only ever sees
/// requests the reader accepted, in file order, and its results are read only after it is joined.
enum ReplayPipeline {
    /// Below this many bytes a second thread costs more than it saves (starting one takes tens of microseconds).
    static let minimumBytes = 256 << 10

    /// Whether the process may run on a second processor (Foundation counts the CPUs in its affinity mask).
    static var hasSecondProcessor: Bool { ProcessInfo.processInfo.activeProcessorCount >= 2 }

    /// The chunking. A chunk is handed over once it holds `ids` ids or `requests` requests; `chunks` of them
    /// circulate. Tests make them tiny so that chunk boundaries fall everywhere.
    struct Shape {
        var ids = 32 * 1024  // 128 KiB: the chunk is still in the cache when the replay thread reads it
        var requests = 2048
        /// 1 MiB of ids in flight: on a loaded machine the replay thread may wait a while for a processor, and with
        /// 4 chunks the reader often waited for it in turn; more costs more first-touch page faults.
        var chunks = 8
    }

    enum Outcome {
        case done(ReplayResult)
        /// A request out of timestamp order: nothing that counts was replayed (the caller parses and sorts).
        case unordered
        /// No second thread (or no memory for the chunks): the caller replays on one thread.
        case unavailable
    }

    /// Replays LRU or FIFO (`refreshOnHit`) over the trace in `data`, as `replayStreaming` does.
    static func replay(_ data: Data, name: String, capacity: Int, refreshOnHit: Bool, blockSize: Int,
                       shape: Shape = Shape()) throws -> Outcome {
        let bound = TraceReader.distinctBound(data)
        guard min(capacity, bound) <= 1 << 26 else { return .unavailable }
        let cache = QueueCache(items: bound, capacity: capacity, refreshOnHit: refreshOnHit)
        guard let ring = ReplayRing(shape: shape, lineIds: TraceReader.lineIdBound(data.count), cache: cache,
                                    blockSize: blockSize) else {
            cache.deallocate()
            return .unavailable
        }
        // The bytes stay where they are while the replay thread maps their pages (it is joined before the end).
        let (started, complete, requests, lookups, inputTokens) = try data.withUnsafeBytes { raw in
            ring.prefault = raw
            guard ring.start() else { return (false, false, 0, 0, 0) }
            var sink = PipelineSink(ring: ring)
            let complete: Bool
            do {
                complete = try TraceReader.stream(data, name: name, into: &sink, output: ring.buffer(0))
            } catch {
                ring.finish(cancel: true)
                throw error
            }
            if complete { sink.flush() }
            ring.finish(cancel: !complete)
            return (true, complete, sink.requests, sink.lookups, sink.inputTokens)
        }
        guard started else { return .unavailable }
        guard complete else { return .unordered }
        return .done(ReplayResult(policy: refreshOnHit ? .lru : .fifo, capacity: capacity, blockSize: blockSize,
                                  requests: requests, lookups: lookups, hits: ring.hits,
                                  hitTokens: ring.hitTokens, inputTokens: inputTokens))
    }
}

/// The reader's side: takes each parsed request (refusing one out of timestamp order, like `ReplaySink`), notes
/// where its ids end and its input length in the current chunk, and hands the chunk over once it is full.
struct PipelineSink: TraceLineSink {
    static var keepsBlocks: Bool { true }
    let ring: ReplayRing
    private var slot = 0
    private var inChunk = 0
    private var last = -Double.infinity
    private(set) var requests = 0
    private(set) var lookups = 0
    private(set) var inputTokens = 0

    init(ring: ReplayRing) { self.ring = ring }

    @inline(__always)
    mutating func take(timestamp: Double, input: Int, output: Int, blocks: UnsafeBufferPointer<Int32>) -> Bool {
        guard timestamp >= last else { return false }
        last = timestamp
        // The ids are in the chunk's buffer (the parser writes there): their end is an offset into it.
        let first = blocks.baseAddress.map { UnsafeRawPointer(ring.base(slot)).distance(to: $0) / 4 } ?? 0
        ring.note(slot: slot, request: inChunk, end: first + blocks.count, input: input)
        inChunk += 1
        requests += 1
        lookups += blocks.count
        inputTokens += input
        return true
    }

    @inline(__always)
    mutating func redirect(_ out: inout UnsafeMutableBufferPointer<Int32>, count: inout Int) {
        guard count >= ring.shape.ids || inChunk == ring.shape.requests else { return }
        ring.publish(slot: slot, requests: inChunk)
        slot = slot + 1 == ring.shape.chunks ? 0 : slot + 1
        ring.waitForFree()
        out = ring.buffer(slot)
        count = 0
        inChunk = 0
    }

    /// Hands over the last, partly filled chunk.
    mutating func flush() {
        if inChunk > 0 { ring.publish(slot: slot, requests: inChunk) }
        inChunk = 0
    }
}

/// The chunks and the replay thread. Chunk k's ids, request ends and input lengths belong to the reader until it
/// publishes k, then to the replay thread until it marks k consumed; the counters that say so (`published`,
/// `consumed`, `closed`) are read and written only under the mutex, which also orders the chunk's contents
/// between the threads. The cache and the replay counters belong to the replay thread until it is joined.
/// Plain pthreads: the second thread needs no task machinery, and a join makes its results visible.
final class ReplayRing {
    let shape: ReplayPipeline.Shape
    private let stride: Int
    private let ids: UnsafeMutablePointer<Int32>
    private let ends: UnsafeMutablePointer<Int32>
    private let inputs: UnsafeMutablePointer<UInt32>
    private let counts: UnsafeMutablePointer<Int>
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var published = 0
    private var consumed = 0
    private var closed = false
    private var cancelled = false
    #if os(Linux)
    private var thread: pthread_t?
    #endif
    private var cache: QueueCache
    private let blockSize: Int
    /// Bytes whose pages the replay thread maps (MADV_POPULATE_READ) before it waits for the first chunk: the
    /// reader then starts at once instead of waiting ~3 ms for MAP_POPULATE on a 34 MB trace, and soon reads pages
    /// already mapped. Set before `start`.
    var prefault = UnsafeRawBufferPointer(start: nil, count: 0)
    private(set) var hits = 0
    private(set) var hitTokens = 0

    /// nil when the chunks' memory cannot be had (each chunk has room for `lineIds` past its target size, so a
    /// line never straddles two chunks; calloc's zero pages cost only where written).
    init?(shape: ReplayPipeline.Shape, lineIds: Int, cache: QueueCache, blockSize: Int) {
        let shape = ReplayPipeline.Shape(ids: max(1, shape.ids), requests: max(1, shape.requests),
                                         chunks: max(2, shape.chunks))
        self.shape = shape
        stride = shape.ids + lineIds
        guard let i = calloc(stride * shape.chunks, 4) else { return nil }
        ids = i.bindMemory(to: Int32.self, capacity: stride * shape.chunks)
        ends = .allocate(capacity: shape.requests * shape.chunks)
        inputs = .allocate(capacity: shape.requests * shape.chunks)
        counts = .allocate(capacity: shape.chunks)
        counts.initialize(repeating: 0, count: shape.chunks)
        self.cache = cache
        self.blockSize = blockSize
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        cache.deallocate()
        free(ids)
        ends.deallocate()
        inputs.deallocate()
        counts.deallocate()
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    func base(_ slot: Int) -> UnsafeMutablePointer<Int32> { ids + slot * stride }

    func buffer(_ slot: Int) -> UnsafeMutableBufferPointer<Int32> {
        UnsafeMutableBufferPointer(start: base(slot), count: stride)
    }

    @inline(__always)
    func note(slot: Int, request: Int, end: Int, input: Int) {
        // A chunk holds under `stride` ids (below 2^31: a line is at most 16 MiB) and inputs are below 2^32.
        ends[slot * shape.requests + request] = Int32(truncatingIfNeeded: end)
        inputs[slot * shape.requests + request] = UInt32(truncatingIfNeeded: input)
    }

    /// Starts the replay thread; false if it cannot be started.
    func start() -> Bool {
        #if os(Linux)
        let context = Unmanaged.passRetained(self).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { context in
            guard let context else { return nil }
            Unmanaged<ReplayRing>.fromOpaque(context).takeRetainedValue().consume()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<ReplayRing>.fromOpaque(context).release()
            return false
        }
        thread = t
        return true
        #else
        return false
        #endif
    }

    /// Hands chunk `slot` (its `requests` requests) to the replay thread.
    func publish(slot: Int, requests: Int) {
        counts[slot] = requests
        pthread_mutex_lock(lock)
        published += 1
        pthread_cond_signal(changed)
        pthread_mutex_unlock(lock)
    }

    /// Waits until the next chunk to fill is free (the replay thread is done with it).
    func waitForFree() {
        pthread_mutex_lock(lock)
        while published - consumed >= shape.chunks { pthread_cond_wait(changed, lock) }
        pthread_mutex_unlock(lock)
    }

    /// No more chunks: the replay thread finishes those published (or, `cancel`, stops at once); then joins it.
    func finish(cancel: Bool) {
        pthread_mutex_lock(lock)
        closed = true
        cancelled = cancel
        pthread_cond_signal(changed)
        pthread_mutex_unlock(lock)
        #if os(Linux)
        if let thread { pthread_join(thread, nil) }
        thread = nil
        #endif
    }

    /// The replay thread: each published chunk in turn, until closed and drained (or cancelled).
    private func consume() {
        #if os(Linux)
        // Only advice: it fails harmlessly (the reader then faults the pages in itself) on kernels before 5.14
        // (no MADV_POPULATE_READ, 22) and for bytes not from a page-aligned mapping.
        if let p = prefault.baseAddress, prefault.count > 0, Int(bitPattern: p) % Int(getpagesize()) == 0 {
            _ = madvise(UnsafeMutableRawPointer(mutating: p), prefault.count, 22)
        }
        #endif
        var cache = self.cache
        var hits = 0, hitTokens = 0, slot = 0
        let blockSize = self.blockSize
        while true {
            pthread_mutex_lock(lock)
            while consumed == published, !closed { pthread_cond_wait(changed, lock) }
            let stop = cancelled || consumed == published
            pthread_mutex_unlock(lock)
            if stop { break }
            let chunk = base(slot)
            let row = slot * shape.requests
            var start = 0
            for r in 0..<counts[slot] {
                let end = Int(ends[row + r])
                let h = cache.replayRequest(UnsafeBufferPointer(start: chunk + start, count: end - start))
                hits += h
                hitTokens += prefixTokens(h, Int(inputs[row + r]), blockSize)
                start = end
            }
            slot = slot + 1 == shape.chunks ? 0 : slot + 1
            pthread_mutex_lock(lock)
            consumed += 1
            pthread_cond_signal(changed)
            pthread_mutex_unlock(lock)
        }
        self.cache = cache
        self.hits = hits
        self.hitTokens = hitTokens
    }
}

/// For the fuzz target (which sees only the public interface): replays the trace in `data` while reading it, on
/// two threads handing over chunks of at most `chunkIds` ids or `chunkRequests` requests (tiny, so that chunk
/// boundaries fall everywhere), or on one thread (`chunkIds` 0). nil where `replay(path:)` would parse, sort and
/// replay the whole trace instead (a request out of order, LFU) or where no second thread could be started.
/// Errors are `replay(path:)`'s.
public func replayWhileReading(_ data: Data, name: String, capacity: Int, policy: EvictionPolicy,
                               blockSize: Int = 512, chunkIds: Int, chunkRequests: Int = 2) throws -> ReplayResult? {
    try checkReplayArguments(capacity: capacity, blockSize: blockSize)
    guard chunkIds > 0 else {
        return try replayStreaming(data, name: name, capacity: capacity, policy: policy, blockSize: blockSize)
    }
    guard policy != .lfu else { return nil }
    let shape = ReplayPipeline.Shape(ids: chunkIds, requests: chunkRequests, chunks: 2)
    switch try ReplayPipeline.replay(data, name: name, capacity: capacity, refreshOnHit: policy == .lru,
                                     blockSize: blockSize, shape: shape) {
    case .done(let result): return result
    case .unordered, .unavailable: return nil
    }
}
