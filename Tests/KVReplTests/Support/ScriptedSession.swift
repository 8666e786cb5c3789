import Foundation
import KVLang
import KVRuntime
import KVRepl
import XCTest

/// A REPL driven by a script of lines, with everything it shows (prompts, echoed lines, results, errors) collected
/// into one transcript, as a terminal would show it.
final class ScriptedSession {
    private(set) var transcript = ""
    let repl: Repl
    let reader: ScriptedReader

    init(_ lines: [String], history: History? = nil) {
        let box = TranscriptBox()
        reader = ScriptedReader(lines) { box.text += $0 }
        let output = ReplOutput(out: { box.text += ReplOutput.terminated($0) },
                                err: { box.text += ReplOutput.terminated($0) })
        repl = Repl(session: ScriptedSession.freshSession(), reader: reader, output: output,
                    configuration: Repl.Configuration(history: history))
        repl.run()
        transcript = box.text
    }

    static func freshSession() -> Session {
        do { return try Session() } catch {
            fatalError("stdlib failed to load: \(DiagnosticRenderer().render(error))")
        }
    }

    private final class TranscriptBox {
        var text = ""
    }
}

/// A fresh temporary directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvrepl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}
