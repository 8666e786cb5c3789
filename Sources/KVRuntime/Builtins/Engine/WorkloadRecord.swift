import KVLang
import KVEngine

/// Synthetic serving workloads as language records: what `workload(…)` returns and `serve` reads back, so a user can
/// print one, change it with `with {…}` and pass it on. Fields: requests, input, output (tokens), arrival ("all at
/// once", a request rate such as 2 req/s, or a conversation rate such as 0.5 conv/s), turns and interval (only with
/// a conversation rate), seed, block_size (tokens). Both ways in are checked against the same ranges.
struct WorkloadRecord {
    var requests: Int
    var input: Int
    var output: Int
    var arrival: Value
    var kind: Arrival
    var turns: Int?
    var interval: Double?
    var seed: Int
    var blockSize: Int

    /// The ranges both paths check (the simulator's own limits: SyntheticWorkloadBuilder).
    static let requestRange = 1...10_000_000
    static let tokenRange = 1...(1 << 30)
    static let turnRange = 1...100_000
    static let blockRange = 1...1_048_576
    static let seedRange = 0...WholeNumber.largest
    static let defaultTurns = 5, defaultInterval = 30.0

    static let fields = ["requests", "input", "output", "arrival", "turns", "interval", "seed", "block_size"]

    /// How a request or conversation rate must read; the arrival kinds.
    enum Arrival {
        case allAtOnce, requests(Double), conversations(Double)
    }

    static let arrivalHelp = "\"all at once\", a request rate such as 2 req/s, or a conversation rate such as 0.5 conv/s"

    /// The arrival value as one of the three kinds; `fail` makes the located error.
    static func arrival(_ v: Value, units: UnitTable, fail: (String, String?) -> Diagnostic) throws(Diagnostic) -> Arrival {
        switch v {
        case .string("all at once"): return .allAtOnce
        case .string(let s):
            throw fail("must be \(arrivalHelp), not \"\(s)\"", Suggestions.hint(for: s, in: ["all at once"]))
        case .quantity(let q):
            let time = units.dimension(named: KnownNames.Dimension.time)
            func per(_ name: String) -> Dimension? {
                guard let t = time, let d = units.dimension(named: name) else { return nil }
                return d.multiplied(by: t, exponent: .minusOne)
            }
            let isRequests = q.dimension == per(KnownNames.Dimension.request)
            let isConversations = q.dimension == per(KnownNames.Dimension.conversation)
            guard isRequests || isConversations else {
                throw fail("must be \(arrivalHelp), not \(q.dimension.isDimensionless ? "a plain number" : units.name(of: q.dimension))",
                           q.dimension.isDimensionless ? "write a unit: 2 req/s or 0.5 conv/s" : nil)
            }
            guard q.value.isFinite, q.value > 0 else {
                throw fail("must be a positive, finite rate, not \(NumberFormat.format(q.value)) per second", nil)
            }
            return isRequests ? .requests(q.value) : .conversations(q.value)
        default:
            throw fail("must be \(arrivalHelp), not \(v.typeName)", nil)
        }
    }

    /// A record's fields, checked: unknown ones, wrong types and out-of-range values are errors at `span` naming the
    /// field.
    init(_ r: Record, at span: Span, units: UnitTable) throws(Diagnostic) {
        let reader = ModelRecord.Reader(r: r, span: span, what: "the workload")
        try reader.rejectUnknown(Self.fields, kind: "workload")
        func whole(_ f: String, _ range: ClosedRange<Int>, dimension: String?, _ fallback: Int?) throws(Diagnostic) -> Int {
            guard let v = r[f] else {
                if let d = fallback { return d }
                throw Diagnostic(.argument, "the workload is missing the field `\(f)`", at: span,
                                 hint: "make one with workload(…)")
            }
            guard case .quantity(let q) = v,
                  q.dimension.isDimensionless || dimension.flatMap(units.dimension(named:)) == q.dimension else {
                throw reader.fail(f, "must be a whole number\(dimension.map { " or \($0)s" }?.lowercased() ?? ""), not \(v.typeName)")
            }
            guard let n = WholeNumber.exactly(q.value, in: range) else {
                throw reader.fail(f, "must be \(WholeNumber.describe(range)), not \(NumberFormat.format(q.value))")
            }
            return n
        }
        requests = try whole("requests", Self.requestRange, dimension: KnownNames.Dimension.request, nil)
        input = try whole("input", Self.tokenRange, dimension: KnownNames.Dimension.token, nil)
        output = try whole("output", Self.tokenRange, dimension: KnownNames.Dimension.token, nil)
        seed = try whole("seed", Self.seedRange, dimension: nil, 1)
        blockSize = try whole("block_size", Self.blockRange, dimension: KnownNames.Dimension.token, 16)
        guard let a = r["arrival"] else {
            throw Diagnostic(.argument, "the workload is missing the field `arrival`", at: span, hint: "make one with workload(…)")
        }
        arrival = a
        kind = try Self.arrival(a, units: units) { m, h in reader.fail("arrival", m, hint: h) }
        if case .conversations = kind {
            turns = try whole("turns", Self.turnRange, dimension: nil, Self.defaultTurns)
            if let v = r["interval"] {
                guard case .quantity(let q) = v, q.dimension == units.dimension(named: KnownNames.Dimension.time) else {
                    throw reader.fail("interval", "must be a time such as 30 s, not \(v.typeName)")
                }
                guard q.value.isFinite, q.value > 0 else { throw reader.fail("interval", "must be a positive, finite time") }
                interval = q.value
            } else {
                interval = Self.defaultInterval
            }
        } else {
            for f in ["turns", "interval"] where r[f] != nil {
                throw reader.fail(f, "applies only to conversations (an arrival in conv/s); this workload's arrival is "
                                  + (kind.isAllAtOnce ? "\"all at once\"" : "a request rate"),
                                  hint: "make the workload anew: workload(…, arrival: …) has no `\(f)` unless it is in conv/s")
            }
        }
    }

