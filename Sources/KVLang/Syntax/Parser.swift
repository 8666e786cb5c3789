/// A recursive-descent parser. Precedence, loosest first:
/// `->`/`to` · `or` · `and` · `not` · comparisons · `..` · `+ -` · `* /` · unary `-` · juxtaposition (`80 GiB`) ·
/// `^` · postfix (call, `.field`, `[index]`, `with {…}`).
public struct Parser {
    /// Deeper nesting than this is an error, not a stack overflow.
    public static let maxDepth = 160

    private let file: SourceFile
    let tokens: [Token]
    private let docs: DocComments
    var pos = 0
    private var depth = 0

    public static func parse(_ file: SourceFile) throws(Diagnostic) -> Program {
        let (tokens, docs) = try Lexer.tokenize(file)
        var parser = Parser(file: file, tokens: tokens, docs: docs)
        return Program(file: file, statements: try parser.program())
    }

    private init(file: SourceFile, tokens: [Token], docs: DocComments) {
        self.file = file
        self.tokens = tokens
        self.docs = docs
    }

    // MARK: - Token helpers

    var tok: Token { tokens[pos] }
    var kind: Token.Kind { tokens[pos].kind }
    func peekKind(_ n: Int) -> Token.Kind { tokens[min(pos + n, tokens.count - 1)].kind }
    var previous: Token { tokens[max(pos - 1, 0)] }

    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    mutating func accept(_ p: Punct) -> Bool {
        if kind == .punct(p) { pos += 1; return true }
        return false
    }

    private mutating func accept(_ k: Keyword) -> Bool {
        if kind == .keyword(k) { pos += 1; return true }
        return false
    }

    private mutating func expect(_ p: Punct, _ context: String) throws(Diagnostic) -> Token {
        guard kind == .punct(p) else { throw unexpected("`\(p.rawValue)` \(context)") }
        return advance()
    }

    mutating func skipNewlines() { while kind == .newline { pos += 1 } }

