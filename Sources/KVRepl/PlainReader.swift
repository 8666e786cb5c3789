#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines from stdin when it is not a terminal (a pipe, a file): no prompt, no editing, no history. Reads in
/// chunks with a cap on the line length, so `kvcalc repl < /dev/zero` stops with an error instead of growing
/// without bound; a NUL byte or bytes that are not UTF-8 are binary input, not a program. CRLF line ends and a
/// leading byte-order mark are accepted.
public final class PlainReader: LineReader {
    public static let maxLineBytes = 1 << 20

    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Where the unread part of `buffer` starts, and how far it has been searched for a newline.
    private var start = 0, searched = 0
    private var atEnd = false, firstLine = true
    private var lineNumber = 0

    public init(fileDescriptor: Int32 = 0) { fd = fileDescriptor }

    public func read(prompt: String) -> ReadResult {
        while true {
            // A NUL is reported where it is found, not after a megabyte of /dev/zero.
            if let stop = buffer[searched...].firstIndex(where: { $0 == 0x0A || $0 == 0 }) {
                guard buffer[stop] == 0x0A else {
                    start = buffer.count
                    return .failed("line \(lineNumber + 1) of the input holds a NUL byte: binary input, not a program "
                                   + "(stopped reading)")
                }
                let newline = stop
                guard newline - start <= Self.maxLineBytes else { return tooLong() }
                let line = Array(buffer[start..<newline])
                start = newline + 1
                searched = start
                return decode(line)
            }
            searched = buffer.count
            if atEnd {
                guard start < buffer.count else { return .end }
                let line = Array(buffer[start...])
                start = buffer.count
                return decode(line)
            }
            if buffer.count - start > Self.maxLineBytes { return tooLong() }
            fill()
        }
    }

    public func remember(_ entry: String) {}

    private func tooLong() -> ReadResult {
        start = buffer.count
        return .failed("line \(lineNumber + 1) of the input is longer than \(Self.maxLineBytes >> 20) MiB: not a program? "
                       + "(stopped reading)")
    }

    private func fill() {
        if start > 0, start == buffer.count || start > 1 << 16 {
            buffer.removeFirst(start)
            searched -= start
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { atEnd = true; return }
            buffer += chunk[..<n]
            return
        }
    }

    private func decode(_ raw: [UInt8]) -> ReadResult {
        lineNumber += 1
        var bytes = raw[...]
        if firstLine, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        firstLine = false
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        if bytes.contains(0) {  // the last line, with no newline after it
            return .failed("line \(lineNumber) of the input holds a NUL byte: binary input, not a program (stopped reading)")
        }
        guard let line = String(validating: bytes, as: UTF8.self) else {
            return .failed("line \(lineNumber) of the input is not valid UTF-8 (stopped reading)")
        }
        return .line(line)
    }
}

/// `read(2)`, out of reach of the method of that name.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
