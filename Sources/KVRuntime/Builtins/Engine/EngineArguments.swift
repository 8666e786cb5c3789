import KVLang
import KVEngine

/// Reading engine inputs from a builtin's arguments, and turning the engine's errors into diagnostics that point
/// at the argument at fault.
extension CallContext {
    /// An engine error as a diagnostic: at the argument it names when the builtin has one by that name, at the
    /// model argument when it names a model field, else at the call.
    func engineFailure(_ error: any Error) -> Diagnostic {
        guard let e = error as? EngineError else { return self.error("\(error)", kind: .engine) }
        if let name = e.argument, let i = index(of: name) { return self.error(e.message, at: i, kind: .engine) }
        if let i = index(of: "model") ?? index(of: "path") { return self.error(e.message, at: i, kind: .engine) }
        return self.error(e.message, kind: .engine)
    }

    /// Runs engine code, converting what it throws.
    func engine<T>(_ body: () throws -> T) throws(Diagnostic) -> T {
        do { return try body() } catch { throw engineFailure(error) }
    }

    func model(_ name: String = "model") throws(Diagnostic) -> ModelSpec {
        guard let i = index(of: name) else { throw error("internal: no parameter `\(name)`") }
        let record = try self.record(i)
        let spec: ModelSpec
        do { spec = try ModelRecord.spec(from: record) } catch {
            throw self.error("the model \(error.message)", at: i,
                             hint: error.field == "layers" || error.field == "heads"
                                 ? "a model record needs layers, hidden, heads, intermediate and vocab" : nil)
        }
        return try engine { try spec.validate(); return spec }
    }

    func accelerator(_ name: String = "gpu") throws(Diagnostic) -> Accelerator {
        guard let i = index(of: name) else { throw error("internal: no parameter `\(name)`") }
        let r = try record(i)
        func field(_ f: String, _ dimension: String) throws(Diagnostic) -> Double? {
            guard let v = r[f] else { return nil }
            guard case .quantity(let q) = v, let d = interpreter.units.dimension(named: dimension), q.dimension == d else {
                throw error("the accelerator's `\(f)` must be \(dimension)", at: i, kind: .dimension)
            }
            return q.value
        }
        guard let memory = try field("memory", "Information") else {
            throw error("the accelerator record needs a `memory` field (bytes)", at: i)
        }
        var name = "gpu"
        if case .string(let s)? = r["name"] { name = s }
        return Accelerator(name: name, capacity: memory, bandwidth: try field("bandwidth", "Bandwidth") ?? 0,
                           bf16Flops: try field("flops", "FlopRate") ?? 0)
    }

    /// A whole number ≥ 1 (batch, tp, pp, ep).
    func count(_ name: String) throws(Diagnostic) -> Int {
        guard let i = index(of: name) else { throw error("internal: no parameter `\(name)`") }
        let v = try number(i)
        guard v >= 1, v == v.rounded(), v < 1e12 else {
            throw error("`\(name)` must be a whole number of at least 1, not \(NumberFormat.format(v))", at: i)
        }
        return Int(v)
    }

    /// Tokens: a Token quantity or a plain whole number, at least 1.
    func tokens(_ name: String) throws(Diagnostic) -> Int {
        guard let i = index(of: name) else { throw error("internal: no parameter `\(name)`") }
        let q = try quantity(i)
        let tokenDim = interpreter.units.dimension(named: "Token")
        guard q.dimension.isDimensionless || q.dimension == tokenDim else {
            throw error("`\(name)` must be tokens, not \(interpreter.units.name(of: q.dimension))", at: i, kind: .dimension)
        }
        guard q.value >= 1, q.value == q.value.rounded(), q.value < 1e12 else {
            throw error("`\(name)` must be a whole number of tokens, at least 1, not \(NumberFormat.format(q.value))",
                        at: i)
        }
        return Int(q.value)
    }

