import KVLang
import KVEngine

/// engine_log(path, strict): a vLLM or SGLang start-up log as a record of what it states (stdlib/serving.kv).
enum EngineLogBuiltins {
    static let specs: [BuiltinSpec] = [
        BuiltinSpec("engine_log", [ParameterSpec("path", .path), ParameterSpec("strict", .bool)]) { a throws(Diagnostic) in
            let path = a.interpreter.resolvePath(try a.string("path")), strict = try a.bool("strict")
            let log: EngineLog
            do throws(EngineLogError) { log = try EngineLog.read(path: path, strict: strict) } catch {
                throw diagnostic(error, a)
            }
            return .record(record(log, a.interpreter))
        },
    ]

    static func record(_ log: EngineLog, _ i: Interpreter) -> Record {
        var r = Record()
        r["engine"] = .string(log.engine.rawValue)
        for (field, value) in log.stated {
            switch value {
            case .bytes(let b): r[field.rawValue] = i.bytes(b)
            case .tokens(let n): r[field.rawValue] = i.tokens(Double(n))
            case .count(let n): r[field.rawValue] = .number(Double(n))
            case .number(let x): r[field.rawValue] = .number(x)
            case .text(let s): r[field.rawValue] = .string(s)
            case .flag(let b): r[field.rawValue] = .bool(b)
            }
        }
        // Only when not strict (strict reading stops at the first); "line:col: what: text".
        if !log.unparsed.isEmpty {
            r["unparsed"] = .list(log.unparsed.map { .string($0.description) })
        }
        return r
    }

    /// A line at fault is shown as the log's own line (file:line:col, the line, a caret at the column), with a
    /// note at the call; a file that cannot be read at all is an i/o error at the path argument.
    static func diagnostic(_ e: EngineLogError, _ a: Arguments) -> Diagnostic {
        guard let line = e.line, let text = e.lineText else {
            return a.error("\(e.path): \(e.message)", at: "path", kind: .io)
        }
        let file = SourceFile(name: e.path, text: text, lineOffset: line - 1)
        // The column counts characters; the span wants a byte offset into the shown text.
        let offset = String(text.prefix(max(0, (e.column ?? 1) - 1))).utf8.count
        return Diagnostic(.engine, e.message, at: Span(file: file, start: offset, end: offset + 1),
                          hint: "engine_log(…, strict: false) reads the other lines and lists such lines in `unparsed`",
                          notes: [("in this call to engine_log", a.span("path"))])
    }
}
