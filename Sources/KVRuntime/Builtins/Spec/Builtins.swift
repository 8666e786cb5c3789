import KVLang

/// Every native builtin, and the check that ties each to its `native fn` declaration in stdlib/*.kv.
enum Builtins {
    static var all: [BuiltinSpec] {
        CoreBuiltins.specs + TableBuiltins.specs + MemoryBuiltins.specs + HitRateBuiltins.specs + EngineLogBuiltins.specs
            + LatencyBuiltins.specs + ServeBuiltins.specs
    }

    /// Builtins whose results hold only values their arguments or their function argument made, each checked
    /// where it was made; the interpreter does not walk their results for non-finite numbers again.
    static let forwarding: Set<String> = ["map", "filter", "sweep", "table"]

    static func register(_ specs: [BuiltinSpec], in interpreter: Interpreter) {
        for spec in specs {
            let body: NativeFunction = { c throws(Diagnostic) in try spec.call(&c) }
            if forwarding.contains(spec.name) {
                interpreter.registerForwardingNative(spec.name, body)
            } else if let shortcut = spec.shortcut {
                // Named calls reach the shortcut directly; tests switch it off to compare with the ordinary path.
                interpreter.registerNative(spec.name, body, shortcut: NativeShortcut(prepare: shortcut.prepare) { c in
                    BuiltinSpec.shortcutsEnabled.load(ordering: .relaxed) ? shortcut.answer(c) : nil
                })
            } else {
                interpreter.registerNative(spec.name, body)
            }
        }
    }

    /// What disagrees between the specs and the loaded declarations: a spec whose name is not declared as a
    /// `native fn`, or whose parameters differ in name or order (a renamed parameter would otherwise read
    /// another's value), or `...` on one side only. (A `native fn` with no implementation already fails to load.)
    static func mismatches(_ specs: [BuiltinSpec], in interpreter: Interpreter) -> [String] {
        var problems: [String] = []
        var seen = Set<String>()
        for spec in specs {
            guard seen.insert(spec.name).inserted else {
                problems.append("`\(spec.name)` is implemented twice")
                continue
            }
            guard case .function(let f)? = interpreter.globals[spec.name], case .native = f.body else {
                problems.append("`\(spec.name)` is implemented but no stdlib file declares `native fn \(spec.name)`")
                continue
            }
            let declared = f.parameters.map(\.name), implemented = spec.parameters.map(\.name)
            if declared != implemented {
                problems.append("`native fn \(spec.name)` declares (\(declared.joined(separator: ", "))) but its "
                                + "implementation reads (\(implemented.joined(separator: ", ")))")
            }
            if f.takesNamedRest != spec.takesRest {
                problems.append("`native fn \(spec.name)` and its implementation disagree about `...`")
            }
        }
        return problems
    }
}
