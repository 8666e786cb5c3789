import Synchronization

/// Ctrl-C during an evaluation. A signal handler may only store to memory that is safe to touch from it, so the
/// flag is one process-wide atomic: the handler stores `true`, and the interpreter reads it at every call and stops
/// there with an "interrupted" error. A process runs one evaluation at a time, so one flag serves every session.
public enum Interrupt {
    private static let requested = Atomic<Bool>(false)

    /// Asks the running evaluation to stop (async-signal-safe: a single atomic store).
    public static func request() { requested.store(true, ordering: .relaxed) }

    /// Forgets a request, e.g. one left from before a new statement started.
    public static func clear() { requested.store(false, ordering: .relaxed) }

    /// Whether a stop was requested, clearing the request.
    static func take() -> Bool {
        requested.load(ordering: .relaxed) && requested.exchange(false, ordering: .relaxed)
    }
}
