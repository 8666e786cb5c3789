import Foundation

/// The REPL's history file. One entry a line, with newlines and backslashes escaped so a multi-line entry comes back
/// whole. Each entry is appended as it is entered, so a crash loses nothing; an entry equal to the one before it is
/// not stored again. The file is cut back to the newest `limit` entries when it grows past twice that.
public final class History {
    public let url: URL
    public let limit: Int
    /// The newest `limit` entries, oldest first.
    public private(set) var entries: [String] = []
    /// Entries in the file, which may hold up to twice `limit` between cuts.
    private var stored = 0

    /// `$XDG_STATE_HOME/kvcalc/history`, or `~/.local/state/kvcalc/history` (the XDG default) when it is unset.
    public static func defaultURL(environment: [String: String]) -> URL? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state).appendingPathComponent("kvcalc/history")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/kvcalc/history")
    }

    public init(url: URL, limit: Int = 1000) {
        self.url = url
        self.limit = max(limit, 1)
        if let data = FileManager.default.contents(atPath: url.path) {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            stored = lines.count
            entries = lines.suffix(self.limit).map { History.decode($0) }
        }
    }

    public func append(_ entry: String) {
        guard !entry.isEmpty, entry != entries.last else { return }
        entries.append(entry)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        stored += 1
        if stored > 2 * limit {
            rewrite()
        } else {
            appendLine(History.encode(entry))
        }
    }

    private func appendLine(_ line: String) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        // O_APPEND: concurrent sessions interleave whole lines instead of overwriting each other.
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Replaces the file with the newest entries, atomically (a temporary file renamed over it).
    private func rewrite() {
        let text = entries.map { History.encode($0) + "\n" }.joined()
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
            stored = entries.count
        } catch {
            appendLine(History.encode(entries.last ?? ""))
        }
    }

    static func encode(_ entry: String) -> String {
        entry.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func decode(_ line: Substring) -> String {
        // Most lines have nothing escaped; skipping the walk keeps a full history cheap to read at start-up.
        guard line.utf8.contains(UInt8(ascii: "\\")) else { return String(line) }
        var out = ""
        var escaped = false
        for c in line {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
