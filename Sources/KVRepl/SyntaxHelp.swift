/// `:help where`, `:help fn`…: the language's keywords, which have no `##` documentation to read them from.
/// The README's language tour says the same at more length.
enum SyntaxHelp {
    static let topics: [String: String] = [
        "fn": """
            fn name(a, b = default) = expression
            Defines a function; `fn(x) = …` alone is a function value (a lambda): map(xs, fn(x) = x * 2).
            A default may use the parameters before it. Named steps go in `where` clauses (:help where).
            """,
        "where": """
            fn name(params) = body where a = value and b = value
            Names steps of a function (or a lambda): each clause sees the parameters and the clauses before it;
            the body sees them all. Clauses are evaluated in order on every call, before the body.
              fn kv(m, n) = per * n
                where bytes = 2 B/token
                  and per = 2 * m.layers * m.kv_heads * m.head_dim * bytes
            In scripts and notebooks `where` and `and` may begin a line; in the REPL keep `where` on the body's
            line or end that line with `where` or `and`. A clause may not reuse a parameter's name, repeat a
            name, or go unused. Only functions have them: at the top level, use `let`.
            """,
        "and": """
            a and b: true when both are (b is not evaluated when a is false).
            and name = value: another where clause (:help where).
            """,
        "let": """
            let name = expression   (or just name = expression)
            Names a value at the top level. Inside a function, name steps with `where` (:help where).
            """,
        "if": """
            if condition then a else b
            Every `if` needs an `else`; the condition must be true or false.
            """,
        "with": """
            record with {field: value, …}
            A copy of the record with those fields changed: llama3_8b with {layers: 40}.
            """,
        "->": """
            value -> unit   (or value to unit)
            Converts to the unit and prints in it: 8 Ki tokens * kv_per_token(llama3_8b) -> GiB.
            """,
    ]
}
