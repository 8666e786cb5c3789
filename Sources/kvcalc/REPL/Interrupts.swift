import Glibc
import KVLang
import KVRuntime
import Synchronization

/// Ctrl-C in the REPL. At the prompt it drops the line; during an evaluation it asks the interpreter to stop at its
/// next call. Either way the process stays. The handler only stores flags: that is all a signal handler may do.
enum Interrupts {
    private static let line = Atomic<Bool>(false)
    /// Whether libedit is reading a line (it then echoes nothing; the reader prints `^C`).
    private static let reading = Atomic<Bool>(false)

    static func install() {
        var action = sigaction()
        action.__sigaction_handler = unsafeBitCast(
            { (_: Int32) in
                Interrupts.line.store(true, ordering: .relaxed)
                KVLang.Interrupt.request()
                // During an evaluation the terminal has echoed `^C`: end that line before the error shows.
                if !Interrupts.reading.load(ordering: .relaxed) { _ = write(STDOUT_FILENO, "\n", 1) }
            } as @convention(c) (Int32) -> Void,
            to: sigaction.__Unnamed_union___sigaction_handler.self)
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: readline must return so the line can be dropped
        sigaction(SIGINT, &action, nil)
    }

    /// Around libedit's readline: clears a Ctrl-C left from an evaluation.
    static func startReading() {
        line.store(false, ordering: .relaxed)
        reading.store(true, ordering: .relaxed)
    }

    /// After readline returns: whether Ctrl-C dropped the line.
    static func stopReading() -> Bool {
        reading.store(false, ordering: .relaxed)
        return line.exchange(false, ordering: .relaxed)
    }
}
