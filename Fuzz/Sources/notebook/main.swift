import CFuzzerDriver
import Foundation
import FuzzSupport
import KVNotebook

/// bytes → a .kvnb parsed, run (keep going past errors, so every cell runs) and rendered to Markdown and HTML in
/// memory. Nothing is written to disk.
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    let source = text(data, size)
    let notebook: Notebook
    do { notebook = try NotebookParser.parse(source, path: "/fuzz/fuzz.kvnb") } catch { return 0 }
    guard let run = try? NotebookRunner(keepGoing: true).run(notebook) else { return 0 }
    _ = Rendering.markdown(notebook, run, pagePath: "/fuzz/fuzz.md")
    _ = Rendering.html(notebook, run)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
