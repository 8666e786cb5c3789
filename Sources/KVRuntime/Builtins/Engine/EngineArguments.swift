import KVLang
import KVEngine
import Synchronization

/// Engine inputs from a builtin's arguments, and the engine's errors as diagnostics that point at the argument at
/// fault.
extension Arguments {
    /// An engine error as a diagnostic: at the argument it names when the builtin has one by that name, at the
    /// model (or path) argument otherwise, else at the call.
    func engineFailure(_ error: any Error) -> Diagnostic {
        guard let e = error as? EngineError else { return self.error("\(error)", kind: .engine) }
        if let name = e.argument, has(name) { return self.error(e.message, at: name, kind: .engine) }
        if let name = ["model", "path"].first(where: has) { return self.error(e.message, at: name, kind: .engine) }
        return self.error(e.message, kind: .engine)
    }

    /// Runs engine code, converting what it throws.
    func engine<T>(_ body: () throws -> T) throws(Diagnostic) -> T {
        do { return try body() } catch { throw engineFailure(error) }
    }

    /// The options the memory builtins share, from whichever of dtype, kv_dtype, tp, pp, ep, logits and ratio the
    /// builtin declares.
    /// `model` is the builtin's model when it reads its `model` argument itself (explain takes a model or a
    /// kv_capacity result); otherwise the checked `model` argument is used.
    func memoryOptions(model given: ModelSpec? = nil) throws(Diagnostic) -> MemoryOptions {
        var o = MemoryOptions()
        if has("dtype") {
            // "auto": the checkpoint's quantization when the model has one, else the default bf16.
            if let d = try dtype("dtype") {
                o.dtype = d
            } else if let m = given {
                o.weightQuantization = m.checkpoint
            } else if let i = spec.index(of: "model"), case .model = spec.parameters[i].kind {
                o.weightQuantization = try modelArgument().spec.checkpoint
            }
        }
        if has("kv_dtype") { o.kvDtype = try dtype("kv_dtype") }
        if has("tp") { o.tp = try int("tp") }
        if has("pp") { o.pp = try int("pp") }
        if has("ep") { o.ep = try int("ep") }
        if has("logits") {
            let s = try string("logits")
            guard let l = LogitsKept(rawValue: s) else { throw error("internal: logits \"\(s)\"", at: "logits") }
            o.logits = l
        }
        // ratio 0 (the default) means the derived activation, not a share of the weights.
        if has("ratio") {
            let r = try double("ratio")
            o.activationRatio = r > 0 ? r : nil
        }
        return o
    }
}

/// Parameter specs the engine builtins share.
enum EngineParameters {
    static let largeCount = 1 << 40
    static let parallel = 1...1_048_576
    static let model = ParameterSpec("model", .model)
    static let gpu = ParameterSpec("gpu", .accelerator)
    static let batch = ParameterSpec("batch", .count(1...largeCount))
    static let seq = ParameterSpec("seq", .tokens(1...largeCount))
    static let dtype = ParameterSpec("dtype", .dtype(auto: true))
    /// The compute dtype where a checkpoint's quantization does not apply (activations).
    static let computeDtype = ParameterSpec("dtype", .dtype(auto: false))
    static let kvDtype = ParameterSpec("kv_dtype", .dtype(auto: false))
    static let kvDtypeAuto = ParameterSpec("kv_dtype", .dtype(auto: true))
    static let tp = ParameterSpec("tp", .count(parallel))
    static let pp = ParameterSpec("pp", .count(parallel))
    static let ep = ParameterSpec("ep", .count(parallel))
    static let logits = ParameterSpec("logits", .oneOf(["last", "all"]))
    /// A share of the weights; 0 means "not used". 1000 % would be absurd; the bound catches a stray unit.
    static let ratio = ParameterSpec("ratio", .number(0...10))
    /// dtype, kv_dtype ("auto" allowed), tp, pp, ep, logits, ratio: the tail of the plan builtins.
    static let planOptions = [dtype, kvDtypeAuto, tp, pp, ep, logits, ratio]
}

