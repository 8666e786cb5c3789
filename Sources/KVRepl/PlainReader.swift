/// Lines from stdin when it is not a terminal (a pipe, a file): no prompt, no editing, no history.
public final class PlainReader: LineReader {
    public init() {}

    public func read(prompt: String) -> ReadResult {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }

    public func remember(_ entry: String) {}
}
