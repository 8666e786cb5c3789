/// Resolves the names inside function bodies to frame slots, once per function declaration: a parameter or a
/// `where` clause is a slot, a variable of an enclosing function is captured (copied into the closure when it is
/// created, which is safe because bindings never change), anything else is global. Lookups on the hot path then
/// index an array instead of searching scopes by name.
///
/// A frame holds the parameters, then the where clauses in order, then the captured values. Clauses are evaluated
/// in order after the defaults, so the resolver refuses what would read a clause before it is set: a default
/// using one, a clause using itself or a later one (also from inside a lambda, which captures when created).
struct Resolver {
    static let maxSuggestable = 64

    private final class Context {
        let decl: FunctionDecl
        /// Slot of each name: parameters, clauses, then captures as they are found.
        var slots = SlotTable()
        var count: Int32 = 0
        let parent: Context?
        let firstClause: Int
        /// What may be read now: while the defaults are resolved no clause (-1), while clause k is, those before
        /// it (k), in the body all of them.
        var phase = Phase.defaults
        var used: [Bool]
        /// Global names read here and in nested lambdas, each with the locals visible where it was read: the
        /// "never used" error looks for a slip among them (only then, so start-up does no edit distances).
        var globalReads: [FunctionDecl.GlobalRead] = []

        enum Phase: Equatable { case defaults, clause(Int), body }

        init(decl: FunctionDecl, parent: Context?) {
            self.decl = decl
            self.parent = parent
            self.firstClause = decl.parameters.count
            self.used = [Bool](repeating: false, count: decl.clauses.count)
            for p in decl.parameters {
                slots.bind(p.name, to: count)
                count += 1
            }
            for c in decl.clauses {
                slots.bind(c.name, to: count)
                count += 1
            }
        }

        func slot(for name: String, at span: Span) throws(Diagnostic) -> Int32? {
            if let s = slots[name] {
                let k = Int(s) - firstClause
                if k >= 0, k < used.count {
                    try checkReadable(clause: k, name, at: span)
                    used[k] = true
                }
                return s
            }
            guard let parent, let outer = try parent.slot(for: name, at: span) else { return nil }
            decl.captures.append((name, outer))
            slots.bind(name, to: count)
            count += 1
            return count - 1
        }

        private func checkReadable(clause k: Int, _ name: String, at span: Span) throws(Diagnostic) {
            let defined = decl.clauses[k].nameSpan
            switch phase {
            case .body:
                return
            case .clause(let current) where k < current:
                return
            case .clause(let current) where k == current:
                throw Diagnostic(.name, "`\(name)` is used in its own where clause", at: span,
                                 hint: "a clause cannot refer to itself; compute it from the parameters and the "
                                     + "clauses before it")
            case .clause(let current):
                throw Diagnostic(.name, "`\(name)` is used before its where clause defines it", at: span,
                                 hint: "clauses are evaluated in order: move `\(name) = …` before "
                                     + "`\(decl.clauses[current].name) = …`",
                                 notes: [("defined here, later", defined)])
            case .defaults:
                throw Diagnostic(.name, "a default cannot use `\(name)`, a where clause of the function", at: span,
                                 hint: "defaults are evaluated before the where clauses",
                                 notes: [("defined here", defined)])
            }
        }

        /// The local names this function can read, its own and its enclosing functions', for suggestions; at
        /// most `maxSuggestable` of them, so a function of a thousand parameters does not make resolving quadratic.
        lazy var visibleNames: [String] = {
            let own = Array(slots.names.prefix(Resolver.maxSuggestable))
            return own + (parent?.visibleNames.prefix(Resolver.maxSuggestable - own.count) ?? [])
        }()
    }

    static func resolve(_ decl: FunctionDecl) throws(Diagnostic) {
        try resolve(decl, parent: nil)
    }

    private static func resolve(_ decl: FunctionDecl, parent: Context?) throws(Diagnostic) {
        guard !decl.resolved else { return }
        // Marked only once complete: a declaration whose resolution failed is never half-resolved.
        decl.captures = []
        decl.globalReads = []
        let context = Context(decl: decl, parent: parent)
        for (i, p) in decl.parameters.enumerated() {
            guard let d = p.defaultValue else { continue }
            // A default may use the parameters before it, not those after (they are not bound yet).
            try walk(d, context, laterParameters: i)
        }
        for (k, clause) in decl.clauses.enumerated() {
            context.phase = .clause(k)
            try walk(clause.value, context, laterParameters: nil)
        }
        context.phase = .body
        if let body = decl.body { try walk(body, context, laterParameters: nil) }
        if let k = context.used.firstIndex(of: false) {
            let clause = decl.clauses[k]
            // Unused because a use of it is misspelt: show where.
            let slips = context.globalReads.lazy.compactMap { read in read.nearestLocal.map { (span: read.span, local: $0) } }
            if let slip = slips.first(where: { $0.local == clause.name }) {
                throw Diagnostic(.name, "`\(clause.name)` is defined but never used", at: clause.nameSpan,
                                 hint: "did you mean `\(clause.name)` instead of `\(slip.span.text)`?",
                                 notes: [("`\(slip.span.text)` is not `\(clause.name)`", slip.span)])
            }
            throw Diagnostic(.name, "`\(clause.name)` is defined but never used", at: clause.nameSpan,
                             hint: "use it in the body or a later clause, or remove it")
        }
        decl.resolved = true
    }

    /// `laterParameters`: in a default, the index of its parameter; the names of that one and those after it are
    /// not bound yet. Compared in place: a set of those names built per default was a third of resolving the stdlib.
    private static func walk(_ e: Expr, _ c: Context, laterParameters: Int?) throws(Diagnostic) {
        func go(_ x: Expr) throws(Diagnostic) { try walk(x, c, laterParameters: laterParameters) }
        switch e.kind {
        case .number, .string, .bool:
            break
        case .name(let n):
            if let later = laterParameters, c.decl.parameters[later...].contains(where: { $0.name == n }) {
                throw Diagnostic(.name, "the default refers to `\(n)`, which is not bound yet", at: e.span,
                                 hint: "a default may use only the parameters before it")
            }
            guard let slot = try c.slot(for: n, at: e.span) else {
                e.slot = -1
                noteNearMiss(n, at: e.span, c)
                return
            }
            e.slot = slot
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

    /// A global name close to a local one (`byts` beside `bytes`) is likely a slip; if it turns out unknown when
    /// evaluated, the error suggests the local (globals are looked up late, so this cannot be an error now). The
    /// read is recorded with the locals visible now; the edit distances are computed only for an error.
    private static func noteNearMiss(_ name: String, at span: Span, _ c: Context) {
        let read = FunctionDecl.GlobalRead(name: name, span: span, visible: c.visibleNames)
        c.decl.globalReads.append(read)
        var context: Context? = c
        while let x = context {
            x.globalReads.append(read)
            context = x.parent
        }
    }
}
