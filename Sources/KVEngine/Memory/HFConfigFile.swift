import Foundation

/// Reading a config.json's bytes safely: only a regular file, never more than `maxBytes`, valid UTF-8 (a leading
/// BOM dropped). Every error names the path, argument "path".
enum HFConfigFile {
    /// The largest config accepted. Real configs are a few KiB (a vision-language one with its processor settings
    /// perhaps 100 KiB); this bound keeps a wrong path (a checkpoint shard, /dev/zero) from being read whole.
    static let maxBytes = 16 << 20

    static func read(_ path: String) throws -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = errno == ENOENT || errno == ENOTDIR ? "no such file" : String(cString: strerror(errno))
            throw EngineError("\(reason): \(path)", argument: "path")
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR {
            throw EngineError("\(path) is a directory; give the path of its config.json", argument: "path")
        }
        guard type == S_IFREG else {
            throw EngineError("\(path) is not a regular file (a device, pipe or socket)", argument: "path")
        }
        guard st.st_size <= off_t(maxBytes) else {
            throw EngineError("\(path) is \(st.st_size) bytes; a config.json is at most \(maxBytes >> 20) MiB "
                              + "(is this a weights file?)", argument: "path")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineError("cannot read \(path)", argument: "path")
        }
        defer { try? handle.close() }
        // Read at most one byte past the cap, in case the file grew since stat.
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch {
            throw EngineError("cannot read \(path): \(error.localizedDescription)", argument: "path")
        }
        guard data.count <= maxBytes else {
            throw EngineError("\(path) is larger than \(maxBytes >> 20) MiB; a config.json is much smaller", argument: "path")
        }
        return try decode(Array(data), source: path)
    }

    /// Drops a UTF-8 BOM and checks the rest is UTF-8, naming the line and column of the first bad byte.
    static func decode(_ raw: [UInt8], source: String) throws -> [UInt8] {
        var bytes = raw
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw EngineError("\(source) is UTF-16 text; save it as UTF-8", argument: "path")
        }
        var line = 1, column = 1
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                if s == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                break loop
            case .error:
                throw EngineError("\(source):\(line):\(column): the file is not valid UTF-8", argument: "path")
            }
        }
        return bytes
    }
}
