/// The discrete-event loop behind `ModelSpec.serve`: one replica, one step at a time (see `serve` for the
/// semantics). Times are seconds from the first arrival.
enum ServeSimulation {
    /// The most pool blocks simulated (about 700 MB of arrays): 2^25 blocks are 537 M tokens in 16-token blocks.
    static let maxPoolBlocks = 1 << 25
    /// The most steps one run may take (a few minutes): a guard against a workload too long to simulate.
    static let maxSteps = 50_000_000

    static func run(_ model: ModelSpec, _ w: ServeWorkload, gpu: Accelerator, _ o: ServeOptions) throws -> ServeResult {
        let bs = w.blockTokens
        // A pool larger than every request's blocks at once behaves as that many (nothing is ever evicted or
        // preempted, and the queue never wraps round), so the arrays are sized by the workload, not the capacity.
        let capacity = min(o.capacityTokens / bs, demand(w))
        let kvDtype = o.kvDtype ?? (o.dtype == .fp8 ? .fp8 : .bf16)
        try checkFits(w, capacity: o.capacityTokens / bs, o)
        guard o.cache == .lru || capacity <= maxPoolBlocks else {
            throw EngineError("the KV pool would hold \(capacity) blocks of \(bs) tokens, over the simulator's limit of "
                              + "\(maxPoolBlocks); use larger blocks or a smaller capacity", argument: "capacity")
        }
        // Step times come from the latency engine unless fixed or instant (then the GPU needs no performance data).
        let latency = o.instant || o.fixedStepTime != nil
            ? nil : try LatencyModel(model, gpu: gpu, tp: o.tp, pp: o.pp, dtype: o.dtype, kvDtype: kvDtype)
        var dramBlocks = 0, reloadSeconds = 0.0
        if o.dramBytes > 0 {
            // The whole block crosses the host link once (all tp ranks' shares together).
            let blockBytes = try model.kvCache(batch: 1, seq: bs, kvDtype: kvDtype).bytes
            dramBlocks = blockBytes > 0 ? Int(min(o.dramBytes / blockBytes, Double(Int32.max))) : 0
            reloadSeconds = blockBytes / o.dramBandwidth
        }
        var loop = Loop(w, o, latency: latency, reloadSeconds: reloadSeconds)
        switch o.cache {
        case .vllm: return try loop.run(VLLMBlockPool(w, capacity: capacity, dramBlocks: dramBlocks))
        case .sglang: return try loop.run(RadixBlockCache(w, capacity: capacity, dramBlocks: dramBlocks))
        case .lru: return try loop.run(SideLRUCache(w, capacity: capacity))
        case .none: return try loop.run(NoPrefixCache(capacity: capacity, requests: w.requests))
        }
    }

    /// Blocks of all requests at their longest together (saturating).
    static func demand(_ w: ServeWorkload) -> Int {
        var total = 0
        for r in 0..<w.requests {
            let tokens = w.trace.inputLengths[r] + max(1, w.trace.outputLengths[r]) - 1
            total = total.addingReportingOverflow((tokens - 1) / w.blockTokens + 1).overflow ? Int.max
                : total + (tokens - 1) / w.blockTokens + 1
        }
        return total
    }

    /// Every request must fit the pool alone at its longest (input + output − 1 tokens: the last token is sampled,
    /// never stored), or it could never run; `lru` does not limit running requests.
    static func checkFits(_ w: ServeWorkload, capacity: Int, _ o: ServeOptions) throws {
        guard o.cache != .lru else { return }
        let bs = w.blockTokens
        var worst = 0, worstTokens = 0
        for r in 0..<w.requests {
            let tokens = w.trace.inputLengths[r] + max(1, w.trace.outputLengths[r]) - 1
            let blocks = (tokens - 1) / bs + 1
            if blocks > capacity { (worst, worstTokens) = (r, tokens) ; break }
        }
        guard worstTokens == 0 else {
            throw EngineError("request \(worst + 1) of \(w.trace.name) needs \((worstTokens - 1) / bs + 1) blocks of "
                              + "\(bs) tokens (\(worstTokens) tokens) but the KV pool holds \(capacity) "
                              + "(\(o.capacityTokens) tokens): raise the capacity", argument: "capacity")
        }
    }
}

/// The loop's state. Arrays are indexed by request; the running list keeps admission order (the last is the
/// newest, preempted first) and is compacted after each step, so a step costs O(running) and allocates nothing.
private struct Loop {
    let w: ServeWorkload
    let o: ServeOptions
    let latency: LatencyModel?
    let reloadSeconds: Double
    let bs: Int
    let arrival: [Double]
    let prompt: [Int]
    let outputs: [Int]
    var computed: [Int], generated: [Int], held: [Int]
    var firstToken: [Double], lastToken: [Double]
    var admitted: [Bool]
    var running: [Int32] = []
    var waiting: WaitingQueue
    // This step's sequences: request, new tokens, context before them.
    var stepRequest: [Int32] = [], stepTokens: [Int] = [], stepContext: [Int] = []
    var result = ServeResult()

