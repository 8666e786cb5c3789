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

    public init(name: String, text: String, lineOffset: Int = 0) {
        self.name = name
        self.text = text
        self.lineOffset = lineOffset
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
        self.id = SourceRegistry.register()
        SourceRegistry.store(self)
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
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
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

    private init(fileID: Int32, start: Int, end: Int) {
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
