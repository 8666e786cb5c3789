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

    init(name: String, parameters: [Parameter], body: Body, doc: String?, decl: FunctionDecl?, captured: [Value],
         forwardsValues: Bool = false) {
        self.forwardsValues = forwardsValues
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
