/// The tree-walking interpreter: global state (variables, functions, units) and statement execution.
/// Expression evaluation lives in Evaluate.swift, arithmetic in Arithmetic.swift, declarations in Declarations.swift.
///
/// Its state is touched on every node, and dynamic exclusivity checks on it cost a sixth of the evaluation time;
/// evaluation is single-threaded and never holds an inout access to these across a call that could touch them
/// again, so the hot properties opt out with `@exclusivity(unchecked)`.
public final class Interpreter: @unchecked Sendable {
    /// Deeper recursion than this is an error, not a stack overflow.
    public static let maxCallDepth = 200
    /// Ranges longer than this are refused rather than exhausting memory.
    public static let maxListLength = 1 << 21
    /// Strings longer than this (in UTF-8 bytes) are refused: `s + s` doubling would otherwise exhaust memory.
    public static let maxStringLength = 1 << 24
    /// Records with more fields than this are refused (builtins that build records check it too).
    public static let maxRecordFields = 1 << 16

    @exclusivity(unchecked) public internal(set) var units = UnitTable()
    @exclusivity(unchecked) public internal(set) var globals: [String: Value] = [:] {
        didSet { globalsVersion &+= 1 }
    }
    /// Changes with every change to `globals`: folded constants (Folding.swift) are valid while it and the unit
    /// table's generation are unchanged.
    @exclusivity(unchecked) var globalsVersion = 0
    /// `##` documentation of global bindings (presets, constants).
    @exclusivity(unchecked) public internal(set) var docs: [String: String] = [:]
    /// Native implementations, bound to a name when the stdlib declares `native fn name(…)`.
    @exclusivity(unchecked) var natives: [String: NativeFunction] = [:]
    /// Natives registered with registerForwardingNative (see there).
    var forwardingNatives: Set<String> = []
    @exclusivity(unchecked) var callDepth = 0
    /// Call frames: each call's parameters and captured values; names resolve to `stack[frameBase + slot]`.
    let stack = ValueStack()
    @exclusivity(unchecked) var frameBase = 0
    /// When set, the number of calls left before evaluation stops (tests of generated programs set it, so an
    /// exponential recursion ends quickly).
    @exclusivity(unchecked) public var callBudget: Int?
    /// The folder relative paths in the program resolve against (a script's or notebook's); nil: the working directory.
    public var baseDirectory: String?
    /// The undo journal and the snapshots that may need it (see `Snapshot`).
    var journal: [JournalEntry] = []
    var liveSnapshots = 0
    var unitsShared = false
    @exclusivity(unchecked) var evalDepth = 0
    /// Long left-leaning chains (`a + b + c …`) nest in the tree; past this depth evaluation stops cleanly.
    public static let maxEvalDepth = 8000

    public init() {}

    public func registerNative(_ name: String, _ body: @escaping NativeFunction) { natives[name] = body }

    /// Natives' fast paths for named calls (NativeShortcut.swift), by name.
    var nativeShortcuts: [String: NativeShortcut] = [:]

    /// A native with a fast path for its usual call.
    public func registerNative(_ name: String, _ body: @escaping NativeFunction, shortcut: NativeShortcut) {
        natives[name] = body
        nativeShortcuts[name] = shortcut
    }

    /// A native whose result holds only values made elsewhere (`map`'s items are its function's results, `table`'s
    /// cells the records' fields), each already checked to be finite where it was made: its result is not walked
    /// again (for a 10⁶-item `map`, that walk cost more than a tenth of the call).
    public func registerForwardingNative(_ name: String, _ body: @escaping NativeFunction) {
        natives[name] = body
        forwardingNatives.insert(name)
    }

    /// A point to roll back to: what a failed statement (or REPL entry, or notebook cell) could have changed.
    ///
    /// Taking one costs O(1): while any snapshot is alive, each change to a global or its doc is recorded in an
    /// undo journal (the name and what it held before), and the unit table, which only `unit` and `dimension`
    /// declarations change, is copied on the first such declaration instead of on every statement. When the last
    /// snapshot is gone the journal is dropped.
    public struct Snapshot {
        let mark: Int
        let units: UnitTable
        let token: SnapshotToken
    }

    /// Counts the live snapshots: its deinit is how the interpreter learns one has gone.
    final class SnapshotToken {
        weak var interpreter: Interpreter?
        init(_ interpreter: Interpreter) { self.interpreter = interpreter }
        deinit { interpreter?.snapshotEnded() }
    }

    struct JournalEntry {
        let name: String
        let value: Value?
        let doc: String?
    }

