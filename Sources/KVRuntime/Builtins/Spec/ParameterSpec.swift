import KVLang
import Synchronization

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
    /// A shortcut for the common form of a call, tried before the arguments are converted: a value, or nil to
    /// take the ordinary path. It must answer only where that path would give the same value, and never fail
    /// (for anything unusual it returns nil, and the ordinary path converts, checks and reports as always).
    /// Named calls from source reach it directly (NativeShortcut.swift); other calls through `call` below.
    let shortcut: NativeShortcut?
    /// The parameters' names, and their bits for `index(of:)`.
    let parameterNames: [String]
    private let nameBits: [NameBits]

    init(_ name: String, _ parameters: [ParameterSpec], takesRest: Bool = false,
         shortcut: NativeShortcut? = nil,
         _ body: @escaping (inout Arguments) throws(Diagnostic) -> Value) {
        self.name = name
        self.parameters = parameters
        self.takesRest = takesRest
        self.body = body
        self.shortcut = shortcut
        parameterNames = parameters.map(\.name)
        nameBits = parameterNames.map(NameBits.init)
    }

    /// Whether a call's parameter names are these, in this order (bits first, then as strings). A declaration's
    /// names are one array for the session, so the last array found to match is remembered by its storage (and
    /// kept, so that storage is not reused) and the next call's check is one comparison.
    func declares(_ names: [String]) -> Bool {
        let identity = names.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        if !names.isEmpty, verifiedNames.matches(identity) { return true }
        guard names.count == nameBits.count else { return false }
        for i in names.indices where NameBits(names[i]) != nameBits[i] || !NameBits.usable {
            guard names[i] == parameterNames[i] else { return false }
        }
        verifiedNames.remember(names, identity)
        return true
    }

    private let verifiedNames = VerifiedNames()

    /// The position of the parameter named `name`. Bodies read their arguments by name on every call, so the
    /// lookup compares bits first (see NameBits) and strings only for what that does not find.
    func index(of name: String) -> Int? {
        if NameBits.usable {
            let bits = NameBits(name)
            for i in nameBits.indices where nameBits[i] == bits { return i }
        }
        return parameterNames.firstIndex(of: name)
    }

    /// A builtin whose body reads the call context itself (the core builtins, which take any value).
    static func reading(_ name: String, _ parameters: [ParameterSpec], takesRest: Bool = false,
                        _ body: @escaping (inout CallContext) throws(Diagnostic) -> Value) -> BuiltinSpec {
        BuiltinSpec(name, parameters, takesRest: takesRest) { a throws(Diagnostic) in try body(&a.context) }
    }

    /// Off only in tests, which check that the shortcuts answer as the ordinary paths do.
    static let shortcutsEnabled = Atomic<Bool>(true)

    /// Converts every argument by its kind, then runs the body.
    func call(_ context: inout CallContext) throws(Diagnostic) -> Value {
        if let shortcut, BuiltinSpec.shortcutsEnabled.load(ordering: .relaxed), declares(context.parameterNames),
           let v = context.arguments.withUnsafeBufferPointer({ list in
               shortcut.answer(ShortcutCall(interpreter: context.interpreter, function: nil, arguments: list,
                                            check: ~0, field: nil))
           }) {
            return v
        }
        var arguments = try Arguments(context: context, spec: self)
        let value = try body(&arguments)
        context = arguments.context
        return value
    }
}

/// A String's two words. A string of up to 15 UTF-8 bytes is stored in them, so two such strings with equal
/// contents have equal bits, and two longer ones with equal bits share their storage; equal bits therefore mean
/// equal strings. (Unequal bits do not prove unequal strings, so a lookup that finds nothing by bits falls back to
/// ==.) Parameter names, declared and read, are literals, found by one comparison of two words each instead of
/// String's Unicode-aware comparison for every parameter passed over.
struct NameBits: Equatable {
    let low: UInt64
    let high: UInt64

    /// Whether a String is those two words (64-bit platforms); otherwise lookups compare strings only.
    static let usable = MemoryLayout<String>.size == 16

    init(_ s: String) {
        guard NameBits.usable else {
            (low, high) = (0, 0)
            return
        }
        (low, high) = unsafeBitCast(s, to: (UInt64, UInt64).self)
    }
}

/// BuiltinSpec.declares's memo: the names array last checked, and its storage's address.
final class VerifiedNames: Sendable {
    private struct State {
        var names: [String] = []
        var identity: UInt = 0
    }

    private let state = Mutex(State())

    func matches(_ identity: UInt) -> Bool { state.withLock { $0.identity == identity } }

    func remember(_ names: [String], _ identity: UInt) {
        state.withLock { $0 = State(names: names, identity: identity) }
    }
}