    init(_ w: ServeWorkload, _ o: ServeOptions, latency: LatencyModel?, reloadSeconds: Double) {
        self.w = w
        self.o = o
        self.latency = latency
        self.reloadSeconds = reloadSeconds
        bs = w.blockTokens
        let n = w.requests
        let t0 = w.trace.timestamps.first ?? 0
        arrival = w.trace.timestamps.map { ($0 - t0) / 1000 }
        prompt = w.trace.inputLengths
        outputs = w.trace.outputLengths.map { max(1, $0) }
        computed = [Int](repeating: 0, count: n)
        generated = computed
        held = computed
        firstToken = [Double](repeating: 0, count: n)
        lastToken = firstToken
        admitted = [Bool](repeating: false, count: n)
        waiting = WaitingQueue(capacity: n)
        let slots = min(o.maxNumSeqs, max(n, 1))
        running.reserveCapacity(slots)
        stepRequest.reserveCapacity(slots)
        stepTokens.reserveCapacity(slots)
        stepContext.reserveCapacity(slots)
    }

    mutating func run<C: ServeCache>(_ initial: C) throws -> ServeResult {
        var cache = initial
        let n = w.requests
        result.requests = n
        result.blockTokens = bs
        result.capacityBlocks = o.capacityTokens / bs
        result.promptTokens = prompt.reduce(0, +)
        result.lookups = w.trace.lookups
        result.outputTokens = outputs.reduce(0, +)
        var sampler = TimelineSampler(points: o.timelinePoints, expectedSpan: arrival.last ?? 0)
        var now = 0.0, nextArrival = 0, finished = 0
        var kvBlockSeconds = 0.0, kvTokenSeconds = 0.0
        var emptySteps = 0
        // Each step computes at least one token or is one of two empty ones; tokens computed are bounded by the
        // workload's tokens times the preemptions' recomputation, so this cap is only a guard against a bug.
        let work = w.trace.inputLengths.reduce(0) { $0 &+ $1 } &+ result.outputTokens
        let stepLimit = min(ServeSimulation.maxSteps, work < Int.max / 64 ? 64 * work + 1_000_000 : Int.max)
        while finished < n {
            while nextArrival < n, arrival[nextArrival] <= now { waiting.pushBack(nextArrival); nextArrival += 1 }
            if running.isEmpty, waiting.isEmpty {
                guard nextArrival < n else {
                    throw EngineError("serve: \(n - finished) requests were lost (a simulator bug)", argument: "workload")
                }
                now = arrival[nextArrival]
                continue
            }
            result.steps += 1
            guard result.steps <= stepLimit else {
                throw EngineError("serve: the simulation did not finish within \(stepLimit) steps; simulate a part of "
                                  + "the workload", argument: "workload")
            }
            let preempted = schedule(&cache)
            if !preempted { admit(&cache) }
            if stepRequest.isEmpty {
                emptySteps += 1
                guard emptySteps < 3 else {
                    throw EngineError("serve: no request could be scheduled (request \(waiting.isEmpty ? 0 : waiting.front + 1) "
                                      + "does not fit the pool)", argument: "capacity")
                }
                continue
            }
            emptySteps = 0
            let dt = stepTime(reloaded: cache.takeReloadedBlocks())
            // KV held during the step: blocks in use, tokens after the step's computation.
            let inUse = cache.blocksInUse
            var tokens = 0
            for r in running { tokens += computed[Int(r)] }
            for k in stepTokens.indices { tokens += stepTokens[k] }
            result.peakKVBlocks = max(result.peakKVBlocks, inUse)
            result.peakKVTokens = max(result.peakKVTokens, tokens)
            kvBlockSeconds += Double(inUse) * dt
            kvTokenSeconds += Double(tokens) * dt
            now += dt
            finished += finishStep(&cache, now: now)
            sampler.offer(ServeSample(time: now, running: running.count, waiting: waiting.count,
                                      blocksInUse: cache.blocksInUse, cachedBlocks: cache.cachedBlocks))
        }
        result.duration = now
        sampler.finish(ServeSample(time: now, running: running.count, waiting: waiting.count,
                                   blocksInUse: cache.blocksInUse, cachedBlocks: cache.cachedBlocks))
        if now > 0 {
            result.meanKVBlocks = kvBlockSeconds / now
            result.meanKVTokens = kvTokenSeconds / now
        }
        let overhead = LatencyConstants.requestOverhead
        var ttft: [Double] = [], tpot: [Double] = [], e2e: [Double] = []
        ttft.reserveCapacity(n)
        e2e.reserveCapacity(n)
        for r in 0..<n {
            ttft.append(firstToken[r] - arrival[r] + overhead)
            e2e.append(lastToken[r] - arrival[r] + overhead)
            if outputs[r] > 1 { tpot.append((lastToken[r] - firstToken[r]) / Double(outputs[r] - 1)) }
        }
        result.ttft = Percentiles(of: ttft)
        result.tpot = Percentiles(of: tpot)
        result.e2e = Percentiles(of: e2e)
        result.timeline = sampler.samples
        return result
    }

