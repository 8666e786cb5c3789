/// Where the REPL's lines come from: libedit on a terminal, plain stdin, or a script in tests.
public protocol LineReader: AnyObject {
    /// Reads one line, showing `prompt` where the reader shows prompts.
    func read(prompt: String) -> ReadResult
    /// Offers a finished entry (possibly several lines) to the reader's in-memory history, for Up and Ctrl-R.
    func remember(_ entry: String)
}

public enum ReadResult: Equatable, Sendable {
    case line(String)
    /// Ctrl-C at the prompt: drop what was typed, keep the session.
    case interrupted
    /// Ctrl-D or the end of input: leave.
    case end
    /// Input that cannot be a program (a NUL byte, a line over the cap): reported, and the REPL stops reading.
    case failed(String)
}