    /// A dtype: a stdlib constant (`bf16` = 2 B/param; `int4` = 0.5 B/param means int4 with one fp16 scale per 128
    /// weights) or a name ("int4", "fp8"). "auto" (only where allowed) means the engine's default.
    func dtype(_ name: String, allowAuto: Bool = false) throws(Diagnostic) -> DType? {
        guard let i = index(of: name) else { throw error("internal: no parameter `\(name)`") }
        switch arguments[i] {
        case .string(let s):
            if allowAuto, s == "auto" { return nil }
            return try engine { try DType.named(s, argument: name) }
        case .quantity(let q):
            let perParam = interpreter.units.dimension(named: "Information")
                .flatMap { info in interpreter.units.dimension(named: "Parameter").flatMap { info.multiplied(by: $0, exponent: .minusOne) } }
            guard q.dimension == perParam else {
                throw error("`\(name)` must be a dtype such as bf16 or fp8 (bytes per param)", at: i, kind: .dimension)
            }
            if let known = DType.all.first(where: { Double($0.bits) / 8 == q.value }) { return known }
            let bits = q.value * 8
            guard bits >= 1, bits == bits.rounded(), bits <= 64 else {
                throw error("`\(name)` of \(NumberFormat.format(q.value)) B/param is not a whole number of bits", at: i)
            }
            return DType(name: "\(Int(bits))-bit", bits: Int(bits))
        default:
            throw error("`\(name)` must be a dtype such as bf16 or fp8", at: i, kind: .type)
        }
    }

    /// The options the memory builtins share, from whichever of dtype, kv_dtype, tp, pp, ep, logits and ratio the
    /// builtin declares.
    func memoryOptions() throws(Diagnostic) -> MemoryOptions {
        var o = MemoryOptions()
        if index(of: "dtype") != nil {
            // "auto": the checkpoint's quantization when the model has one, else the default bf16.
            if let d = try dtype("dtype", allowAuto: true) { o.dtype = d } else if index(of: "model") != nil {
                o.weightQuantization = try model().checkpoint
            }
        }
        if index(of: "kv_dtype") != nil { o.kvDtype = try dtype("kv_dtype", allowAuto: true) }
        if index(of: "tp") != nil { o.tp = try count("tp") }
        if index(of: "pp") != nil { o.pp = try count("pp") }
        if index(of: "ep") != nil { o.ep = try count("ep") }
        if let i = index(of: "logits") {
            let s = try string(i)
            guard let l = LogitsKept(rawValue: s) else {
                throw error("`logits` must be \"last\" or \"all\", not \"\(s)\"", at: i)
            }
            o.logits = l
        }
        if let i = index(of: "ratio") {
            let r = try number(i)
            guard r >= 0, r.isFinite else { throw error("`ratio` must be a share of the weights, like 10%", at: i) }
            o.activationRatio = r > 0 ? r : nil
        }
        return o
    }
}

extension Interpreter {
    /// A quantity from a base-unit value, printing in the given units (each a declared unit name and exponent).
    func quantity(_ value: Double, _ units: [(String, Int)]) -> Value {
        var dim = Dimension.none
        var terms: [DisplayUnit.Term] = []
        for (name, e) in units {
            guard let id = self.units.unit(named: name), let r = Rational(e),
                  let p = self.units.units[id].dimension.power(r), let d = dim.multiplied(by: p) else { continue }
            dim = d
            terms.append(DisplayUnit.Term(unit: id, exponent: r))
        }
        return .quantity(Quantity(value, dim, display: terms.isEmpty ? nil : DisplayUnit(terms: terms)))
    }

    func bytes(_ v: Double) -> Value { quantity(v, [("GiB", 1)]) }
    func tokens(_ v: Double) -> Value { quantity(v, [("tokens", 1)]) }
    func percent(_ v: Double) -> Value { quantity(v, [("%", 1)]) }
}

extension Table {
    /// A table from records that share their fields (the engine's row lists: explain, sensitivity, curves).
    init(records: [Record]) {
        let columns = records.first.map { Array($0.keys) } ?? []
        self.init(columns: columns, rows: records.map { r in columns.map { r[$0] ?? .string("") } })
    }
}
