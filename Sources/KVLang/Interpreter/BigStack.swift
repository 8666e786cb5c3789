import Foundation

/// Runs work on a thread with a large stack. The parser and the interpreter recurse on nesting; their depth
/// limits keep them far inside this stack on any input, whatever the caller's own stack is (a secondary
/// thread's can be as small as 512 KiB).
public enum BigStack {
    static let size = 1 << 30  // virtual; only the pages touched are committed

    /// The caller blocks until the work is done, so nothing runs concurrently with it.
    private final class Job<T>: @unchecked Sendable {
        let body: () throws(Diagnostic) -> T
        var result: Result<T, Diagnostic>?
        init(_ body: @escaping () throws(Diagnostic) -> T) { self.body = body }
    }

    public static func run<T>(_ body: @escaping () throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        let job = Job(body)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do throws(Diagnostic) { job.result = .success(try job.body()) } catch { job.result = .failure(error) }
            done.signal()
        }
        thread.stackSize = size
        thread.start()
        done.wait()
        switch job.result {
        case .success(let v)?: return v
        case .failure(let e)?: throw e
        case nil: throw Diagnostic(.limit, "evaluation thread ended without a result", at: .none)
        }
    }
}
