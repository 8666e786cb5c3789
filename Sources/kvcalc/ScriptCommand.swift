import ArgumentParser
import Foundation
import KVLang
import KVRuntime

/// `kvcalc [FILE.kv]`: runs a script; with no file, the REPL on a terminal, or a program read from stdin.
struct ScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script",
        abstract: "Run a script (the default): kvcalc FILE.kv. With no FILE: the REPL on a terminal, else stdin."
    )

    @Argument(help: "A kvcalc script (.kv) to run.")
    var file: String?

    func run() throws {
        let session = try ProgramRunner.makeSession()
        let runner = ProgramRunner(session: session)
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("Cannot read '\(file)'.")
            }
            session.baseDirectory = Session.folder(of: file)
            try runner.run(SourceFile(name: file, text: String(decoding: data, as: UTF8.self)))
        } else if Terminal.isTTY(0) {
            REPLLauncher.run(session: session)
        } else {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            try runner.run(SourceFile(name: "<stdin>", text: String(decoding: data, as: UTF8.self)))
        }
    }
}