extension Interpreter {
    /// A quantity from a base-unit value, printing in the given units (each a declared unit name and exponent;
    /// Session checks at start that the stdlib declares them all).
    func quantity(_ value: Double, _ units: [(String, Int)]) -> Value {
        Interpreter.quantity(value, units, in: self.units)
    }

    static func quantity(_ value: Double, _ units: [(String, Int)], in table: UnitTable) -> Value {
        // One unit to the first power, the usual case: the unit's own dimension and display, no interning.
        if units.count == 1, units[0].1 == 1, let id = table.unit(named: units[0].0) {
            let u = table.units[id].value
            return .quantity(Quantity(value, u.dimension, display: u.display))
        }
        var dim = Dimension.none
        var terms: [DisplayUnit.Term] = []
        for (name, e) in units {
            guard let id = table.unit(named: name), let r = Rational(e),
                  let p = table.units[id].dimension.power(r), let d = dim.multiplied(by: p) else { continue }
            dim = d
            terms.append(DisplayUnit.Term(unit: id, exponent: r))
        }
        return .quantity(Quantity(value, dim, display: terms.isEmpty ? nil : DisplayUnit(terms: terms)))
    }

    func bytes(_ v: Double) -> Value { engineUnits.bytes(v) }
    func tokens(_ v: Double) -> Value { engineUnits.tokens(v) }
    func percent(_ v: Double) -> Value { engineUnits.percent(v) }
    func perToken(_ v: Double) -> Value { engineUnits.perToken(v) }
    func conversations(_ v: Double) -> Value { engineUnits.conversations(v) }
    func requests(_ v: Double) -> Value { engineUnits.requests(v) }
    func params(_ v: Double) -> Value { engineUnits.params(v) }
    func devices(_ v: Double) -> Value { engineUnits.devices(v) }

    /// The units engine results print in, for this session's unit table; looked up by name once per table and
    /// generation instead of once per result field (a hash of the unit's name each).
    var engineUnits: EngineUnits {
        let version = UnitTableVersion(units)
        if let last = EngineUnits.last.withLock({ $0 }), last.version == version { return last.units }
        let u = EngineUnits(units)
        EngineUnits.last.withLock { $0 = EngineUnits.Made(version: version, units: u) }
        return u
    }
}

/// The dimension and display of each unit engine results print in: `quantity(_:_:)` done once, so a result field
/// is a quantity made from a number and a stored shape.
struct EngineUnits: Sendable {
    struct Shape: Sendable {
        let dimension: Dimension
        let display: DisplayUnit?

        init(_ table: UnitTable, _ units: [(String, Int)]) {
            if case .quantity(let q) = Interpreter.quantity(0, units, in: table) {
                dimension = q.dimension
                display = q.display
            } else {
                dimension = .none
                display = nil
            }
        }

        func callAsFunction(_ v: Double) -> Value { .quantity(Quantity(v, dimension, display: display)) }
    }

    let bytes, tokens, percent, perToken, conversations, requests, params, devices: Shape

    init(_ i: UnitTable) {
        bytes = Shape(i, [(KnownNames.Unit.gib, 1)])
        tokens = Shape(i, [(KnownNames.Unit.tokens, 1)])
        percent = Shape(i, [(KnownNames.Unit.percent, 1)])
        perToken = Shape(i, [(KnownNames.Unit.kib, 1), (KnownNames.Unit.token, -1)])
        conversations = Shape(i, [(KnownNames.Unit.conv, 1)])
        requests = Shape(i, [(KnownNames.Unit.req, 1)])
        params = Shape(i, [(KnownNames.Unit.params, 1)])
        devices = Shape(i, [(KnownNames.Unit.gpu, 1)])
    }

    /// The shapes last made, and the table they were made for.
    static let last = Mutex<Made?>(nil)

    struct Made: Sendable {
        let version: UnitTableVersion
        let units: EngineUnits
    }
}

extension Table {
    /// A table from records that share their fields (the engine's row lists: explain, sensitivity, curves).
    init(records: [Record]) {
        let columns = records.first.map { Array($0.keys) } ?? []
        self.init(columns: columns, rows: records.map { r in columns.map { r[$0] ?? .string("") } })
    }
}
