/// A named argument that is not one of the declared parameters (`sweep(f, batch: [1, 8])`), or one handed to
/// `Interpreter.call(_:named:callSpan:)`.
public struct NamedArgument {
    public let name: String
    public let value: Value
    public let span: Span

    public init(name: String, value: Value, span: Span) {
        self.name = name
        self.value = value
        self.span = span
    }
}

/// What a native builtin sees: its arguments bound to the declared parameters, where each came from, and the
/// interpreter (to call function values and to name dimensions in errors).
public struct CallContext {
    public let interpreter: Interpreter
    public let name: String
    public let parameterNames: [String]
    public let arguments: [Value]
    /// Each argument's span; a defaulted argument points at the call.
    public let spans: [Span]
    public let callSpan: Span
    /// Named arguments beyond the parameters, in call order, for a `native fn name(…, ...)`; empty otherwise.
    public var rest: [NamedArgument] = []

    public func error(_ message: String, at index: Int? = nil, kind: Diagnostic.Kind = .argument,
                      hint: String? = nil) -> Diagnostic {
        Diagnostic(kind, message, at: index.map { spans[$0] } ?? callSpan, hint: hint)
    }

    public func index(of parameter: String) -> Int? { parameterNames.firstIndex(of: parameter) }

    public func quantity(_ i: Int) throws(Diagnostic) -> Quantity {
        guard case .quantity(let q) = arguments[i] else {
            throw error("`\(parameterNames[i])` must be a number or quantity, not \(arguments[i].typeName)", at: i,
                        kind: .type)
        }
        return q
    }

    /// A dimensionless number.
    public func number(_ i: Int) throws(Diagnostic) -> Double {
        let q = try quantity(i)
        guard q.dimension.isDimensionless else {
            throw error("`\(parameterNames[i])` must be a plain number, not \(interpreter.units.name(of: q.dimension))",
                        at: i, kind: .dimension)
        }
        return q.value
    }

    /// A quantity of the given dimension (by declared name), in base units.
    public func quantity(_ i: Int, dimension: String) throws(Diagnostic) -> Double {
        let q = try quantity(i)
        guard let d = interpreter.units.dimension(named: dimension), q.dimension == d else {
            throw error("`\(parameterNames[i])` must be \(dimension), not \(interpreter.units.name(of: q.dimension))",
                        at: i, kind: .dimension)
        }
        return q.value
    }

    public func string(_ i: Int) throws(Diagnostic) -> String {
        guard case .string(let s) = arguments[i] else {
            throw error("`\(parameterNames[i])` must be a string, not \(arguments[i].typeName)", at: i, kind: .type)
        }
        return s
    }

    public func bool(_ i: Int) throws(Diagnostic) -> Bool {
        guard case .bool(let b) = arguments[i] else {
            throw error("`\(parameterNames[i])` must be true or false, not \(arguments[i].typeName)", at: i, kind: .type)
        }
        return b
    }

    public func list(_ i: Int) throws(Diagnostic) -> [Value] {
        guard case .list(let l) = arguments[i] else {
            throw error("`\(parameterNames[i])` must be a list, not \(arguments[i].typeName)", at: i, kind: .type)
        }
        return l
    }

    public func record(_ i: Int) throws(Diagnostic) -> Record {
        guard case .record(let r) = arguments[i] else {
            throw error("`\(parameterNames[i])` must be a record, not \(arguments[i].typeName)", at: i, kind: .type)
        }
        return r
    }

    public func function(_ i: Int) throws(Diagnostic) -> Function {
        guard case .function(let f) = arguments[i] else {
            throw error("`\(parameterNames[i])` must be a function, not \(arguments[i].typeName)", at: i, kind: .type)
        }
        return f
    }

    /// Calls a function value with positional arguments, blaming `at` for errors in the binding.
    public func call(_ f: Function, _ arg: Value, at i: Int) throws(Diagnostic) -> Value {
        try interpreter.call(f, arg, callSpan: spans[i])
    }
}
