/// Resolves the names inside function bodies to frame slots, once per function declaration: a parameter is a
/// slot, a variable of an enclosing function is captured (copied into the closure when it is created, which is
/// safe because bindings never change), anything else is global. Lookups on the hot path then index an array
/// instead of searching scopes by name.
struct Resolver {
    private final class Context {
        let decl: FunctionDecl
        var names: [String]
        let parent: Context?

        init(decl: FunctionDecl, parent: Context?) {
            self.decl = decl
            self.names = decl.parameters.map(\.name)
            self.parent = parent
        }

        func slot(for name: String) -> Int32? {
            if let i = names.lastIndex(of: name) { return Int32(i) }
            guard let parent, let outer = parent.slot(for: name) else { return nil }
            decl.captures.append((name, outer))
            names.append(name)
            return Int32(names.count - 1)
        }
    }

    static func resolve(_ decl: FunctionDecl) throws(Diagnostic) {
        try resolve(decl, parent: nil)
    }

    private static func resolve(_ decl: FunctionDecl, parent: Context?) throws(Diagnostic) {
        guard !decl.resolved else { return }
        decl.resolved = true
        let context = Context(decl: decl, parent: parent)
        for (i, p) in decl.parameters.enumerated() {
            guard let d = p.defaultValue else { continue }
            // A default may use the parameters before it, not those after (they are not bound yet).
            try walk(d, context, laterParameters: Set(decl.parameters[i...].map(\.name)))
        }
        if let body = decl.body { try walk(body, context, laterParameters: []) }
    }

    private static func walk(_ e: Expr, _ c: Context, laterParameters: Set<String>) throws(Diagnostic) {
        func go(_ x: Expr) throws(Diagnostic) { try walk(x, c, laterParameters: laterParameters) }
        switch e.kind {
        case .number, .string, .bool:
            break
        case .name(let n):
            if laterParameters.contains(n) {
                throw Diagnostic(.name, "the default refers to `\(n)`, which is not bound yet", at: e.span,
                                 hint: "a default may use only the parameters before it")
            }
            e.slot = c.slot(for: n) ?? -1
        case .unary(_, let x):
            try go(x)
        case .binary(_, let l, let r, _), .juxtaposition(let l, let r), .index(let l, let r), .range(let l, let r, _),
             .convert(let l, let r, _):
            try go(l)
            try go(r)
        case .call(let callee, let args):
            try go(callee)
            for a in args { try go(a.value) }
        case .field(let x, _, _):
            try go(x)
        case .with(let x, let fields):
            try go(x)
            for f in fields { try go(f.value) }
        case .record(let fields):
            for f in fields { try go(f.value) }
        case .list(let items):
            for x in items { try go(x) }
        case .ifThen(let a, let b, let d):
            try go(a)
            try go(b)
            try go(d)
        case .lambda(let inner):
            try resolve(inner, parent: c)
        }
    }
}
