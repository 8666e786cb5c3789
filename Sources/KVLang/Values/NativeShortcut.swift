/// A native's fast path for its usual call, tried when a call names its arguments (Calls.swift): it reads the
/// argument list in place, with no call context, span list or closure between, and, for `f(…).name`, may answer
/// the field alone without building the record it would come from. Registered with
/// `Interpreter.registerNative(_:_:shortcut:)`.
public final class NativeShortcut: Sendable {
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

/// What a shortcut sees: every parameter's slot, given or holding its declared literal default. It lives only
/// for the shortcut's call, while its caller holds the interpreter and the function: they are not retained (a
/// retain and release each, and the fields read here rather than through exclusivity-checked accessors, were a
/// tenth of a memory() sweep point).
public struct ShortcutCall {
    public unowned(unsafe) let interpreter: Interpreter
    /// The interpreter's unit table.
    public unowned(unsafe) let units: UnitTable
    /// The function called, whose `shortcutMemo` the shortcut may set; nil when the caller has none at hand.
    public unowned(unsafe) let function: Function?
    /// The function's `shortcutMemo` as the call began.
    public unowned(unsafe) let memo: AnyObject?
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
        units = interpreter.units
        self.function = function
        memo = function?.shortcutMemo
        self.arguments = arguments
        self.check = check
        self.field = field
    }

    /// Whether parameter i must be checked.
    @inline(__always)
    public func mustCheck(_ i: Int) -> Bool { i >= 64 || check & (1 << UInt64(i)) != 0 }
}
