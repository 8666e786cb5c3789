import KVLang

/// What one parameter of a native builtin accepts. The builtin's arguments are checked and converted by kind
/// before its body runs, so a body never sees an unchecked value (a NaN batch, a 1e30 block size).
enum ParameterKind: Sendable {
    /// Any value; the body inspects it (min's operands, len's argument).
    case any
    /// A number or a quantity of any dimension.
    case quantity
    /// A finite plain number.
    case plain
    /// A plain number within the range (finite).
    case number(ClosedRange<Double>)
    /// A whole plain number within the range.
    case count(ClosedRange<Int>)
    /// Whole tokens (a Token quantity or a plain number) within the range.
    case tokens(ClosedRange<Int>)
    /// A quantity of the named dimension (KnownNames.Dimension), finite and ≥ 0; its value in base units.
    case dimension(String)
    /// One of these strings.
    case oneOf([String])
    /// A dtype constant (bytes per param) or its name; `auto` also allows "auto" (the engine's default).
    case dtype(auto: Bool)
    case bool, string, list, record, function, table
    /// A file path (a non-empty string).
    case path
    /// A model record, validated into an engine spec.
    case model
    /// An accelerator record.
    case accelerator
    /// Anything else the body reads itself; the text says what, for the docs and errors.
    case custom(String)
    /// The string "auto" (the engine's default for its release: the body reads nil) or a value of the kind.
    indirect case orAuto(ParameterKind)
}

struct ParameterSpec: Sendable {
    let name: String
    let kind: ParameterKind

    init(_ name: String, _ kind: ParameterKind) {
        self.name = name
        self.kind = kind
    }
}

/// A native builtin: its parameters, which must be those of its `native fn` declaration in stdlib/*.kv in the same
/// order, and its body, which reads its arguments by name. Immutable once built, and the bodies capture only
/// constants, so sharing the specs is safe.
struct BuiltinSpec: @unchecked Sendable {
    let name: String
    let parameters: [ParameterSpec]
    /// Declared with `...`: named arguments beyond the parameters reach the body (`sweep`).
    let takesRest: Bool
    let body: (inout Arguments) throws(Diagnostic) -> Value

    init(_ name: String, _ parameters: [ParameterSpec], takesRest: Bool = false,
         _ body: @escaping (inout Arguments) throws(Diagnostic) -> Value) {
        self.name = name
        self.parameters = parameters
        self.takesRest = takesRest
        self.body = body
    }

    /// A builtin whose body reads the call context itself (the core builtins, which take any value).
    static func reading(_ name: String, _ parameters: [ParameterSpec], takesRest: Bool = false,
                        _ body: @escaping (inout CallContext) throws(Diagnostic) -> Value) -> BuiltinSpec {
        BuiltinSpec(name, parameters, takesRest: takesRest) { a throws(Diagnostic) in try body(&a.context) }
    }

    /// Converts every argument by its kind, then runs the body.
    func call(_ context: inout CallContext) throws(Diagnostic) -> Value {
        var arguments = try Arguments(context: context, spec: self)
        let value = try body(&arguments)
        context = arguments.context
        return value
    }
}
