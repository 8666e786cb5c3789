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
        try Self.execute(file: file)
    }

    /// What `run` does; `PlainCommandLine` calls it without a parsed command.
    static func execute(file: String?) throws {
        let session = try ProgramRunner.makeSession()
        let runner = ProgramRunner(session: session)
        if let file {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw ValidationError("Cannot read '\(file)'.")
            }
            defer { try? handle.close() }
            session.baseDirectory = Session.folder(of: file)
            try runner.run(SourceFile(name: file, text: try read(handle, name: file)))
        } else if Terminal.isTTY(0) {
            REPLLauncher.run(session: session)
        } else {
            try runner.run(SourceFile(name: "<stdin>", text: try read(FileHandle.standardInput, name: "<stdin>")))
        }
    }

    /// Reads at most one byte past the size limit, so a huge file (or an endless pipe) is refused without being
    /// read into memory.
    static func read(_ handle: FileHandle, name: String) throws -> String {
        var data = Data()
        while data.count <= SourceFile.maxBytes {
            guard let chunk = try handle.read(upToCount: min(1 << 20, SourceFile.maxBytes + 1 - data.count)),
                  !chunk.isEmpty else { break }
            data.append(chunk)
        }
        if data.count > SourceFile.maxBytes {
            Terminal.writeError("\(name): error: the program is larger than the limit of \(SourceFile.maxBytes >> 20) MiB")
            throw ProgramFailed()
        }
        return String(decoding: data, as: UTF8.self)
    }
}
