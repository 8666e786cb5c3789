/// `kvcalc eval EXPR` and `kvcalc eval --json EXPR` in their plainest form, recognised without ArgumentParser.
///
/// ArgumentParser's parse is a third of `kvcalc eval 1` (~10 M of ~31 M instructions, nearly all of it Swift's
/// first-time protocol-conformance lookups, which scan every conformance record of this static binary), and the
/// one-shot `eval` is what scripts and benchmarks run in loops. Only argument lists whose meaning cannot differ are
/// taken here: the subcommand, an optional `--json`, then exactly one non-empty argument that does not start with
/// `-`. Everything else — help, other options, `--`, several words, a leading minus — goes through ArgumentParser
/// as before. `PlainEvalTests` checks that both readings agree on every shape this accepts.
enum PlainEval {
    /// The expression and whether `--json` was given, or nil when ArgumentParser must read the arguments.
    static func recognise(_ arguments: [String]) -> (expression: String, json: Bool)? {
        guard arguments.first == "eval" else { return nil }
        var rest = arguments.dropFirst()
        let json = rest.first == "--json"
        if json { rest = rest.dropFirst() }
        guard rest.count == 1, let expression = rest.first, let first = expression.utf8.first,
              first != UInt8(ascii: "-") else { return nil }
        return (expression, json)
    }
}
