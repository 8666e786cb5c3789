import Foundation
import KVLang
import KVRuntime
import KVNotebook

/// The `:commands`: help, listings, notebooks in and out, reset, quit.
extension Repl {
    /// Runs a `:command` line; false for `:quit`.
    func command(_ line: String) -> Bool {
        let command: ReplCommand
        do throws(ReplCommand.ParseError) {
            command = try ReplCommand.parse(line)
        } catch {
            switch error {
            case .unknown(let word):
                fail("unknown command `:\(word)`; the commands are " + ReplCommand.names.map { ":" + $0 }
                    .joined(separator: ", "))
            case .ambiguous(let word, let names):
                fail("`:\(word)` could be " + names.map { ":" + $0.rawValue }.joined(separator: " or "))
            }
            return true
        }
        let describer = Describer(session: session)
        let argument = command.argument
        switch command.name {
        case .help:
            if argument.isEmpty { output.out(Describer.overview); break }
            describe(argument, describer.help)
        case .info:
            guard !argument.isEmpty else { fail("usage: \(command.name.usage.syntax)"); break }
            describe(argument, describer.info)
        case .list:
            if argument.isEmpty {
                output.out(ListCategory.allCases.map(describer.list).joined(separator: "\n\n"))
            } else if let category = ListCategory(rawValue: argument) {
                output.out(describer.list(category))
            } else {
                fail("cannot list `\(argument)`; choose one of "
                     + ListCategory.allCases.map(\.rawValue).joined(separator: ", "))
            }
        case .save:
            guard !argument.isEmpty else { fail("usage: \(command.name.usage.syntax)"); break }
            save(to: argument)
        case .load:
            guard !argument.isEmpty else { fail("usage: \(command.name.usage.syntax)"); break }
            load(argument)
        case .reset:
            do throws(Diagnostic) {
                replaceSession(try Session())
                output.out(style.dim("session reset: only the standard library is defined"))
            } catch {
                report(error)
            }
        case .quit:
            return false
        }
        return true
    }

    private func describe(_ name: String, _ text: (Describer.Named) -> String) {
        let describer = Describer(session: session)
        let found = describer.lookup(name)
        if found.isEmpty { fail(describer.unknown(name)); return }
        output.out(found.map(text).joined(separator: "\n\n"))
    }

    static func url(_ path: String) -> URL {
        URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
    }

    /// Writes the successful entries as a notebook; `.kvnb` is added when the name has no extension. A name that
    /// is no file (`.`, `..`, a folder), another extension, or a notebook this session loaded (whose prose the
    /// cells-only save would erase) is refused.
    private func save(to path: String) {
        let expanded = (path as NSString).expandingTildeInPath
        let last = expanded.split(separator: "/").last.map(String.init) ?? ""
        guard !expanded.hasSuffix("/"), last != ".", last != ".." else {
            fail("cannot save to \(path): name a file, such as session.kvnb")
            return
        }
        let name = (last as NSString).pathExtension.isEmpty ? expanded + ".kvnb" : expanded
        guard (name as NSString).pathExtension == "kvnb" else {
            fail("cannot save to \(path): a session is saved as a notebook, NAME.kvnb")
            return
        }
        let target: OutputTarget
        do throws(OutputTarget.Refusal) { target = try OutputTarget.resolve(name, inputs: loadedNotebooks) } catch {
            fail("cannot save to \(error.path): \(error.reason)")
            return
        }
        do throws(AtomicFile.Failure) {
            try OutputTarget.write(NotebookFile.render(cells: SessionCells.cells(entries)), to: target)
        } catch {
            fail(error.description)
            return
        }
        let count = entries.count
        output.out(style.dim("saved \(count) entr\(count == 1 ? "y" : "ies") to \(name)"))
    }

    /// Runs a script, or a notebook's kv cells, into the session as one transaction: if any part fails, nothing
    /// of the file stays. What succeeds joins the entries `:save` writes.
    private func load(_ path: String) {
        let url = Repl.url(path)
        // Read as notebooks are (CRLF and a BOM normalised, size capped), scripts too.
        let text: String
        do throws(NotebookError) { text = try NotebookSource.read(url.path) } catch {
            fail(error.line > 0 ? error.rendered : "cannot read \(url.path): \(error.message)")
            return
        }
        if url.pathExtension == "kvnb" { loadedNotebooks.append(url.path) }
        let cells: [NotebookFile.Cell]
        if url.pathExtension == "kvnb" {
            // The cells that run: not `skip` ones, nor `expect-error` ones, which fail by design.
            do throws(NotebookError) {
                cells = try NotebookParser.parse(text, path: path).cells
                    .filter { !$0.options.skip && $0.options.expectError == nil }
                    .map { NotebookFile.Cell(text: $0.code, lineOffset: $0.fenceLine) }
            } catch {
                fail(error.rendered)
                return
            }
        } else {
            cells = [NotebookFile.Cell(text: text, lineOffset: 0)]
        }
        let before = session.interpreter.snapshot()
        // Paths in the file resolve against its folder, as when it runs on its own.
        let base = session.baseDirectory
        session.baseDirectory = Session.folder(of: (path as NSString).expandingTildeInPath)
        defer { session.baseDirectory = base }
        var loaded: [Entry] = []
        do throws(Diagnostic) {
            for cell in cells {
                let values = try session.run(SourceFile(name: path, text: cell.text, lineOffset: cell.lineOffset))
                values.forEach(show)
                // Each cell is an entry, as if typed: its last value is `ans` for the next.
                if let last = values.last { session.interpreter.bind("ans", last) }
                loaded.append(Entry(text: cell.text, hasValue: !values.isEmpty))
            }
        } catch {
            session.interpreter.restore(before)
            report(error)
            fail("nothing from \(path) was kept")
            return
        }
        entries += loaded
        output.out(style.dim("loaded \(path)"))
    }
}
