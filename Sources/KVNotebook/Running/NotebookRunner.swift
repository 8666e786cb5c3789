import KVLang
import KVRuntime

/// Runs a notebook in a fresh session: cells top to bottom in one environment, inline expressions where they
/// stand. Without `keepGoing` the run stops at the first unexpected error; what follows is not run.
public struct NotebookRunner {
    public var overrides: [ParameterOverride]
    public var keepGoing: Bool

    public init(overrides: [ParameterOverride] = [], keepGoing: Bool = false) {
        self.overrides = overrides
        self.keepGoing = keepGoing
    }

    /// Throws only for the session itself failing to start or an override that cannot apply; the notebook's own
    /// errors are in the result.
    public func run(_ notebook: Notebook) throws(ParameterError) -> NotebookRun {
        let session: Session
        do { session = try Session() } catch {
            throw ParameterError(message: "internal error loading the standard library: \(error.message)")
        }
        session.baseDirectory = Session.folder(of: notebook.path)
        var given: Set<String> = []
        for o in overrides where !given.insert(o.name).inserted {
            throw ParameterError(message: "-p \(o.name) is given twice")
        }
        let known = notebook.parameters.map(Self.parameterNames) ?? []
        for o in overrides where !known.contains(o.name) {
            let list = notebook.parameters == nil ? "this notebook has no `kv params` cell"
                : known.isEmpty ? "its `kv params` cell defines none" : "its parameters: \(known.joined(separator: ", "))"
            throw ParameterError(message: "-p \(o.name): no such parameter (\(list))")
        }
        var run = NotebookRun(formatter: session.formatter)
        var stopped = false
        for block in notebook.blocks {
            switch block {
            case .prose(let segments):
                for case .inline(let e) in segments where !stopped {
                    let outcome = evaluate(e, notebook: notebook, session: session)
                    run.inline[NotebookRun.InlineKey(e)] = outcome
                    if case .failed(let message) = outcome {
                        run.errors.append(message)
                        stopped = !keepGoing
                        run.stopped = stopped
                    }
                }
            case .cell(let cell):
                guard !stopped else { continue }
                let outcome = cell.isParameters
                    ? try parameters(cell, notebook: notebook, session: session, run: &run)
                    : self.cell(cell, notebook: notebook, session: session)
                run.cells[cell.number] = outcome
                if case .failed(_, let message) = outcome {
                    run.errors.append(message)
                    stopped = !keepGoing
                    run.stopped = stopped
                    if stopped { run.stoppedAtCell = cell.number }
                }
            }
        }
        return run
    }

    private static func parameterNames(_ cell: Cell) -> [String] {
        guard let program = try? Parser.parse(SourceFile(name: "", text: cell.code)) else { return [] }
        return program.statements.compactMap { if case .binding(let n, _, _, _, _) = $0 { return n } else { return nil } }
    }

    private func source(_ cell: Cell, _ notebook: Notebook) -> SourceFile {
        SourceFile(name: notebook.name, text: cell.code, lineOffset: cell.fenceLine)
    }

    private func cell(_ cell: Cell, notebook: Notebook, session: Session) -> NotebookRun.Outcome {
        if cell.options.skip { return .skipped }
        nonisolated(unsafe) var values: [Value] = []
        do {
            try session.run(source(cell, notebook)) { values.append($0) }
        } catch {
            let rendered = DiagnosticRenderer().render(error)
            guard let expected = cell.options.expectError else { return .failed(values, rendered) }
            guard expected.substring.isEmpty || error.message.contains(expected.substring) else {
                return .failed(values, "\(notebook.name):\(cell.fenceLine): error: cell \(cell.name) was to fail "
                               + "with an error containing \"\(expected.substring)\", but failed with:\n\(rendered)")
            }
            return .expectedError(values, rendered)
        }
        if let expected = cell.options.expectError {
            let what = expected.substring.isEmpty ? "an error" : "an error containing \"\(expected.substring)\""
            return .failed(values, "\(notebook.name):\(cell.fenceLine): error: cell \(cell.name) was to fail with "
                           + "\(what) (expect-error), but it ran without one")
        }
        return .values(values)
    }

