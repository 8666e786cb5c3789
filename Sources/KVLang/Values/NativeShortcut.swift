/// A native's fast path for its usual call, tried when a call names its arguments (Calls.swift): it reads the
/// argument list in place, with no call context, span list or closure between, and, for `f(…).name`, may answer
/// the field alone without building the record it would come from. Registered with
/// `Interpreter.registerNative(_:_:shortcut:)`.
public struct NativeShortcut: Sendable {
    /// Asked once per declaration of the native, with its parameters' names and literal defaults (nil where the
    /// default is not a literal, or there is none): nil when the shortcut does not apply to that declaration
    /// (other names), else a bit for each parameter whose slot `answer` must check even when a call does not give
    /// it (the others hold a default it accepts as declared).
    public let prepare: @Sendable (_ names: [String], _ defaults: [Value?]) -> UInt64?
    /// The call's value, or with `field` set, that field of it; nil to take the ordinary path, which converts,
    /// checks and reports as always. It must answer only where that path gives the same value, finite (its answer
    /// is not checked again), and never fail.
    public let answer: @Sendable (ShortcutCall) -> Value?

    public init(prepare: @escaping @Sendable (_ names: [String], _ defaults: [Value?]) -> UInt64?,
                answer: @escaping @Sendable (ShortcutCall) -> Value?) {
        self.prepare = prepare
        self.answer = answer
    }
}

/// What a shortcut sees: every parameter's slot, given or holding its declared literal default.
public struct ShortcutCall {
    public let interpreter: Interpreter
    /// The function called, whose `shortcutMemo` the shortcut may use; nil when the caller has none at hand.
    public let function: Function?
    /// One value per parameter, in order.
    public let arguments: UnsafeBufferPointer<Value>
    /// Bit i set: parameter i must be checked (given, or its default not accepted by `prepare`); clear: it holds
    /// the declared default that `prepare` accepted. All bits set when the caller does not know.
    public let check: UInt64
    /// The field asked for (`memory(…).total`), or nil for the whole value.
    public let field: String?

    public init(interpreter: Interpreter, function: Function?, arguments: UnsafeBufferPointer<Value>, check: UInt64,
                field: String?) {
        self.interpreter = interpreter
        self.function = function
        self.arguments = arguments
        self.check = check
        self.field = field
    }

    /// Whether parameter i must be checked.
    @inline(__always)
    public func mustCheck(_ i: Int) -> Bool { i >= 64 || check & (1 << UInt64(i)) != 0 }
}
