/// Lines given in advance, for tests. Each line read is echoed after its prompt, as a terminal would show it, so a
/// transcript reads like a session. The line `^C` stands for Ctrl-C; the end of the script is Ctrl-D.
public final class ScriptedReader: LineReader {
    private var lines: [String]
    private let echo: (String) -> Void
    public private(set) var remembered: [String] = []

    public init(_ lines: [String], echo: @escaping (String) -> Void) {
        self.lines = lines.reversed()
        self.echo = echo
    }

    public func read(prompt: String) -> ReadResult {
        guard let line = lines.popLast() else {
            echo(prompt + "^D\n")
            return .end
        }
        echo(prompt + line + "\n")
        return line == "^C" ? .interrupted : .line(line)
    }

    public func remember(_ entry: String) { remembered.append(entry) }
}
