import ArgumentParser
import KVLang
import KVRuntime

/// `kvcalc eval [--json] EXPR`: evaluates an expression with the stdlib loaded and prints its value.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate an expression and print its value.",
        discussion: """
            Examples:
              kvcalc eval '64 GiB / (160 KiB/token)'
              kvcalc eval --json '2 GiB'      # {"value":2147483648,"unit":"B"}
            """
    )

    @Flag(help: "Print the value as JSON: a quantity is {\"value\": V, \"unit\": \"U\"} in base units.")
    var json = false

    @Argument(parsing: .allUnrecognized, help: "The expression (quote it for the shell).")
    var expression: [String] = []

    func validate() throws {
        if expression.isEmpty { throw ValidationError("Missing the expression to evaluate.") }
    }

    func run() throws {
        try Self.evaluate(expression.joined(separator: " "), json: json)
    }

    /// What `run` does; `PlainEval` calls it without a parsed command.
    static func evaluate(_ expression: String, json: Bool) throws(ProgramFailed) {
        let session = try ProgramRunner.makeSession()
        try ProgramRunner(session: session, json: json).run(SourceFile(name: "<eval>", text: expression))
    }
}
