import KVLang
import KVEngine

/// serve's results as language values, each with its unit.
enum ServeRecord {
    static func result(_ s: ServeResult, cache: ServeCachePolicy, _ i: Interpreter) -> Record {
        var r = Record()
        r["requests"] = i.requests(Double(s.requests))
        r["cache"] = .string(cache.rawValue)
        r["hit_rate"] = i.percent(s.hitRate)
        r["block_hit_rate"] = i.percent(s.blockHitRate)
        r["dram_hit_rate"] = i.percent(s.lookups > 0 ? Double(s.dramHitBlocks) / Double(s.lookups) : 0)
        r["ttft"] = .record(percentiles(s.ttft, i))
        r["tpot"] = .record(percentiles(s.tpot, i))
        r["e2e"] = .record(percentiles(s.e2e, i))
        r["throughput"] = LatencyBuiltins.tokensPerSecond(s.throughput, i)
        r["preemptions"] = .number(Double(s.preemptions))
        r["duration"] = seconds(s.duration, i)
        r["steps"] = .number(Double(s.steps))
        r["prompt_tokens"] = i.tokens(Double(s.promptTokens))
        r["hit_tokens"] = i.tokens(Double(s.hitTokens))
        r["output_tokens"] = i.tokens(Double(s.outputTokens))
        r["lookups"] = .number(Double(s.lookups))
        r["hits"] = .number(Double(s.hitBlocks))
        r["capacity"] = i.tokens(Double(s.capacityBlocks) * Double(s.blockTokens))
        r["capacity_blocks"] = .number(Double(s.capacityBlocks))
        r["block_size"] = i.tokens(Double(s.blockTokens))
        r["peak_kv_blocks"] = .number(Double(s.peakKVBlocks))
        r["mean_kv_blocks"] = .number(s.meanKVBlocks)
        r["peak_kv_tokens"] = i.tokens(Double(s.peakKVTokens))
        r["mean_kv_tokens"] = i.tokens(s.meanKVTokens)
        return r
    }

    /// {mean, p50, p90, p99} in seconds.
    static func percentiles(_ p: Percentiles, _ i: Interpreter) -> Record {
        var r = Record()
        r["mean"] = seconds(p.mean, i)
        r["p50"] = seconds(p.p50, i)
        r["p90"] = seconds(p.p90, i)
        r["p99"] = seconds(p.p99, i)
        return r
    }

    static func seconds(_ v: Double, _ i: Interpreter) -> Value { i.quantity(v, [(KnownNames.Unit.second, 1)]) }

    /// One row per sample: time (s since the first arrival), running and waiting requests, pool blocks held by
    /// running requests, blocks holding a reusable prefix that no running request holds.
    static func timeline(_ s: ServeResult, _ i: Interpreter) -> Table {
        Table(columns: ["time", "running", "waiting", "kv_blocks", "cached_blocks"], rows: s.timeline.map { x in
            [seconds(x.time, i), .number(Double(x.running)), .number(Double(x.waiting)),
             .number(Double(x.blocksInUse)), .number(Double(x.cachedBlocks))]
        })
    }
}
