/// `where` clauses: local names after a function's body, Numbat's syntax.
///
///     fn kv(m, n) = per * n
///       where bytes = 2 B/token
///         and per = 2 * m.layers * m.kv_heads * m.head_dim * bytes
///
/// Clauses are evaluated in order, so each sees the parameters and the clauses before it (the resolver enforces
/// this). `where` and each `and name =` may begin a new line: neither can begin a statement, so looking past line
/// ends for them changes the meaning of no program that parsed before.
extension Parser {
    mutating func whereClauses(parameters: [Parameter]) throws(Diagnostic) -> [WhereClause] {
        guard let whereAt = indexBeyondNewlines(pos), tokens[whereAt].kind == .keyword(.where) else { return [] }
        pos = whereAt + 1
        var keyword = tokens[whereAt].span
        let parameterNames = Set(parameters.map(\.name))
        var clauses: [WhereClause] = []
        var seen: [String: Span] = [:]  // a scan of `clauses` instead would make many clauses quadratic
        while true {
            skipNewlines()
            guard case .identifier(let name) = kind else {
                if case .keyword(let k) = kind, k != .where, k != .and {
                    throw Diagnostic(.syntax, "`\(k.rawValue)` is a keyword, not a name", at: tok.span,
                                     hint: "choose another name for the where clause")
                }
                throw Diagnostic(.syntax, "expected `name = value` after `\(keyword.text)`, found \(kind)",
                                 at: keyword, hint: "`fn f(x) = y * 2 where y = x + 1`")
            }
            let nameSpan = tok.span
            pos += 1
            if parameterNames.contains(name) {
                throw Diagnostic(.name, "`\(name)` is a parameter; a where clause cannot redefine it", at: nameSpan,
                                 hint: "choose another name for the clause",
                                 notes: parameters.filter { $0.name == name }.map { ("the parameter", $0.span) })
            }
            if let first = seen[name] {
                throw Diagnostic(.name, "`\(name)` is defined twice in this where clause", at: nameSpan,
                                 hint: "rename one of them", notes: [("first defined here", first)])
            }
            seen[name] = nameSpan
            guard accept(.assign) else {
                throw unexpected("`=` after `\(name)` in the where clause", hint: "`where \(name) = …`")
            }
            skipNewlines()
            let value = try expression()
            clauses.append(WhereClause(name: name, nameSpan: nameSpan, value: value))
            if case .identifier = kind, peekKind(1) == .punct(.assign) {
                throw unexpected("`and` between where clauses", hint: "`where a = 1 and b = 2`")
            }
            guard let next = indexBeyondNewlines(pos), andBeginsClause(at: next) else { return clauses }
            keyword = tokens[next].span
            pos = next + 1
        }
    }

    /// Whether the token at `i` is an `and` that adds a where clause: `and`, then (past line ends) `name =`.
    /// `=` never follows a name inside an expression, so such an `and` cannot be the boolean operator.
    func andBeginsClause(at i: Int) -> Bool {
        guard tokens[i].kind == .keyword(.and), let j = indexBeyondNewlines(i + 1), j + 1 < tokens.count,
              case .identifier = tokens[j].kind else { return false }
        return tokens[j + 1].kind == .punct(.assign)
    }

    /// The first token at or after `i` that is not a line end; nil at the end of input.
    private func indexBeyondNewlines(_ i: Int) -> Int? {
        var j = i
        while j < tokens.count, tokens[j].kind == .newline { j += 1 }
        return j < tokens.count && tokens[j].kind != .eof ? j : nil
    }

    /// `where` anywhere but after a function's body.
    func misplacedWhere() -> Diagnostic {
        Diagnostic(.syntax, "`where` belongs to a function: it names values after the function's body", at: tok.span,
                   hint: "write `fn f(x) = y * 2 where y = x + 1`; at the top level, bind the name first with "
                       + "`let`; in the REPL, keep `where` on the body's line or end that line with `where`")
    }
}
