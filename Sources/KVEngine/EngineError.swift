/// An error from the engine: a bad input or an impossible question. `argument` names the builtin argument or the
/// config field at fault (e.g. "batch", "num_key_value_heads"), so the language can point at it.
public struct EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    public var argument: String?
    public var message: String

    public init(_ message: String, argument: String? = nil) {
        self.message = message
        self.argument = argument
    }

    public var description: String { message }
}