    /// Running requests first, in order: each gets the rest of its tokens up to the budget (a decode: 1). When its
    /// blocks cannot be had, the newest running request is preempted until they can (or it preempted itself).
    /// Returns whether anything was preempted.
    private mutating func schedule<C: ServeCache>(_ cache: inout C) -> Bool {
        stepRequest.removeAll(keepingCapacity: true)
        stepTokens.removeAll(keepingCapacity: true)
        stepContext.removeAll(keepingCapacity: true)
        budget = o.maxNumBatchedTokens
        var preempted = false
        var i = 0
        outer: while i < running.count, budget > 0 {
            let r = Int(running[i])
            let c = computed[r]
            let n = min(prompt[r] + generated[r] - c, budget)
            let need = (c + n + bs - 1) / bs - held[r]
            if need > 0 {
                while !cache.grow(r, by: need) {
                    let victim = Int(running.removeLast())
                    preempt(victim, &cache)
                    preempted = true
                    if victim == r { break outer }
                }
                held[r] += need
            }
            cache.scheduled(r, tokens: c + n)
            add(r, n, c)
            i += 1
        }
        return preempted
    }

    private var budget = 0

    /// Waiting requests, first come first served, while the budget, `maxNumSeqs` and the pool allow.
    private mutating func admit<C: ServeCache>(_ cache: inout C) {
        while !waiting.isEmpty, budget > 0, running.count < o.maxNumSeqs {
            let r = waiting.front
            let tokens = prompt[r] + generated[r]
            let hit = cache.lookup(r, tokens: tokens)
            let n = min(tokens - hit.tokens, budget)
            let total = (hit.tokens + n + bs - 1) / bs
            guard cache.admit(r, hit, totalBlocks: total) else { break }
            waiting.popFront()
            running.append(Int32(r))
            held[r] = total
            computed[r] = hit.tokens
            if !admitted[r] {
                admitted[r] = true
                result.hitBlocks += hit.statBlocks
                result.hitTokens += hit.statTokens
                result.dramHitBlocks += hit.dram
            }
            cache.scheduled(r, tokens: hit.tokens + n)
            add(r, n, hit.tokens)
        }
    }

    @inline(__always) private mutating func add(_ r: Int, _ n: Int, _ context: Int) {
        stepRequest.append(Int32(r))
        stepTokens.append(n)
        stepContext.append(context)
        budget -= n
    }

    private mutating func preempt<C: ServeCache>(_ r: Int, _ cache: inout C) {
        cache.release(r)
        computed[r] = 0
        held[r] = 0
        waiting.pushFront(r)
        result.preemptions += 1
    }

    /// The step's time: one pass over all its sequences (weights read once), plus reloading DRAM blocks.
    private mutating func stepTime(reloaded: Int) -> Double {
        if o.instant { return 0 }
        let reload = Double(reloaded) * reloadSeconds
        if let t = o.fixedStepTime { return t + reload }
        guard let m = latency else { return reload }
        var shape = StepShape()
        for k in stepRequest.indices {
            let r = Int(stepRequest[k]), c = stepContext[k], n = stepTokens[k]
            m.add(to: &shape, newTokens: n, context: c, decode: n == 1 && c >= prompt[r], count: 1)
        }
        return m.cost(shape).time + reload
    }

    /// Advances the step's sequences; a sequence whose tokens are all computed samples one; a request with all
    /// its output tokens is released. Returns the requests finished.
    private mutating func finishStep<C: ServeCache>(_ cache: inout C, now: Double) -> Int {
        var done = 0
        for k in stepRequest.indices {
            let r = Int(stepRequest[k])
            computed[r] += stepTokens[k]
            cache.computed(r, tokens: computed[r])
            guard computed[r] == prompt[r] + generated[r] else { continue }
            generated[r] += 1
            if generated[r] == 1 { firstToken[r] = now }
            lastToken[r] = now
            if generated[r] >= outputs[r] {
                cache.release(r)
                held[r] = 0
                done += 1
            }
        }
        if done > 0 {
            var kept = 0
            for i in running.indices {
                let r = Int(running[i])
                if generated[r] < outputs[r] { running[kept] = running[i]; kept += 1 }
            }
            running.removeLast(running.count - kept)
        }
        return done
    }
}
