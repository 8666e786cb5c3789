import Foundation

/// Where the REPL writes: results to `out`, errors to `err`. A terminal session uses stdout and stderr; tests
/// collect both into one transcript.
public struct ReplOutput {
    public var out: (String) -> Void
    public var err: (String) -> Void

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// stdout and stderr, each line flushed at once so results show before the next prompt.
    public static var standard: ReplOutput {
        ReplOutput(
            out: { FileHandle.standardOutput.write(Data(ReplOutput.terminated($0).utf8)) },
            err: { FileHandle.standardError.write(Data(ReplOutput.terminated($0).utf8)) }
        )
    }

    /// The text with the newline it may lack: outputs are written as whole lines.
    public static func terminated(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }
}

/// ANSI styling, or none: with colour off every function returns its text unchanged.
public struct Style: Sendable {
    public let color: Bool

    public init(color: Bool) { self.color = color }

    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func accent(_ s: String) -> String { wrap(s, "36") }
    func warning(_ s: String) -> String { wrap(s, "33") }

    private func wrap(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}