    public func snapshot() -> Snapshot {
        liveSnapshots += 1
        unitsShared = true
        return Snapshot(mark: journal.count, units: units, token: SnapshotToken(self))
    }

    fileprivate func snapshotEnded() {
        liveSnapshots -= 1
        if liveSnapshots == 0 {
            journal.removeAll(keepingCapacity: journal.count < 4096)
            unitsShared = false
        }
    }

    public func restore(_ s: Snapshot) {
        while journal.count > s.mark {
            let e = journal.removeLast()
            globals[e.name] = e.value
            docs[e.name] = e.doc
        }
        units = s.units
        unitsShared = true
        withExtendedLifetime(s.token) {}
    }

    /// Sets a global (and its doc, when given), recording the old ones while a snapshot may need them.
    func setGlobal(_ name: String, _ value: Value, doc: String? = nil) {
        if liveSnapshots > 0 { journal.append(JournalEntry(name: name, value: globals[name], doc: docs[name])) }
        globals[name] = value
        if let doc { docs[name] = doc }
    }

    /// The unit table, ready to be changed: a copy if a snapshot still holds the current one.
    func unitsForDeclaring() -> UnitTable {
        if unitsShared {
            units = units.copy()
            unitsShared = false
        }
        return units
    }

    /// Runs a program; each top-level expression's value goes to `output`. A failing statement leaves the
    /// state as it was before that statement.
    public func run(_ program: Program, output: (Value, Stmt) -> Void) throws(Diagnostic) {
        for statement in program.statements {
            let before = snapshot()
            do {
                if let value = try execute(statement) { output(value, statement) }
            } catch {
                recover(before)
                throw error
            }
            withExtendedLifetime(before) {}
        }
    }

    /// After a failed statement: the state from before it, and empty call frames.
    public func recover(_ before: Snapshot) {
        restore(before)
        callDepth = 0
        evalDepth = 0
        stack.removeAll()
        frameBase = 0
    }

    /// Executes one statement; returns the value of an expression statement.
    public func execute(_ statement: Stmt) throws(Diagnostic) -> Value? {
        Interrupt.clear()
        switch statement {
        case .expression(let e):
            return try eval(e)
        case .binding(let name, let nameSpan, let valueExpr, let doc, _):
            try checkBindable(name, at: nameSpan)
            let value = try eval(valueExpr)
            setGlobal(name, value, doc: doc)
            return nil
        case .function(let decl):
            // A native may share a unit's name (`min`): calls find the function, `5 min` the unit.
            if decl.body != nil { try checkBindable(decl.name, at: decl.nameSpan) }
            setGlobal(decl.name, .function(try makeFunction(decl)))
            return nil
        case .dimension(let name, let nameSpan, let definition, _, _):
            try declareDimension(name, at: nameSpan, definition: definition)
            return nil
        case .unit(let decl):
            try declareUnit(decl)
            return nil
        }
    }

    /// A variable may share a unit's name (`let s = …`): after a number or `->` the name still means the unit
    /// (`3 s`), elsewhere the variable. Builtins cannot be redefined.
    public func checkBindable(_ name: String, at span: Span) throws(Diagnostic) {
        if natives[name] != nil, case .function(let f)? = globals[name], case .native = f.body {
            throw Diagnostic(.name, "`\(name)` is a builtin function", at: span, hint: "choose another name")
        }
    }

    /// A function value for a declaration: resolves its names (once) and captures the values it uses from the
    /// frame it is created in.
    func makeFunction(_ decl: FunctionDecl) throws(Diagnostic) -> Function {
        try Resolver.resolve(decl)
        let parameters = decl.parameters.map { Function.Parameter(name: $0.name, defaultValue: $0.defaultValue) }
        let body: Function.Body
        if let expr = decl.body {
            body = .user(expr)
        } else {
            guard let native = natives[decl.name] else {
                throw Diagnostic(.name, "no native implementation of `\(decl.name)`", at: decl.nameSpan)
            }
            body = .native(native)
        }
        let captured = decl.captures.map { stack[frameBase + Int($0.outerSlot)] }
        return Function(name: decl.name, parameters: parameters, body: body, doc: decl.doc, decl: decl,
                        captured: captured, forwardsValues: decl.body == nil && forwardingNatives.contains(decl.name),
                        shortcut: decl.body == nil ? nativeShortcuts[decl.name] : nil)
    }

    /// Every name a program can refer to, for suggestions and completion.
    public func knownNames() -> [String] {
        Array(globals.keys) + Array(units.unitNames)
    }
}
