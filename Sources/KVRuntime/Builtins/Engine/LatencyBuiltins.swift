import KVLang
import KVEngine

/// The latency engine's builtins (declared with their documentation in stdlib/latency.kv).
enum LatencyBuiltins {
    typealias P = EngineParameters

    static let input = ParameterSpec("input", .tokens(1...P.largeCount))
    static let output = ParameterSpec("output", .tokens(1...P.largeCount))
    static let cached = ParameterSpec("cached", .tokens(0...P.largeCount))
    static let tpotSLO = ParameterSpec("tpot_slo", .custom("a time, or \"none\""))
    static let ttftSLO = ParameterSpec("ttft_slo", .custom("a time, or \"none\""))
    static let price = ParameterSpec("price", .dimension(KnownNames.Dimension.moneyRate))

    static let specs: [BuiltinSpec] = [
        BuiltinSpec("latency", [P.model, P.gpu, P.batch, input, output, P.tp, P.pp, P.dtype, P.kvDtypeAuto, cached]) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator()
            var r = try request(a, model: m)
            r.batch = try a.int("batch")
            r.pp = try a.int("pp")
            r.cached = try a.int("cached")
            let l = try a.engine { try m.latency(gpu: gpu, r) }
            return .record(record(l, gpu: gpu, request: r, a.interpreter))
        },
        BuiltinSpec("max_throughput", [P.model, P.gpu, input, output, P.tp, P.dtype, P.kvDtypeAuto, tpotSLO, ttftSLO]) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), r = try request(a, model: m)
            let (tpot, ttft) = (try slo(a, "tpot_slo"), try slo(a, "ttft_slo"))
            let o = try a.memoryOptions()
            let t = try a.engine { try m.maxThroughput(gpu: gpu, r, memory: o, tpotSLO: tpot, ttftSLO: ttft) }
            return .record(throughputRecord(t, a.interpreter))
        },
        BuiltinSpec("cost", [P.model, P.gpu, price, input, output, P.tp, P.dtype, P.kvDtypeAuto, tpotSLO, ttftSLO]) { a throws(Diagnostic) in
            let m = try a.model(), gpu = try a.accelerator(), r = try request(a, model: m)
            let (tpot, ttft) = (try slo(a, "tpot_slo"), try slo(a, "ttft_slo"))
            let price = try a.double("price")
            guard price > 0 else { throw a.error("`price` must be above 0 USD/hour", at: "price") }
            let o = try a.memoryOptions()
            let c = try a.engine {
                try m.cost(gpu: gpu, pricePerSecond: price, r, memory: o, tpotSLO: tpot, ttftSLO: ttft)
            }
            let i = a.interpreter
            var rec = Record()
            rec["per_million_input"] = usd(c.perMillionInput, i)
            rec["per_million_output"] = usd(c.perMillionOutput, i)
            rec["per_million_total"] = usd(c.perMillionTotal, i)
            rec["batch"] = .number(Double(c.throughput.batch))
            rec["throughput"] = tokensPerSecond(c.throughput.latency.throughput, i)
            rec["gpus"] = i.devices(Double(c.gpus))
            return .record(rec)
        },
    ]

    /// input, output, tp, dtype, kv_dtype from the arguments. A 1 B/param dtype constant is refused: fp8 and int8
    /// weights run on different units (FP8 tensor cores against weight-only dequantisation).
    static func request(_ a: Arguments, model m: ModelSpec) throws(Diagnostic) -> LatencyRequest {
        var r = LatencyRequest()
        r.input = try a.int("input")
        r.output = try a.int("output")
        r.tp = try a.int("tp")
        r.dtype = try computeDtype(a, model: m)
        r.kvDtype = try a.dtype("kv_dtype")
        return r
    }

    /// The compute dtype: the argument, else the checkpoint's quantization (fp8 for a float format, int8 or int4
    /// weight-only), else bf16. A 1 B/param constant is refused as ambiguous between fp8 and int8. serve() reads
    /// its step times the same way.
    static func computeDtype(_ a: Arguments, model m: ModelSpec) throws(Diagnostic) -> DType {
        if case .quantity(let q) = try a.value("dtype"), q.value == 1 {
            throw a.error("`dtype` of 1 B/param is ambiguous: fp8 computes on FP8 tensor cores, int8 is weight-only",
                          at: "dtype", hint: "write dtype: \"fp8\" or dtype: \"int8\"")
        }
        if let d = try a.dtype("dtype") { return d }
        guard let q = m.checkpoint else { return .bf16 }
        return q.bits >= 16 ? .bf16 : q.bits > 4 ? (q.format.lowercased().contains("f") ? .fp8 : .int8) : .int4
    }

    static func slo(_ a: Arguments, _ name: String) throws(Diagnostic) -> Double? {
        switch try a.value(name) {
        case .string("none"): return nil
        case .quantity(let q) where q.dimension == a.interpreter.units.dimension(named: KnownNames.Dimension.time):
            guard q.value.isFinite, q.value > 0 else { throw a.error("`\(name)` must be a positive time", at: name) }
            return q.value
        case let v:
            throw a.error("`\(name)` must be a time such as 50 ms, or \"none\", not \(v.typeName)", at: name,
                          kind: .dimension)
        }
    }

    static func seconds(_ v: Double, _ i: Interpreter) -> Value { i.quantity(v, [(KnownNames.Unit.ms, 1)]) }
    static func tokensPerSecond(_ v: Double, _ i: Interpreter) -> Value {
        i.quantity(v, [(KnownNames.Unit.tokens, 1), (KnownNames.Unit.second, -1)])
    }
    static func usd(_ v: Double, _ i: Interpreter) -> Value { i.quantity(v, [(KnownNames.Unit.usd, 1)]) }
    static func flops(_ v: Double, _ i: Interpreter) -> Value { i.quantity(v, [(KnownNames.Unit.flop, 1)]) }

    static func phase(_ s: StepCost, _ i: Interpreter) -> Record {
        var bytes = Record()
        bytes["weights"] = i.bytes(s.weightBytes)
        bytes["kv_read"] = i.bytes(s.kvReadBytes)
        bytes["kv_write"] = i.bytes(s.kvWriteBytes)
        bytes["activations"] = i.bytes(s.activationBytes)
        bytes["total"] = i.bytes(s.bytes)
        var r = Record()
        r["flops"] = flops(s.flops, i)
        r["bytes"] = .record(bytes)
        r["comm_bytes"] = i.bytes(s.commBytes)
        r["time"] = seconds(s.time, i)
        r["compute"] = seconds(s.computeTime, i)
        r["memory"] = seconds(s.memoryTime, i)
        r["communication"] = seconds(s.commTime, i)
        r["overhead"] = seconds(s.overheadTime, i)
        r["bound"] = .string(s.bound.rawValue)
        return r
    }

    static func record(_ l: LatencyResult, gpu: Accelerator, request r: LatencyRequest, _ i: Interpreter) -> Record {
        var rec = Record()
        rec["ttft"] = seconds(l.ttft, i)
        rec["tpot"] = seconds(l.tpot, i)
        rec["e2e"] = seconds(l.e2e, i)
        rec["throughput"] = tokensPerSecond(l.throughput, i)
        rec["prefill"] = .record(phase(l.prefill, i))
        var d = phase(l.decode, i)
        d["steps"] = .number(Double(l.decodeSteps))
        rec["decode"] = .record(d)
        rec["dtype"] = .string(l.dtype.name)
        rec["kv_dtype"] = .string(l.kvDtype.name)
        rec["gpu"] = .string(gpu.name)
        rec["derivation"] = .table(derivation(l, gpu: gpu, request: r, i))
        return rec
    }

    /// explain(latency(…)): each time with the quantities and the rate it divides by.
    static func derivation(_ l: LatencyResult, gpu: Accelerator, request r: LatencyRequest, _ i: Interpreter) -> Table {
        let p = gpu.performance
        let peak = l.usesFP8 ? p.fp8Flops : gpu.bf16Flops
        let eff = l.usesFP8 ? p.fp8FlopsEfficiency : p.flopsEfficiency
        func f(_ x: Double) -> String { NumberFormat.format(x) }
        func tera(_ x: Double) -> String { f((x / 1e12 * 1000).rounded() / 1000) }
        func giga(_ x: Double) -> String { f((x / 1e9 * 1000).rounded() / 1000) }
        func ms(_ x: Double) -> String { f((x * 1e6).rounded() / 1000) + " ms" }
        var rows: [(String, String, String, Value)] = []
        func add(_ phase: String, _ item: String, _ how: String, _ v: Value) { rows.append((phase, item, how, v)) }
        let prefillTokens = Double(r.batch) * Double(r.input - r.cached)
        let rate = "\(tera(peak)) TFLOPS × \(f(eff)) (\(l.usesFP8 ? "FP8" : "16-bit") efficiency)"
        for (name, s, tokens) in [("prefill", l.prefill, prefillTokens), ("decode", l.decode, Double(r.batch))] {
            let ramp = max(tokens / (tokens + LatencyConstants.halfEfficiencyTokens), LatencyConstants.gemvEfficiencyFloor)
            add(name, "flops", "linear layers 2 × tokens × active params per chip, attention over the context", flops(s.flops, i))
            add(name, "compute", (name == "decode" ? "summed: " : "") + "\(tera(s.flops)) TFLOP / (\(rate) × \(f((ramp * 1000).rounded() / 1000)) GEMM ramp at \(f(tokens)) tokens/step\(ramp == LatencyConstants.gemvEfficiencyFloor ? ", the GEMV floor" : ""))",
                seconds(s.computeTime, i))
            add(name, "bytes", "weights \(giga(s.weightBytes)) + KV read \(giga(s.kvReadBytes)) + KV write \(giga(s.kvWriteBytes)) + activations \(giga(s.activationBytes)) GB",
                i.bytes(s.bytes))
            let dequant = s.dequantTime > 0
                ? " + weight-only dequantisation \(f(LatencyConstants.dequantOpsPerWeight)) ops per weight at \(tera(gpu.bf16Flops * LatencyConstants.gemvEfficiencyFloor)) TFLOPS: \(ms(s.dequantTime))"
                : ""
            add(name, "memory", "\(giga(s.bytes)) GB / (\(giga(gpu.bandwidth)) GB/s × \(f(p.bandwidthEfficiency)))" + dequant, seconds(s.memoryTime, i))
            add(name, "communication", r.tp > 1 || r.pp > 1
                ? "2 all-reduces per layer, \(giga(s.commBytes)) GB over \(giga(p.interconnect)) GB/s × \(f(p.interconnectEfficiency)) + \(f(p.interconnectLatency * 1e6)) µs each"
                : "none (tp 1, pp 1)", seconds(s.commTime, i))
            add(name, "overhead", "\(f(LatencyConstants.layerOverhead * 1e6)) µs per layer per pass", seconds(s.overheadTime, i))
            add(name, "attention", "of compute and memory, the attention kernels' part: KV \(giga(s.kvReadBytes + s.kvWriteBytes)) GB in \(ms(s.attentionMemoryTime)), QKᵀ and AV in \(ms(s.attentionComputeTime))",
                seconds(max(s.attentionComputeTime, s.attentionMemoryTime), i))
            add(name, "time", (name == "decode" ? "sum over \(l.decodeSteps) steps of " : "")
                + "max(linear compute, linear memory) + max(attention compute, attention memory) + communication + overhead (GEMMs and attention run one after the other): \(s.bound.rawValue)-bound", seconds(s.time, i))
        }
        add("ttft", "ttft", "prefill + \(f(LatencyConstants.requestOverhead * 1000)) ms request overhead", seconds(l.ttft, i))
        add("decode", "tpot", "decode time / \(l.decodeSteps) steps", seconds(l.tpot, i))
        add("total", "throughput", "\(r.batch) × \(r.output) tokens / e2e \(ms(l.e2e))", tokensPerSecond(l.throughput, i))
        return Table(records: rows.map { row in
            var rec = Record()
            rec["phase"] = .string(row.0)
            rec["item"] = .string(row.1)
            rec["derivation"] = .string(row.2)
            rec["value"] = row.3
            return rec
        })
    }

    static func throughputRecord(_ t: ThroughputResult, _ i: Interpreter) -> Record {
        var r = Record()
        r["batch"] = .number(Double(t.batch))
        r["throughput"] = tokensPerSecond(t.latency.throughput, i)
        r["ttft"] = seconds(t.latency.ttft, i)
        r["tpot"] = seconds(t.latency.tpot, i)
        r["e2e"] = seconds(t.latency.e2e, i)
        r["limited_by"] = .string(t.limitedBy.rawValue)
        return r
    }
}
