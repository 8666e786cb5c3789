/// A callable value: a user function (with the values it captured from enclosing functions) or a native builtin.
public final class Function: @unchecked Sendable {
    public struct Parameter: Sendable {
        public let name: String
        public let defaultValue: Expr?
    }

    public enum Body {
        case user(Expr)
        case native(NativeFunction)
    }

    public let name: String
    public let parameters: [Parameter]
    let parameterNames: [String]
    public let body: Body
    public let doc: String?
    public let decl: FunctionDecl?
    /// Values of the enclosing functions' variables this closure uses, in the resolver's capture order.
    let captured: [Value]
    /// A user function's body, unretained (`body` holds it), so calls borrow it.
    let userBody: Unmanaged<Expr>?
    /// For the natives `min` and `max`: which one, so a call of two quantities of one dimension is answered like an
    /// operator (Calls.swift) instead of through the builtin's argument checking, with the builtin's result.
    let extremum: Extremum?

    enum Extremum { case min, max }

    /// The values of its `where` clauses, in order; their frame slots follow the parameters (LocalBindings.swift).
    let locals: [Expr]

    /// A native whose result needs no finite check (Interpreter.registerForwardingNative(_:_:)).
    let forwardsValues: Bool

    /// A native's fast path for named calls (NativeShortcut.swift); nil for most.
    let shortcut: NativeShortcut?

    /// What the shortcut remembers between calls (such as the planner of the model a sweep passes at every point),
    /// kept by the function, which belongs to one interpreter and runs on one thread at a time: no lock.
    @exclusivity(unchecked) public var shortcutMemo: AnyObject?

    /// What named calls of a native use (Calls.swift), made on its first call rather than when the stdlib
    /// declares the builtin, so start-up does not pay for natives never called; nil for a user function.
    final class NativeFacts {
        /// "`name`", as its result's finite check names it.
        let quotedName: String
        /// Each parameter's default when it is a literal (a number, string or boolean), so a call fills it
        /// without evaluating; nil for an expression or no default.
        let literalDefaults: [Value?]
        /// The parameters' names as bits, for `parameterIndex(_:facts:)`.
        let nameBits: [(UInt64, UInt64)]
        /// A bit for each parameter with a literal default (at most 64 parameters; 0 otherwise).
        let literalDefaultMask: UInt64
        /// The literal defaults as an argument list (`false` where there is none), for calls that give the other
        /// parameters.
        let defaultArguments: [Value]
        /// The shortcut's answer to `prepare` for this declaration: the parameters it checks even when not given;
        /// nil when there is no shortcut or it does not apply.
        let shortcutChecks: UInt64?

        init(_ f: Function) {
            quotedName = "`\(f.name)`"
            literalDefaults = f.parameters.map { p in
                switch p.defaultValue?.kind {
                case .number(let v)?: return .quantity(Quantity(v))
                case .string(let s)?: return .string(s)
                case .bool(let b)?: return .bool(b)
                default: return nil
                }
            }
            nameBits = f.parameterNames.map(Function.bits)
            var mask: UInt64 = 0
            if literalDefaults.count <= 64 {
                for (i, d) in literalDefaults.enumerated() where d != nil { mask |= 1 << UInt64(i) }
            }
            literalDefaultMask = mask
            defaultArguments = literalDefaults.map { $0 ?? .bool(false) }
            shortcutChecks = f.shortcut?.prepare(f.parameterNames, literalDefaults)
        }
    }

    @exclusivity(unchecked) private var madeNativeFacts: NativeFacts?

    /// A native's facts (made once); nil for a user function, which allocates nothing for them.
    var nativeFacts: NativeFacts? {
        guard userBody == nil else { return nil }
        if let facts = madeNativeFacts { return facts }
        let facts = NativeFacts(self)
        madeNativeFacts = facts
        return facts
    }

    var quotedName: String { nativeFacts?.quotedName ?? "`\(name)`" }
    var literalDefaults: [Value?] { nativeFacts?.literalDefaults ?? [] }
    var literalDefaultMask: UInt64 { nativeFacts?.literalDefaultMask ?? 0 }
    var defaultArguments: [Value] { nativeFacts?.defaultArguments ?? [] }

    /// How the last named call of this function bound its arguments (at most ten): the call site's argument
    /// list, kept so that its storage's address (`boundKey`) names that list alone while remembered, the
    /// parameters given, and each argument's slot packed 6 bits apiece (Calls.swift). A call site's list never
    /// changes and a function's parameters never do, so the same list binds the same way: a sweep's point finds
    /// its slots without matching labels to names.
    @exclusivity(unchecked) var boundArguments: [CallArgument] = []
    @exclusivity(unchecked) var boundKey: UInt = 0
    @exclusivity(unchecked) var boundGiven: UInt64 = 0
    @exclusivity(unchecked) var boundSlots: UInt64 = 0

    /// The argument and span lists of this native's last such call, handed back after it with the defaults
    /// restored, so the next call writes its few arguments in place instead of copying the defaults into a new
    /// list and freeing it after. Taken (nil) while a call uses them, so a nested call of the same native makes
    /// its own; lists are values, so one a native kept is copied before it is written. A function belongs to one
    /// interpreter, which runs on one thread at a time.
    @exclusivity(unchecked) var spareArguments: [Value]?
    @exclusivity(unchecked) var spareSpans: [Span]?

    init(name: String, parameters: [Parameter], body: Body, doc: String?, decl: FunctionDecl?, captured: [Value],
         forwardsValues: Bool = false, shortcut: NativeShortcut? = nil) {
        self.forwardsValues = forwardsValues
        self.shortcut = shortcut
        self.name = name
        self.parameters = parameters
        self.parameterNames = parameters.map(\.name)
        self.body = body
        self.doc = doc
        self.decl = decl
        self.captured = captured
        if case .user(let e) = body { userBody = Unmanaged.passUnretained(e) } else { userBody = nil }
        if case .native = body, parameters.count == 2 {
            extremum = name == "min" ? .min : name == "max" ? .max : nil
        } else {
            extremum = nil
        }
        self.locals = decl?.clauses.map(\.value) ?? []
    }

    /// The position of the parameter named `name` (`facts`: this function's `nativeFacts`). For a native, names of up to 15 UTF-8 bytes are stored inside a String's two
    /// words, so equal short names have equal bits, and equal bits always mean equal strings: one comparison of
    /// two words per parameter passed over, instead of a Unicode-aware comparison. What bits do not find is
    /// compared as strings.
    func parameterIndex(_ name: String, facts: NativeFacts?) -> Int? {
        if MemoryLayout<String>.size == 16, let bits = facts?.nameBits {
            let b = Function.bits(name)
            for i in bits.indices where bits[i] == b { return i }
        }
        return parameterNames.firstIndex(of: name)
    }

    fileprivate static func bits(_ s: String) -> (UInt64, UInt64) {
        MemoryLayout<String>.size == 16 ? unsafeBitCast(s, to: (UInt64, UInt64).self) : (0, 0)
    }

    /// Declared `native fn name(…, ...)`: takes named arguments beyond its parameters.
    public var takesNamedRest: Bool { decl?.takesNamedRest ?? false }

    /// `name(a, b = 2 B)`, as `:help` and printing show it.
    public var signature: String {
        var ps = parameters.map { p in p.defaultValue.map { "\(p.name) = \($0.span.text)" } ?? p.name }
        if takesNamedRest { ps.append("...") }
        return "\(name)(\(ps.joined(separator: ", ")))"
    }
}

/// Native builtins receive their arguments bound to the declared parameters, in order.
public typealias NativeFunction = (inout CallContext) throws(Diagnostic) -> Value
