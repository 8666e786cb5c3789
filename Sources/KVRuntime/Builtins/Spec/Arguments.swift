import KVLang
import KVEngine

/// A builtin's arguments, checked and converted by their declared kinds, read by parameter name. Reading a name
/// the spec does not declare, or as another kind than declared, is an internal error (tests call every builtin).
struct Arguments {
    enum Converted {
        case value(Value)
        case double(Double)
        case int(Int)
        case string(String)
        case bool(Bool)
        case dtype(DType?)
        case model(ModelArgument)
        case accelerator(AcceleratorArgument)
        /// "auto" given for an `.orAuto` parameter.
        case auto
    }

    var context: CallContext
    let spec: BuiltinSpec
    private var converted: [Converted] = []

    init(context: CallContext, spec: BuiltinSpec) throws(Diagnostic) {
        self.context = context
        self.spec = spec
        guard spec.declares(context.parameterNames) else {
            throw context.error("internal: `\(spec.name)` is declared with (\(context.parameterNames.joined(separator: ", "))) "
                                + "but implemented with (\(spec.parameters.map(\.name).joined(separator: ", ")))")
        }
        converted.reserveCapacity(spec.parameters.count)
        for i in spec.parameters.indices { converted.append(try convert(i, spec.parameters[i].kind)) }
    }

    var interpreter: Interpreter { context.interpreter }
    var callSpan: Span { context.callSpan }

    func index(_ name: String) throws(Diagnostic) -> Int {
        guard let i = spec.index(of: name) else {
            throw context.error("internal: `\(spec.name)` has no parameter `\(name)`")
        }
        return i
    }

    func has(_ name: String) -> Bool { spec.index(of: name) != nil }

    func span(_ name: String) -> Span {
        spec.index(of: name).map { context.spans[$0] } ?? context.callSpan
    }

    func error(_ message: String, at name: String? = nil, kind: Diagnostic.Kind = .argument,
               hint: String? = nil) -> Diagnostic {
        Diagnostic(kind, message, at: name.map(span) ?? context.callSpan, hint: hint)
    }

    private func internalKind(_ name: String, _ wanted: String) -> Diagnostic {
        context.error("internal: `\(spec.name)` reads `\(name)` as \(wanted), not as declared")
    }

    func value(_ name: String) throws(Diagnostic) -> Value { context.arguments[try index(name)] }

    func double(_ name: String) throws(Diagnostic) -> Double {
        guard case .double(let d) = converted[try index(name)] else { throw internalKind(name, "a number") }
        return d
    }

    func int(_ name: String) throws(Diagnostic) -> Int {
        guard case .int(let n) = converted[try index(name)] else { throw internalKind(name, "a count") }
        return n
    }

    func string(_ name: String) throws(Diagnostic) -> String {
        guard case .string(let s) = converted[try index(name)] else { throw internalKind(name, "a string") }
        return s
    }

    func bool(_ name: String) throws(Diagnostic) -> Bool {
        guard case .bool(let b) = converted[try index(name)] else { throw internalKind(name, "a bool") }
        return b
    }

    func dtype(_ name: String) throws(Diagnostic) -> DType? {
        guard case .dtype(let d) = converted[try index(name)] else { throw internalKind(name, "a dtype") }
        return d
    }

    func model(_ name: String = "model") throws(Diagnostic) -> ModelSpec { try modelArgument(name).spec }

    /// The converted model with its memos (the memory planner).
    func modelArgument(_ name: String = "model") throws(Diagnostic) -> ModelArgument {
        guard case .model(let m) = converted[try index(name)] else { throw internalKind(name, "a model") }
        return m
    }

    func accelerator(_ name: String = "gpu") throws(Diagnostic) -> Accelerator {
        guard case .accelerator(let a) = converted[try index(name)] else { throw internalKind(name, "an accelerator") }
        return a.accelerator
    }

    /// An `.orAuto` parameter: nil for "auto", else the converted value read as `read` reads it.
    func optional<T>(_ name: String, _ read: (String) throws(Diagnostic) -> T) throws(Diagnostic) -> T? {
        if case .auto = converted[try index(name)] { return nil }
        return try read(name)
    }

    func list(_ name: String) throws(Diagnostic) -> [Value] { try context.list(try index(name)) }
    func record(_ name: String) throws(Diagnostic) -> Record { try context.record(try index(name)) }
    func function(_ name: String) throws(Diagnostic) -> Function { try context.function(try index(name)) }
    func quantity(_ name: String) throws(Diagnostic) -> Quantity { try context.quantity(try index(name)) }

    // MARK: Conversion by kind

