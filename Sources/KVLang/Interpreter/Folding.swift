/// Constant folding, decided while evaluating: a unit literal (`16 GiB`, `128 KiB/token`) or any arithmetic on
/// numbers, units and global names has the same value every time while the globals and the unit table are
/// unchanged, so the node keeps its value and later evaluations read it instead of redoing the lookups, dimension
/// products and display-unit bookkeeping. Global names keep what they named the same way (a call to `min`, or a
/// sweep's `llama3_8b`, skips the dictionary lookup). Nothing is folded ahead of time: a node is folded after it evaluated without error, so
/// errors and their spans are exactly those of plain evaluation.
extension Interpreter {
    /// Identifies the state folded values depend on: the unit table's generation (process-wide, never reused)
    /// and the globals' version (bumped on every change, undo included).
    @inline(__always)
    var foldKey: Int { units.generation << 32 | (globalsVersion & 0xFFFF_FFFF) }

    /// What a global name held when it was last looked up under this key.
    @inline(__always)
    func foldedName(_ e: Expr, key: Int) -> Value? {
        guard e.foldKey == key else { return nil }
        if let q = e.folded { return .quantity(q) }
        if let f = e.foldedFunction { return .function(f.takeUnretainedValue()) }
        return e.foldedValue
    }

    /// Remembers a global name's value: a quantity or a function without reference counting, anything else held.
    /// Values are immutable, and the key changes with every change to a global (undo included), so a name read
    /// under the same key names the same value. A node keeps at most one value it no longer names alive, until it
    /// is next evaluated.
    @inline(__always)
    func foldName(_ e: Expr, _ v: Value, key: Int) {
        switch v {
        case .quantity(let q): e.folded = q; e.foldedFunction = nil; e.foldedValue = nil
        case .function(let f): e.folded = nil; e.foldedFunction = Unmanaged.passUnretained(f); e.foldedValue = nil
        default: e.folded = nil; e.foldedFunction = nil; e.foldedValue = v
        }
        e.foldKey = key
    }

    /// Whether an operand of an arithmetic node was constant under `key`: a number, a global name or unit, or a
    /// node folded under this key (operands are evaluated, and so folded, before their parent).
    @inline(__always)
    func isConstant(_ e: Expr, key: Int) -> Bool {
        switch e.tag {
        case .number: return true
        case .name: return e.slot < 0
        case .arithmetic, .juxtaposition: return e.foldKey == key && e.folded != nil
        case .other: return false
        }
    }

    /// Whether the unit side of a juxtaposition (`KiB/token` in `128 KiB/token`, evaluated by `evalUnit`) was
    /// constant: unit names, global names and numbers joined by `*`, `/`, `^` and juxtaposition.
    func isUnitConstant(_ e: Expr, key: Int) -> Bool {
        switch e.tag {
        case .number: return true
        case .name: return e.slot < 0
        case .juxtaposition:
            return isUnitConstant(e.lhs.unsafelyUnwrapped.takeUnretainedValue(), key: key)
                && isUnitConstant(e.rhs.unsafelyUnwrapped.takeUnretainedValue(), key: key)
        case .arithmetic:
            let l = e.lhs.unsafelyUnwrapped.takeUnretainedValue(), r = e.rhs.unsafelyUnwrapped.takeUnretainedValue()
            switch e.binaryOp {
            case .mul, .div: return isUnitConstant(l, key: key) && isUnitConstant(r, key: key)
            case .pow: return isUnitConstant(l, key: key) && isConstant(r, key: key)
            default: return isConstant(e, key: key)
            }
        case .other: return false
        }
    }

    /// An operand that can never be constant, whatever the globals hold: a parameter or local, a call, a field,
    /// or an arithmetic node already found so.
    @inline(__always)
    func isNeverConstant(_ e: Expr) -> Bool {
        switch e.tag {
        case .number: return false
        case .name: return e.slot >= 0
        case .arithmetic, .juxtaposition: return e.foldKey == Expr.neverConstant
        case .other: return true
        }
    }

    /// After an arithmetic node evaluated: keep its value when both operands were constant; otherwise mark it
    /// not constant under this key (or for good, when an operand can never be), so the check is not repeated.
    func fold(_ e: Expr, _ v: Value, key: Int) {
        let l = e.lhs.unsafelyUnwrapped.takeUnretainedValue(), r = e.rhs.unsafelyUnwrapped.takeUnretainedValue()
        if isNeverConstant(l) || isNeverConstant(r) {
            e.folded = nil
            e.foldKey = Expr.neverConstant
            return
        }
        if case .quantity(let q) = v, isConstant(l, key: key),
           e.tag == .juxtaposition ? isUnitConstant(r, key: key) : isConstant(r, key: key) {
            e.folded = q
        } else {
            e.folded = nil
        }
        e.foldKey = key
    }
}
