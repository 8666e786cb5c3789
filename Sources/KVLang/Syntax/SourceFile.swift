import Foundation

/// A program's text with its name, and the byte offsets where its lines start, so spans map to line:col.
/// Every source is registered under a small id, so spans stay plain values (no reference counting on the
/// interpreter's hot path).
public final class SourceFile: Sendable {
    public let id: Int32
    public let name: String
    public let text: String
    let bytes: [UInt8]
    let lineStarts: [Int]
    /// Added to every line number shown: a notebook cell's line 1 is the notebook's line `lineOffset + 1`.
    public let lineOffset: Int

    /// The offset of the first line longer than `maxLineBytes`, if any; the lexer reports it.
    let overlongLine: Int?

    /// Larger sources are refused with an error (the lexer's), not read into memory token by token.
    public static let maxBytes = 16 << 20
    /// A line longer than this is refused: nothing a person writes is this long, and errors quote the line.
    public static let maxLineBytes = 1 << 20

    /// The text is normalised as it is read: CRLF and lone CR become LF, and a leading byte-order mark is dropped,
    /// so an editor's line endings or encoding marker never change what a program means, and spans point at the
    /// line and column the user sees.
    public init(name: String, text: String, lineOffset: Int = 0) {
        self.name = name
        self.lineOffset = lineOffset
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // memchr, not `contains`: a generic byte loop over the stdlib was a third of a million instructions.
        let hasCR = bytes.withUnsafeBufferPointer { b in
            b.baseAddress.map { memchr($0, Int32(UInt8(ascii: "\r")), b.count) != nil } ?? false
        }
        if bytes.count <= SourceFile.maxBytes, hasCR {
            bytes = SourceFile.normalisedLineEndings(bytes)
        }
        self.bytes = bytes
        self.text = bytes.count == text.utf8.count ? text : String(decoding: bytes, as: UTF8.self)
        var starts = [0]
        var overlong: Int?
        // An oversized source is refused by the lexer at 1:1; indexing its lines would only cost time. Newlines
        // are found with memchr (a byte loop was a twentieth of loading the stdlib).
        if bytes.count <= SourceFile.maxBytes {
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var i = 0
                while i < buffer.count, let hit = memchr(base + i, Int32(UInt8(ascii: "\n")), buffer.count - i) {
                    let nl = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if overlong == nil, nl - starts[starts.count - 1] > SourceFile.maxLineBytes {
                        overlong = starts[starts.count - 1]
                    }
                    starts.append(nl + 1)
                    i = nl + 1
                }
            }
        }
        if overlong == nil, bytes.count <= SourceFile.maxBytes,
           bytes.count - starts[starts.count - 1] > SourceFile.maxLineBytes {
            overlong = starts[starts.count - 1]
        }
        self.overlongLine = overlong
        self.lineStarts = starts
        self.id = SourceRegistry.register()
        SourceRegistry.store(self)
    }

    /// CRLF → LF, then any lone CR → LF.
    static func normalisedLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\r") {
                out.append(UInt8(ascii: "\n"))
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }

    /// 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(max(offset, 0), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let column = String(decoding: bytes[start..<offset], as: UTF8.self).count + 1
        return (lo + 1 + lineOffset, column)
    }

    /// The text of a 1-based line number (as `location` reports it), without its newline.
    public func lineText(_ line: Int) -> String {
        let index = line - 1 - lineOffset
        guard index >= 0, index < lineStarts.count else { return "" }
        let start = lineStarts[index]
        let end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    func slice(_ span: Span) -> String {
        let lo = min(max(span.start, 0), bytes.count), hi = min(max(span.end, lo), bytes.count)
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// Every source file by id. Append-only: spans may outlive the program that made them (REPL history, errors).
enum SourceRegistry {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var files: [SourceFile?] = [nil]

    static func register() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        files.append(nil)
        return Int32(files.count - 1)
    }

    static func store(_ file: SourceFile) {
        lock.lock()
        files[Int(file.id)] = file
        lock.unlock()
    }

    static func file(_ id: Int32) -> SourceFile? {
        guard id > 0 else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return Int(id) < files.count ? files[Int(id)] : nil
    }
}

/// A byte range in a source file. Every token, AST node and diagnostic carries one.
public struct Span: Sendable, Equatable {
    public let fileID: Int32
    public let start: Int
    public let end: Int

    public init(file: SourceFile?, start: Int, end: Int) {
        self.fileID = file?.id ?? 0
        self.start = start
        self.end = max(start, end)
    }

    /// By id: the lexer makes one per token and so skips retaining the file each time.
    init(fileID: Int32, start: Int, end: Int) {
        self.fileID = fileID
        self.start = start
        self.end = max(start, end)
    }

    public static let none = Span(file: nil, start: 0, end: 0)

    public var file: SourceFile? { SourceRegistry.file(fileID) }

    /// The smallest span covering both.
    public func to(_ other: Span) -> Span {
        Span(fileID: fileID != 0 ? fileID : other.fileID, start: min(start, other.start), end: max(end, other.end))
    }

    public var text: String { file?.slice(self) ?? "" }
}