    /// (`context` is read in place, not copied: this runs for every parameter of every call.)
    private func convert(_ i: Int, _ kind: ParameterKind) throws(Diagnostic) -> Converted {
        let v = context.arguments[i]
        var name: String { context.parameterNames[i] }
        switch kind {
        case .orAuto(let inner):
            if case .string("auto") = v { return .auto }
            if case .string(let s) = v, !Self.takesStrings(inner) {
                throw context.error("`\(name)` must be \"auto\" or a value, not \"\(s)\"", at: i,
                              hint: Suggestions.hint(for: s, in: ["auto"]))
            }
            return try convert(i, inner)
        case .any, .custom, .list, .record, .function, .table:
            switch kind {
            case .list: _ = try context.list(i)
            case .record: _ = try context.record(i)
            case .function: _ = try context.function(i)
            case .table:
                guard case .table = v else {
                    throw context.error("`\(name)` must be a table (from sweep or table), not \(v.typeName)", at: i, kind: .type)
                }
            default: break
            }
            return .value(v)
        case .quantity:
            let q = try context.quantity(i)
            guard q.value.isFinite else { throw context.error("`\(name)` is not finite", at: i, kind: .numeric) }
            return .value(v)
        case .plain:
            let x = try context.number(i)
            guard x.isFinite else { throw context.error("`\(name)` is not finite", at: i, kind: .numeric) }
            return .double(x)
        case .number(let range):
            let x = try context.number(i)
            guard x.isFinite, range.contains(x) else {
                throw context.error("`\(name)` must be a number from \(NumberFormat.format(range.lowerBound)) to "
                              + "\(NumberFormat.format(range.upperBound)), not \(NumberFormat.format(x))", at: i)
            }
            return .double(x)
        case .count(let range):
            let x = try context.number(i)
            guard let n = WholeNumber.exactly(x, in: range) else {
                throw context.error("`\(name)` must be \(WholeNumber.describe(range)), not \(NumberFormat.format(x))", at: i)
            }
            return .int(n)
        case .tokens(let range):
            let q = try context.quantity(i)
            guard q.dimension.isDimensionless || q.dimension == context.interpreter.units.dimension(named: KnownNames.Dimension.token) else {
                throw context.error("`\(name)` must be tokens, not \(context.interpreter.units.name(of: q.dimension))", at: i,
                              kind: .dimension)
            }
            guard let n = WholeNumber.exactly(q.value, in: range) else {
                throw context.error("`\(name)` must be \(WholeNumber.describe(range, of: "a whole number of tokens")), "
                              + "not \(NumberFormat.format(q.value))", at: i)
            }
            return .int(n)
        case .dimension(let d):
            let x = try context.quantity(i, dimension: d)
            guard x.isFinite, x >= 0 else {
                throw context.error("`\(name)` must be a finite, non-negative amount of \(d)", at: i, kind: .numeric)
            }
            return .double(x)
        case .oneOf(let options):
            let s = try context.string(i)
            guard options.contains(s) else {
                throw context.error("`\(name)` must be " + Self.alternatives(options) + ", not \"\(s)\"", at: i,
                              hint: Suggestions.hint(for: s, in: options))
            }
            return .string(s)
        case .dtype(let allowAuto):
            return .dtype(try dtype(i, allowAuto: allowAuto))
        case .bool:
            return .bool(try context.bool(i))
        case .string:
            return .string(try context.string(i))
        case .path:
            let s = try context.string(i)
            guard !s.isEmpty else { throw context.error("`\(name)` is an empty path", at: i) }
            return .string(s)
        case .model:
            return .model(try ModelRecord.argument(context.record(i), at: context.spans[i]))
        case .accelerator:
            return .accelerator(try AcceleratorRecord.argument(context.record(i), at: context.spans[i], units: context.interpreter.units))
        }
    }

    /// Whether a kind accepts strings itself (so a string other than "auto" goes to it).
    static func takesStrings(_ kind: ParameterKind) -> Bool {
        switch kind {
        case .oneOf, .string, .path, .dtype, .any, .custom: return true
        default: return false
        }
    }

    /// "\"a\", \"b\" or \"c\"".
    static func alternatives(_ options: [String]) -> String {
        let quoted = options.map { "\"\($0)\"" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
    }

    /// A dtype: a stdlib constant (`bf16` = 2 B/param; `int4` = 0.5 B/param means int4 with one fp16 scale per 128
    /// weights) or a name ("int4", "fp8"). "auto" (only where allowed) means the engine's default (nil).
    private func dtype(_ i: Int, allowAuto: Bool) throws(Diagnostic) -> DType? {
        var name: String { context.parameterNames[i] }
        switch context.arguments[i] {
        case .string(let s):
            if allowAuto, s == "auto" { return nil }
            do { return try DType.named(s, argument: name) } catch {
                throw context.error("\(error)", at: i, kind: .engine,
                              hint: Suggestions.hint(for: s, in: DType.all.map(\.name)))
            }
        case .quantity(let q):
            let units = context.interpreter.units
            let perParam = units.dimension(named: KnownNames.Dimension.information).flatMap { info in
                units.dimension(named: KnownNames.Dimension.parameter).flatMap { info.multiplied(by: $0, exponent: .minusOne) }
            }
            guard q.dimension == perParam else {
                throw context.error("`\(name)` must be a dtype such as bf16 or fp8 (bytes per param)", at: i, kind: .dimension)
            }
            if let known = DType.all.first(where: { Double($0.bits) / 8 == q.value }) { return known }
            guard let bits = WholeNumber.exactly(q.value * 8, in: 1...64) else {
                throw context.error("`\(name)` of \(NumberFormat.format(q.value)) B/param is not a whole number of bits "
                              + "from 1 to 64", at: i)
            }
            return DType(name: "\(bits)-bit", bits: bits)
        default:
            throw context.error("`\(name)` must be a dtype such as bf16 or fp8", at: i, kind: .type)
        }
    }
}
