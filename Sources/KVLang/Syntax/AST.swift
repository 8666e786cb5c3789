/// The syntax tree. Nodes are classes so the interpreter passes them by reference; every node has a span.
public final class Expr: @unchecked Sendable {
    public enum Kind {
        case number(Double)
        case string(String)
        case bool(Bool)
        case name(String)
        case unary(UnaryOp, Expr)
        case binary(BinaryOp, Expr, Expr, op: Span)
        /// A number (or group) followed directly by units: `80 GiB`, `2 conv/s` is `(2 conv)/s`.
        case juxtaposition(Expr, Expr)
        case call(Expr, [CallArgument])
        case field(Expr, String, nameSpan: Span)
        case index(Expr, Expr)
        case with(Expr, [FieldInit])
        case record([FieldInit])
        case list([Expr])
        case range(Expr, Expr, op: Span)
        case ifThen(Expr, Expr, Expr)
        case convert(Expr, Expr, op: Span)
        case lambda(FunctionDecl)
    }

    public let kind: Kind
    public let span: Span
    /// For a `.name` inside a function: its slot in the call frame (parameters, then captured variables), set by
    /// the resolver; -1 for globals and units.
    var slot: Int32 = -1
    /// For a `.name` that named a unit: the unit's value, valid while the unit table's generation is unchanged.
    @exclusivity(unchecked) var cachedUnit: Quantity?
    @exclusivity(unchecked) var cachedGeneration = -1
    /// Constant folding (Interpreter/Folding.swift), valid while `foldKey` equals the interpreter's: for an
    /// arithmetic node of numbers, units and globals, its value; for a global `.name`, the quantity or the function
    /// it named (unretained: the globals hold it while the key is unchanged).
    @exclusivity(unchecked) var foldKey = -1
    /// `foldKey` of an arithmetic node with a parameter, local or call below it: never folded.
    static let neverConstant = Int.min
    @exclusivity(unchecked) var folded: Quantity?
    @exclusivity(unchecked) var foldedFunction: Unmanaged<Function>?
    /// For a global `.name` that named anything else (a model or accelerator record, a list, a string): the value,
    /// held, so a sweep's `memory(llama3_8b, H100, …)` does not hash the two names at every point.
    @exclusivity(unchecked) var foldedValue: Value?

    /// The hot node kinds again, without payloads: the interpreter dispatches on `tag` and reads the operands
    /// through unowned references (the strong ones live in `kind`), so evaluating them costs no reference counting.
    enum Tag: UInt8 { case number, name, arithmetic, juxtaposition, other }
    let tag: Tag
    let lhs: Unmanaged<Expr>?
    let rhs: Unmanaged<Expr>?
    let binaryOp: BinaryOp
    let opSpan: Span
    let number: Double

    init(_ kind: Kind, _ span: Span) {
        self.kind = kind
        self.span = span
        var tag = Tag.other, op = BinaryOp.add, opSpan = span, number = 0.0
        var l: Expr?, r: Expr?
        switch kind {
        case .number(let v): tag = .number; number = v
        case .name: tag = .name
        case .binary(let o, let a, let b, let s) where o != .and && o != .or:
            tag = .arithmetic; op = o; l = a; r = b; opSpan = s
        case .juxtaposition(let a, let b): tag = .juxtaposition; l = a; r = b; opSpan = b.span
        default: break
        }
        self.tag = tag
        self.binaryOp = op
        self.opSpan = opSpan
        self.number = number
        self.lhs = l.map { Unmanaged.passUnretained($0) }
        self.rhs = r.map { Unmanaged.passUnretained($0) }
    }
}

public enum UnaryOp: String, Sendable { case negate = "-", plus = "+", not = "not" }

public enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", pow = "^"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and, or
}

public struct CallArgument {
    public let label: String?
    public let labelSpan: Span?
    public let value: Expr
}

public struct FieldInit {
    public let name: String
    public let nameSpan: Span
    public let value: Expr
}

public struct Parameter {
    public let name: String
    public let span: Span
    public let defaultValue: Expr?
}

public final class FunctionDecl: @unchecked Sendable {
    public let name: String
    public let nameSpan: Span
    public let parameters: [Parameter]
    /// Nil for a `native fn`, whose body is Swift.
    public let body: Expr?
    /// `where a = … and b = …` after the body: evaluated in order on each call, each in its frame slot after the
    /// parameters (see LocalBindings.swift).
    public let clauses: [WhereClause]
    public let doc: String?
    public let span: Span
    /// `native fn sweep(f, ...)`: named arguments beyond the parameters go to the native instead of being errors.
    public let takesNamedRest: Bool
    /// Filled once by the resolver: the variables this function captures from the enclosing function's frame
    /// (by name, and their slot there), stored in its own frame after the parameters.
    var resolved = false
    var captures: [(name: String, outerSlot: Int32)] = []
    /// Filled by the resolver: the names in this function that did not resolve to a local, with the locals
    /// visible there. Edit distances are left to `nearMisses`, asked only when a name turns out unknown.
    var globalReads: [GlobalRead] = []

    struct GlobalRead {
        let name: String
        let span: Span
        let visible: [String]

        /// The local this global name is probably a slip for (`byts` beside a clause `bytes`), if any.
        var nearestLocal: String? { Suggestions.closest(to: name, in: visible).first }
    }

    /// The global names close to a local, by the start of their span, so "unknown name" can suggest the local.
    var nearMisses: [Int: String] {
        var found: [Int: String] = [:]
        for read in globalReads { if let local = read.nearestLocal { found[read.span.start] = local } }
        return found
    }

    init(name: String, nameSpan: Span, parameters: [Parameter], body: Expr?, clauses: [WhereClause] = [],
         doc: String?, span: Span, takesNamedRest: Bool = false) {
        self.takesNamedRest = takesNamedRest
        self.name = name
        self.nameSpan = nameSpan
        self.parameters = parameters
        self.body = body
        self.clauses = clauses
        self.doc = doc
        self.span = span
    }
}

/// One local binding of a `where` clause: `where bytes = 2 B/token`.
public struct WhereClause {
    public let name: String
    public let nameSpan: Span
    public let value: Expr
}

public struct UnitDecl {
    public enum Definition {
        /// `unit B: Information` — the base unit of a dimension.
        case base(dimension: String, span: Span)
        /// `unit GiB = 1024 MiB`.
        case derived(Expr)
    }

    public let names: [(String, Span)]
    public let definition: Definition
    /// Prefix families from `@prefixes(metric, binary)`.
    public let prefixes: [(String, Span)]
    public let doc: String?
    public let span: Span
}

public enum Stmt {
    case expression(Expr)
    /// `let x = …` or `x = …`.
    case binding(name: String, nameSpan: Span, value: Expr, doc: String?, span: Span)
    case function(FunctionDecl)
    /// `dimension Information` or `dimension Bandwidth = Information / Time`.
    case dimension(name: String, nameSpan: Span, definition: Expr?, doc: String?, span: Span)
    case unit(UnitDecl)

    public var span: Span {
        switch self {
        case .expression(let e): return e.span
        case .binding(_, _, _, _, let s): return s
        case .function(let f): return f.span
        case .dimension(_, _, _, _, let s): return s
        case .unit(let u): return u.span
        }
    }
}

/// A parsed program: its statements and the file they came from.
public struct Program {
    public let file: SourceFile
    public let statements: [Stmt]
}
