/// `-p name=expr` from the command line: replaces the default of a parameter in the `kv params` cell.
public struct ParameterOverride: Equatable, Sendable {
    public let name: String
    public let expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }

    /// Parses `name=expr`; nil when there is no `=` or no name.
    public init?(_ argument: String) {
        guard let eq = argument.firstIndex(of: "=") else { return nil }
        let name = argument[..<eq].trimmingSpaces
        let expression = argument[argument.index(after: eq)...].trimmingSpaces
        guard !name.isEmpty, !expression.isEmpty else { return nil }
        self.init(name: String(name), expression: String(expression))
    }
}

/// An override that cannot apply: an unknown name, a value of another dimension than the default, or an
/// expression that fails. The run stops before anything renders.
public struct ParameterError: Error, Equatable {
    public let message: String
}
