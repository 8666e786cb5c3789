import KVLang

/// A plain line-by-line REPL on a terminal. Each entry is one transaction: a failed entry changes nothing.
/// Line editing, history and completion come with the libedit REPL (issue 5).
struct LineREPL {
    let session: Session

    func run() throws {
        print("kvcalc \(KVCalc.version) — type an expression; Ctrl-D quits.")
        let renderer = DiagnosticRenderer(color: Terminal.wantsColor(2))
        var entry = 0
        while true {
            print("> ", terminator: "")
            guard let line = readLine() else { print(); return }
            entry += 1
            do {
                for value in try session.runAtomically(SourceFile(name: "<repl:\(entry)>", text: line)) {
                    print(session.formatter.format(value))
                }
            } catch {
                Terminal.writeError(renderer.render(error))
            }
        }
    }
}
