import CFuzzerDriver
import Foundation
import FuzzSupport
import KVNotebook

/// bytes → a .kvnb parsed, run (keep going past errors, so every cell runs) and rendered to Markdown and HTML in
/// memory. Nothing is written to disk.
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    return run(text(data, size))
}

func run(_ source: String) -> CInt {
    let notebook: Notebook
    do { notebook = try NotebookParser.parse(source, path: "/fuzz/fuzz.kvnb") } catch { return 0 }
    guard let run = try? NotebookRunner(keepGoing: true).run(notebook) else { return 0 }
    _ = Rendering.markdown(notebook, run, pagePath: "/fuzz/fuzz.md")
    _ = Rendering.html(notebook, run)
    return 0
}

// One notebook before the driver starts, so the process's one-time allocations (lazily built tables) are not
// charged to the first input by libFuzzer's leak check.
_ = run("# Warm-up\n\n{kv} 1 GiB\n\n```kv params\nb = 2\n```\n\n```kv\nplot(sweep(fn(x) = x * b * 1 GiB, x: 1..3))\n```\n")

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
