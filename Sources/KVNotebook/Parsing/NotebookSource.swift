import Foundation

/// A notebook's bytes as the parser needs them: UTF-8, LF line ends, no byte-order mark. Editors on Windows save
/// CRLF (and a BOM); in Swift `"\r\n"` is one Character, so without this a CRLF notebook splits into no lines at
/// all and its cells pass as prose, silently.
public enum NotebookSource {
    /// Larger than any notebook a person writes; reading stops here rather than filling memory.
    public static let maxBytes = 8 << 20

    /// Reads and normalises the file at `path`; every failure is a `NotebookError` naming the file.
    public static func read(_ path: String) throws(NotebookError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NotebookError(path: path, line: 0, message: "no such file")
        }
        guard !isDirectory.boolValue else { throw NotebookError(path: path, line: 0, message: "is a directory, not a notebook") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NotebookError(path: path, line: 0, message: "cannot be read (permission?)")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch {
            throw NotebookError(path: path, line: 0, message: "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maxBytes else {
            throw NotebookError(path: path, line: 0, message: "is larger than \(maxBytes >> 20) MiB: not a notebook?")
        }
        return try text(from: data, path: path)
    }

    /// Decodes UTF-8 (invalid bytes are an error naming their line, not U+FFFD), drops a leading BOM and turns
    /// CRLF and lone CR into LF.
    public static func text(from data: Data, path: String) throws(NotebookError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var normalised: [UInt8] = []
        normalised.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                normalised.append(0x0A)
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            } else {
                normalised.append(bytes[i])
            }
            i += 1
        }
        if let line = firstInvalidLine(normalised) {
            throw NotebookError(path: path, line: line, message: "this line is not valid UTF-8 (save the notebook as UTF-8)")
        }
        return String(decoding: normalised, as: UTF8.self)
    }

    /// The 1-based line of the first byte sequence that is not UTF-8, or nil when all of it is.
    private static func firstInvalidLine(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): if s == "\n" { line += 1 }
            case .emptyInput: return nil
            case .error: return line
            }
        }
    }
}
