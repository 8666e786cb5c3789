/// A callable value: a user function (a closure over the scope it was defined in) or a native builtin.
public final class Function: @unchecked Sendable {
    public struct Parameter: Sendable {
        public let name: String
        public let defaultValue: Expr?
    }

    public enum Body {
        case user(Expr, Scope?)
        case native(NativeFunction)
    }

    public let name: String
    public let parameters: [Parameter]
    public let body: Body
    public let doc: String?
    public let decl: FunctionDecl?
    /// Scope defaults are evaluated in.
    let defaultScope: Scope?

    init(name: String, parameters: [Parameter], body: Body, doc: String?, decl: FunctionDecl?, defaultScope: Scope?) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.doc = doc
        self.decl = decl
        self.defaultScope = defaultScope
    }

    /// `name(a, b = 2 B)`, as `:help` and printing show it.
    public var signature: String {
        let ps = parameters.map { p in p.defaultValue.map { "\(p.name) = \($0.span.text)" } ?? p.name }
        return "\(name)(\(ps.joined(separator: ", ")))"
    }
}

/// Native builtins receive their arguments bound to the declared parameters, in order.
public typealias NativeFunction = (inout CallContext) throws(Diagnostic) -> Value

/// Local variables of a function call; closures keep the chain alive.
public final class Scope: @unchecked Sendable {
    var names: [String]
    var values: [Value]
    let parent: Scope?

    init(names: [String], values: [Value], parent: Scope?) {
        self.names = names
        self.values = values
        self.parent = parent
    }

    func lookup(_ name: String) -> Value? {
        var s: Scope? = self
        while let scope = s {
            if let i = scope.names.firstIndex(of: name) { return scope.values[i] }
            s = scope.parent
        }
        return nil
    }
}