    /// The `kv params` cell, one assignment at a time, so an override replaces its default before later
    /// parameters use it.
    private func parameters(_ cell: Cell, notebook: Notebook, session: Session,
                            run: inout NotebookRun) throws(ParameterError) -> NotebookRun.Outcome {
        do {
            let program = try Parser.parse(source(cell, notebook))
            var seen: Set<String> = []
            for statement in program.statements {
                guard case .binding(let name, let nameSpan, let valueExpr, _, _) = statement else {
                    throw Diagnostic(.syntax, "a `kv params` cell holds only assignments (`name = value`)",
                                     at: statement.span)
                }
                // A second default would silently win over the first (and `-p` would replace only one).
                guard seen.insert(name).inserted else {
                    throw Diagnostic(.syntax, "the parameter `\(name)` is given twice in the `kv params` cell",
                                     at: nameSpan)
                }
                guard let override = overrides.last(where: { $0.name == name }) else {
                    try session.execute(statement)
                    if let value = session.interpreter.globals[name] {
                        run.parameters.append(.init(name: name, value: value, overridden: false))
                    }
                    continue
                }
                guard let fallback = try session.execute(.expression(valueExpr)) else { continue }
                let value = try overrideValue(override, like: fallback, session: session)
                try session.define(name, value, at: nameSpan)
                run.parameters.append(.init(name: name, value: value, overridden: true))
            }
        } catch let error as Diagnostic {
            return .failed([], DiagnosticRenderer().render(error))
        } catch let error as ParameterError {
            throw error
        } catch {
            throw ParameterError(message: "\(error)")
        }
        return .values([])
    }

    private func overrideValue(_ o: ParameterOverride, like fallback: Value,
                               session: Session) throws(ParameterError) -> Value {
        let values: [Value]
        do { values = try session.run(SourceFile(name: "-p \(o.name)", text: o.expression)) } catch {
            throw ParameterError(message: DiagnosticRenderer().render(error))
        }
        guard let value = values.last else { throw ParameterError(message: "-p \(o.name): `\(o.expression)` has no value") }
        let units = session.interpreter.units
        switch (fallback, value) {
        case (.quantity(let a), .quantity(let b)) where a.dimension != b.dimension:
            throw ParameterError(message: "-p \(o.name): `\(o.expression)` is \(units.name(of: b.dimension)), but the "
                                 + "default (\(session.formatter.cell(fallback))) is \(units.name(of: a.dimension))")
        case (.quantity, .quantity): return value
        default:
            guard fallback.typeName == value.typeName else {
                throw ParameterError(message: "-p \(o.name): `\(o.expression)` is \(value.typeName), but the default "
                                     + "is \(fallback.typeName)")
            }
            return value
        }
    }

    private func evaluate(_ e: InlineExpression, notebook: Notebook, session: Session) -> NotebookRun.InlineOutcome {
        // Spaces before the code keep the column of an error where the expression stands in the notebook.
        let file = SourceFile(name: notebook.name, text: String(repeating: " ", count: e.column - 1) + e.code,
                              lineOffset: e.line - 1)
        do {
            // An inline is one expression: a `let` in prose would bind a name no code cell shows.
            let program = try BigStack.run { () throws(Diagnostic) in try Parser.parse(file) }
            guard program.statements.count == 1, case .expression = program.statements[0] else {
                return .failed("\(notebook.name):\(e.line):\(e.column): error: an inline `{kv}` is one expression "
                               + "(`{kv} batch * 2`), not a declaration or several statements: bind names in a kv cell")
            }
            guard let value = try session.execute(program.statements[0]) else {
                return .failed("\(notebook.name):\(e.line):\(e.column): error: an inline `{kv}` expression must have a value")
            }
            return .value(value)
        } catch {
            return .failed(DiagnosticRenderer().render(error))
        }
    }
}