    init(requests: Int, input: Int, output: Int, arrival: Value, kind: Arrival, turns: Int?, interval: Double?,
         seed: Int, blockSize: Int) {
        (self.requests, self.input, self.output, self.arrival, self.kind) = (requests, input, output, arrival, kind)
        (self.turns, self.interval, self.seed, self.blockSize) = (turns, interval, seed, blockSize)
    }

    func record(_ i: Interpreter) -> Record {
        var r = Record()
        r["requests"] = .number(Double(requests))
        r["input"] = i.tokens(Double(input))
        r["output"] = i.tokens(Double(output))
        r["arrival"] = arrival
        if let t = turns { r["turns"] = .number(Double(t)) }
        if let s = interval { r["interval"] = i.quantity(s, [(KnownNames.Unit.second, 1)]) }
        r["seed"] = .number(Double(seed))
        r["block_size"] = i.tokens(Double(blockSize))
        return r
    }

    /// The engine's workload.
    func build() throws -> ServeWorkload {
        let a: ServeArrival
        switch kind {
        case .allAtOnce: a = .allAtOnce
        case .requests(let rate): a = .poisson(rate: rate)
        case .conversations(let rate):
            a = .conversations(rate: rate, turns: turns ?? Self.defaultTurns, interval: interval ?? Self.defaultInterval)
        }
        return try syntheticWorkload(requests: requests, input: input, output: output, arrival: a,
                                     blockTokens: blockSize, seed: UInt64(seed))
    }
}

extension WorkloadRecord.Arrival {
    var isAllAtOnce: Bool { if case .allAtOnce = self { return true } else { return false } }
}

/// `workload(…)`: the arguments checked by kind, then the record they make read back through the one record
/// reader, so both ways in agree.
enum WorkloadBuiltins {
    static let spec = BuiltinSpec("workload", [
        ParameterSpec("requests", .custom("a whole number of requests, 1 … 10,000,000")),
        ParameterSpec("input", .tokens(WorkloadRecord.tokenRange)),
        ParameterSpec("output", .tokens(WorkloadRecord.tokenRange)),
        ParameterSpec("arrival", .custom(WorkloadRecord.arrivalHelp)),
        ParameterSpec("turns", .orAuto(.count(WorkloadRecord.turnRange))),
        ParameterSpec("interval", .orAuto(.dimension(KnownNames.Dimension.time))),
        ParameterSpec("seed", .count(WorkloadRecord.seedRange)),
        ParameterSpec("block_size", .tokens(WorkloadRecord.blockRange)),
    ]) { a throws(Diagnostic) in
        let units = a.interpreter.units
        let q = try a.quantity("requests")
        guard q.dimension.isDimensionless || q.dimension == units.dimension(named: KnownNames.Dimension.request) else {
            throw a.error("`requests` must be a number of requests, not \(units.name(of: q.dimension))", at: "requests",
                          kind: .dimension)
        }
        guard let requests = WholeNumber.exactly(q.value, in: WorkloadRecord.requestRange) else {
            throw a.error("`requests` must be \(WholeNumber.describe(WorkloadRecord.requestRange)), not "
                          + NumberFormat.format(q.value), at: "requests")
        }
        let arrival = try a.value("arrival")
        let kind = try WorkloadRecord.arrival(arrival, units: units) { m, h in
            a.error("`arrival` \(m)", at: "arrival", hint: h)
        }
        var turns = try a.optional("turns", a.int), interval = try a.optional("interval", a.double)
        if case .conversations = kind {
            turns = turns ?? WorkloadRecord.defaultTurns
            if let s = interval, s <= 0 { throw a.error("`interval` must be a positive time", at: "interval") }
            interval = interval ?? WorkloadRecord.defaultInterval
        } else {
            for (name, given) in [("turns", turns != nil), ("interval", interval != nil)] where given {
                throw a.error("`\(name)` applies only to conversations: give `arrival` in conv/s, such as 0.5 conv/s",
                              at: name)
            }
        }
        let w = WorkloadRecord(requests: requests, input: try a.int("input"), output: try a.int("output"),
                               arrival: arrival, kind: kind, turns: turns, interval: interval, seed: try a.int("seed"),
                               blockSize: try a.int("block_size"))
        let record = w.record(a.interpreter)
        _ = try WorkloadRecord(record, at: a.callSpan, units: units)
        return .record(record)
    }
}