    func unexpected(_ expected: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.syntax, "expected \(expected), found \(kind)", at: tok.span, hint: hint)
    }

    mutating func identifier(_ what: String) throws(Diagnostic) -> (String, Span) {
        guard case .identifier(let name) = kind else {
            if case .keyword(let k) = kind {
                throw Diagnostic(.syntax, "`\(k.rawValue)` is a keyword, not a name", at: tok.span,
                                 hint: "choose another name for the \(what)")
            }
            throw unexpected("a \(what)")
        }
        return (name, advance().span)
    }

    private mutating func nested<T>(_ body: (inout Parser) throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maxDepth else {
            throw Diagnostic(.limit, "expression nested too deeply (more than \(Parser.maxDepth) levels)",
                             at: tok.span, hint: "split it with `let` bindings")
        }
        return try body(&self)
    }

    // MARK: - Statements

    private mutating func program() throws(Diagnostic) -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            while kind == .newline || kind == .punct(.semicolon) { pos += 1 }
            if kind == .eof { return statements }
            statements.append(try statement())
            guard kind == .newline || kind == .punct(.semicolon) || kind == .eof else {
                if kind == .keyword(.where) { throw misplacedWhere() }
                if andBeginsClause(at: pos) {
                    throw unexpected("end of statement", hint: "`and name = …` adds a where clause, which follows "
                                     + "a function's body (`fn f(x) = a + b where a = 1 and b = 2`)")
                }
                throw unexpected("end of statement", hint: juxtapositionHint())
            }
        }
    }

    private func juxtapositionHint() -> String? {
        if case .identifier = kind, case .identifier = previous.kind {
            return "write `*` to multiply names: units follow numbers directly (`8 GPU`), variables need `*`"
        }
        return "put one statement per line, or separate them with `;`"
    }

    private mutating func statement() throws(Diagnostic) -> Stmt {
        let start = tok.span
        let doc = docs[start.start]
        switch kind {
        case .keyword(.let):
            pos += 1
            let (name, nameSpan) = try identifier("variable name")
            _ = try expect(.assign, "after the name in `let`")
            let value = try expression()
            return .binding(name: name, nameSpan: nameSpan, value: value, doc: doc, span: start.to(value.span))
        case .keyword(.fn) where { if case .identifier = peekKind(1) { return true } else { return false } }():
            pos += 1
            return .function(try functionDecl(start: start, doc: doc, native: false))
        case .keyword(.native):
            pos += 1
            guard accept(.fn) else { throw unexpected("`fn` after `native`") }
            return .function(try functionDecl(start: start, doc: doc, native: true))
        case .keyword(.dimension):
            pos += 1
            let (name, nameSpan) = try identifier("dimension name")
            let definition = accept(.assign) ? try expression() : nil
            return .dimension(name: name, nameSpan: nameSpan, definition: definition, doc: doc,
                              span: start.to(previous.span))
        case .keyword(.unit), .punct(.at):
            return .unit(try unitDecl(start: start, doc: doc))
        case .identifier(let name) where peekKind(1) == .punct(.assign):
            pos += 2
            let value = try expression()
            return .binding(name: name, nameSpan: start, value: value, doc: doc, span: start.to(value.span))
        default:
            return .expression(try expression())
        }
    }

    private mutating func functionDecl(start: Span, doc: String?, native: Bool) throws(Diagnostic) -> FunctionDecl {
        let (name, nameSpan) = try identifier("function name")
        let (parameters, restSpan) = try parameterList()
        if native {
            return FunctionDecl(name: name, nameSpan: nameSpan, parameters: parameters, body: nil, doc: doc,
                                span: start.to(previous.span), takesNamedRest: restSpan != nil)
        }
        if let restSpan {
            throw Diagnostic(.syntax, "only a `native fn` can take any named arguments (`...`)", at: restSpan)
        }
        _ = try expect(.assign, "before the function's body (`fn f(x) = x * 2`)")
        skipNewlines()
        let body = try expression()
        let clauses = try whereClauses(parameters: parameters)
        return FunctionDecl(name: name, nameSpan: nameSpan, parameters: parameters, body: body, clauses: clauses,
                            doc: doc, span: start.to(clauses.last?.value.span ?? body.span))
    }

    /// The parameters, and where a closing `...` (any further named arguments, for natives like `sweep`) stands.
    private mutating func parameterList() throws(Diagnostic) -> ([Parameter], rest: Span?) {
        _ = try expect(.lparen, "to open the parameter list")
        var parameters: [Parameter] = []
        var seen = SmallNameSet()
        while !accept(.rparen) {
            if kind == .punct(.ellipsis) {
                let rest = advance().span
                _ = try expect(.rparen, "after `...`, which comes last")
                return (parameters, rest)
            }
            let (name, span) = try identifier("parameter name")
            if !seen.insert(name) {
                throw Diagnostic(.syntax, "parameter `\(name)` appears twice", at: span)
            }
            let defaultValue = accept(.assign) ? try expression() : nil
            if defaultValue == nil, parameters.last?.defaultValue != nil {
                throw Diagnostic(.syntax, "parameter `\(name)` without a default follows one with a default", at: span)
            }
            parameters.append(Parameter(name: name, span: span, defaultValue: defaultValue))
            if !accept(.comma) {
                _ = try expect(.rparen, "or `,` in the parameter list")
                break
            }
        }
        return (parameters, nil)
    }

    private mutating func unitDecl(start: Span, doc: String?) throws(Diagnostic) -> UnitDecl {
        var prefixes: [(String, Span)] = []
        while accept(.at) {
            let (decorator, span) = try identifier("decorator")
            guard decorator == "prefixes" else {
                throw Diagnostic(.syntax, "unknown decorator `@\(decorator)`", at: span, hint: "did you mean `@prefixes`?")
            }
            _ = try expect(.lparen, "after `@prefixes`")
            repeat { prefixes.append(try identifier("prefix family (metric or binary)")) } while accept(.comma)
            _ = try expect(.rparen, "to close `@prefixes(…)`")
            skipNewlines()
        }
        guard accept(.unit) else { throw unexpected("`unit` after a decorator") }
        var names: [(String, Span)] = []
        repeat { names.append(try identifier("unit name")) } while accept(.comma)
        let definition: UnitDecl.Definition
        if accept(.colon) {
            let (dim, span) = try identifier("dimension name")
            definition = .base(dimension: dim, span: span)
        } else if accept(.assign) {
            definition = .derived(try expression())
        } else {
            throw unexpected("`: Dimension` or `= definition` after the unit's names")
        }
        return UnitDecl(names: names, definition: definition, prefixes: prefixes, doc: doc,
                        span: start.to(previous.span))
    }

    // MARK: - Expressions

    public mutating func expression() throws(Diagnostic) -> Expr {
        try nested { p throws(Diagnostic) in
            var e = try p.or()
            while p.kind == .punct(.arrow) || p.kind == .keyword(.to) {
                let op = p.advance().span
                p.skipNewlines()
                let target = try p.or()
                e = Expr(.convert(e, target, op: op), e.span.to(target.span))
            }
            return e
        }
    }

    /// `ops` maps a token to its operator at this level: a switch, not a dictionary (building and hashing one per
    /// call was a tenth of loading the stdlib).
    private mutating func binaryLevel(_ ops: (Token.Kind) -> BinaryOp?,
                                      _ next: (inout Parser) throws(Diagnostic) -> Expr) throws(Diagnostic) -> Expr {
        var left = try next(&self)
        while let op = ops(kind) {
            let opSpan = advance().span
            skipNewlines()
            let right = try nested { p throws(Diagnostic) in try next(&p) }
            left = Expr(.binary(op, left, right, op: opSpan), left.span.to(right.span))
        }
        return left
    }

    private mutating func or() throws(Diagnostic) -> Expr {
        try binaryLevel({ if case .keyword(.or) = $0 { return .or } else { return nil } }) { p throws(Diagnostic) in
            try p.and()
        }
    }

    /// `a and b`; an `and` that begins another where clause (`and name = …`) ends the expression instead.
    private mutating func and() throws(Diagnostic) -> Expr {
        var left = try not()
        while kind == .keyword(.and), !andBeginsClause(at: pos) {
            let opSpan = advance().span
            skipNewlines()
            if kind == .eof {
                throw Diagnostic(.syntax, "`and` needs something after it", at: opSpan,
                                 hint: "a condition (`a and b`) or another where clause (`and name = value`)")
            }
            let right = try nested { p throws(Diagnostic) in try p.not() }
            left = Expr(.binary(.and, left, right, op: opSpan), left.span.to(right.span))
        }
        return left
    }

    private mutating func not() throws(Diagnostic) -> Expr {
        guard kind == .keyword(.not) else { return try comparison() }
        let start = advance().span
        let operand = try nested { p throws(Diagnostic) in try p.not() }
        return Expr(.unary(.not, operand), start.to(operand.span))
    }

    private static func comparisons(_ kind: Token.Kind) -> BinaryOp? {
        guard case .punct(let p) = kind else { return nil }
        switch p {
        case .eq: return .eq
        case .ne: return .ne
        case .lt: return .lt
        case .le: return .le
        case .gt: return .gt
        case .ge: return .ge
        default: return nil
        }
    }

    private static func additiveOp(_ kind: Token.Kind) -> BinaryOp? {
        guard case .punct(let p) = kind else { return nil }
        return p == .plus ? .add : p == .minus ? .sub : nil
    }

    private static func multiplicativeOp(_ kind: Token.Kind) -> BinaryOp? {
        guard case .punct(let p) = kind else { return nil }
        return p == .star ? .mul : p == .slash ? .div : nil
    }

    private mutating func comparison() throws(Diagnostic) -> Expr {
        let left = try range()
        guard let op = Parser.comparisons(kind) else { return left }
        let opSpan = advance().span
        skipNewlines()
        let right = try range()
        if Parser.comparisons(kind) != nil {
            throw Diagnostic(.syntax, "comparisons do not chain", at: tok.span, hint: "use `and`: `a < b and b < c`")
        }
        return Expr(.binary(op, left, right, op: opSpan), left.span.to(right.span))
    }

    private mutating func range() throws(Diagnostic) -> Expr {
        let left = try additive()
        guard kind == .punct(.dotdot) else { return left }
        let op = advance().span
        let right = try additive()
        return Expr(.range(left, right, op: op), left.span.to(right.span))
    }

    private mutating func additive() throws(Diagnostic) -> Expr {
        try binaryLevel(Parser.additiveOp) { p throws(Diagnostic) in try p.multiplicative() }
    }

    private mutating func multiplicative() throws(Diagnostic) -> Expr {
        try binaryLevel(Parser.multiplicativeOp) { p throws(Diagnostic) in try p.unary() }
    }

    private mutating func unary() throws(Diagnostic) -> Expr {
        let op: UnaryOp
        switch kind {
        case .punct(.minus): op = .negate
        case .punct(.plus): op = .plus
        default: return try juxtaposition()
        }
        let start = advance().span
        let operand = try nested { p throws(Diagnostic) in try p.unary() }
        return Expr(.unary(op, operand), start.to(operand.span))
    }

    /// `80 GiB`, `4 Ki tokens`, `(a + b) GiB`: a number or a group followed by names multiplies them, binding
    /// tighter than `*` and `/`. A name directly after a plain name is not multiplied (that is usually a slip).
    private mutating func juxtaposition() throws(Diagnostic) -> Expr {
        var left = try power()
        guard previous.kind == .punct(.rparen) || { if case .number = previous.kind { return true }; return false }()
        else { return left }
        while case .identifier = kind, peekKind(1) != .punct(.lparen), peekKind(1) != .punct(.colon),
              peekKind(1) != .punct(.assign) {
            var unit = try power(unitOnly: true)
            // `KiB/token`, `GiB·s`, `KiB/(token·s)` written without spaces (as kvcalc prints them) are one unit,
            // so every name in them means the unit even where a variable shares its name.
            while kind == .punct(.slash) || kind == .punct(.star), !tok.spaceBefore, unitFollowsDirectly() {
                let save = pos
                let op = advance()
                let rhs = try power(unitOnly: true)
                // `GiB/m.layers`, `GiB/f(x)`, `GiB/l[0]`: not a unit after all; parse it as before.
                if [.punct(.dot), .punct(.lbracket), .punct(.lparen), .keyword(.with)].contains(kind) {
                    pos = save
                    break
                }
                unit = Expr(.binary(op.kind == .punct(.slash) ? .div : .mul, unit, rhs, op: op.span),
                            unit.span.to(rhs.span))
            }
            left = Expr(.juxtaposition(left, unit), left.span.to(unit.span))
        }
        return left
    }

    /// After `/` or `*`: a name or a parenthesised group, with no space before it.
    private func unitFollowsDirectly() -> Bool {
        guard !tokens[min(pos + 1, tokens.count - 1)].spaceBefore else { return false }
        switch peekKind(1) {
        case .identifier, .punct(.lparen): return true
        default: return false
        }
    }

    private mutating func power(unitOnly: Bool = false) throws(Diagnostic) -> Expr {
        let base = unitOnly ? try primary() : try postfix()
        guard kind == .punct(.caret) || kind == .punct(.starstar) else { return base }
        let op = advance().span
        // The exponent may be negative: `s^-1`.
        let exponent = try nested { p throws(Diagnostic) -> Expr in
            if p.kind == .punct(.minus) {
                let start = p.advance().span
                let e = try p.power()
                return Expr(.unary(.negate, e), start.to(e.span))
            }
            return try p.power()
        }
        return Expr(.binary(.pow, base, exponent, op: op), base.span.to(exponent.span))
    }

    private mutating func postfix() throws(Diagnostic) -> Expr {
        var e = try primary()
        while true {
            switch kind {
            case .punct(.lparen):
                e = try call(e)
            case .punct(.dot):
                pos += 1
                let (name, span) = try identifier("field name")
                e = Expr(.field(e, name, nameSpan: span), e.span.to(span))
            case .punct(.lbracket):
                pos += 1
                let index = try expression()
                let close = try expect(.rbracket, "to close the index")
                e = Expr(.index(e, index), e.span.to(close.span))
            case .keyword(.with):
                pos += 1
                guard kind == .punct(.lbrace) else { throw unexpected("`{` after `with`") }
                let (fields, span) = try recordFields()
                e = Expr(.with(e, fields), e.span.to(span))
            default:
                return e
            }
        }
    }

    private mutating func call(_ callee: Expr) throws(Diagnostic) -> Expr {
        pos += 1
        var arguments: [CallArgument] = []
        while !accept(.rparen) {
            try nested { p throws(Diagnostic) in
                if case .identifier(let label) = p.kind, p.peekKind(1) == .punct(.colon) {
                    let labelSpan = p.advance().span
                    p.pos += 1
                    arguments.append(CallArgument(label: label, labelSpan: labelSpan, value: try p.expression()))
                } else {
                    if let named = arguments.last, named.label != nil {
                        throw Diagnostic(.syntax, "a positional argument follows a named one", at: p.tok.span,
                                         hint: "put positional arguments first")
                    }
                    arguments.append(CallArgument(label: nil, labelSpan: nil, value: try p.expression()))
                }
            }
            if !accept(.comma) {
                _ = try expect(.rparen, "or `,` in the argument list")
                break
            }
        }
        return Expr(.call(callee, arguments), callee.span.to(previous.span))
    }

    private mutating func recordFields() throws(Diagnostic) -> ([FieldInit], Span) {
        let open = advance().span
        var fields: [FieldInit] = []
        var seen = SmallNameSet()  // a scan of `fields` alone would make a long record quadratic to parse
        skipNewlines()
        while !accept(.rbrace) {
            let (name, span) = try identifier("field name")
            if !seen.insert(name) {
                throw Diagnostic(.syntax, "field `\(name)` appears twice", at: span)
            }
            _ = try expect(.colon, "after the field name")
            skipNewlines()
            fields.append(FieldInit(name: name, nameSpan: span, value: try expression()))
            let separated = accept(.comma) || kind == .newline
            skipNewlines()
            if !separated, kind != .punct(.rbrace) { throw unexpected("`,` or `}` in the record") }
        }
        return (fields, open.to(previous.span))
    }

    private mutating func primary() throws(Diagnostic) -> Expr {
        let t = tok
        switch t.kind {
        case .number(let v):
            pos += 1
            return Expr(.number(v), t.span)
        case .string(let s):
            pos += 1
            return Expr(.string(s), t.span)
        case .keyword(.true), .keyword(.false):
            pos += 1
            return Expr(.bool(t.kind == .keyword(.true)), t.span)
        case .identifier(let name):
            pos += 1
            return Expr(.name(name), t.span)
        case .punct(.lparen):
            pos += 1
            let inner = try expression()
            if kind == .eof || (kind == .newline && peekKind(1) == .eof) {
                throw Diagnostic(.syntax, "`(` is never closed", at: t.span, hint: "add the missing `)`")
            }
            _ = try expect(.rparen, "to close `(`")
            return Expr(inner.kind, t.span.to(previous.span))
        case .punct(.lbracket):
            pos += 1
            var items: [Expr] = []
            while !accept(.rbracket) {
                items.append(try expression())
                if !accept(.comma) {
                    _ = try expect(.rbracket, "or `,` in the list")
                    break
                }
            }
            return Expr(.list(items), t.span.to(previous.span))
        case .punct(.lbrace):
            let (fields, span) = try recordFields()
            return Expr(.record(fields), span)
        case .keyword(.if):
            pos += 1
            let condition = try expression()
            skipNewlines()
            guard accept(.then) else { throw unexpected("`then` after the condition") }
            skipNewlines()
            let yes = try expression()
            skipNewlines()
            guard accept(.else) else { throw unexpected("`else`: every `if` needs one") }
            skipNewlines()
            let no = try expression()
            return Expr(.ifThen(condition, yes, no), t.span.to(no.span))
        case .keyword(.fn):
            pos += 1
            let (parameters, restSpan) = try parameterList()
            if let restSpan {
                throw Diagnostic(.syntax, "only a `native fn` can take any named arguments (`...`)", at: restSpan)
            }
            _ = try expect(.assign, "before the function's body")
            let body = try expression()
            let clauses = try whereClauses(parameters: parameters)
            let decl = FunctionDecl(name: "fn", nameSpan: t.span, parameters: parameters, body: body,
                                    clauses: clauses, doc: nil, span: t.span.to(clauses.last?.value.span ?? body.span))
            return Expr(.lambda(decl), decl.span)
        case .keyword(.where):
            throw misplacedWhere()
        case .keyword(.and) where previous.kind == .newline:
            throw unexpected("an expression", hint: "a line cannot start with `and` unless it adds a where clause "
                             + "(`and name = …`); to continue a condition, end the line before with `and`")
        default:
            throw unexpected("an expression")
        }
    }
}
