import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `kvcalc run -o PATH` may write to, decided before the notebook runs (DESIGN §8): never the notebook
/// itself (by inode, so through symlinks and hard links), never a folder, and never a device, FIFO or symlink
/// replaced by a regular file.
public enum OutputTarget: Equatable {
    /// A regular file, or a path with nothing there yet: written atomically, charts in a folder beside it. For a
    /// symlink to a regular file this is the link's target (the link stays).
    case file(String)
    /// A character device, FIFO or socket (`/dev/stdout`, `/dev/null`, `mkfifo`): the page is written through
    /// it, like stdout, with no chart files beside it.
    case stream(String)

    /// Why a path cannot be written; the caller names the path as its command does (`-o x.md: …`).
    public struct Refusal: Error, Equatable {
        public let path: String
        public let reason: String
    }

    /// `inputs`: files the output must not be (the notebook being run, notebooks a REPL session loaded).
    public static func resolve(_ path: String, inputs: [String]) throws(Refusal) -> OutputTarget {
        func refuse(_ why: String) -> Refusal { Refusal(path: path, reason: why) }
        guard !path.isEmpty else { throw refuse("not a file name") }
        // `-o /dev/stdout > page.md` (or `>>`): the shell's descriptor is the output, whatever it is open on.
        if let fd = inheritedDescriptor(path) {
            guard fcntl(fd, F_GETFD) != -1 else { throw refuse("descriptor \(fd) is not open") }
            return .stream(path)
        }
        var link = stat()
        guard lstat(path, &link) == 0 else {
            guard errno == ENOENT else { throw refuse(String(cString: strerror(errno))) }
            if path.hasSuffix("/") { throw refuse("names a folder, not a file") }
            return .file(path)
        }
        var node = stat()
        guard stat(path, &node) == 0 else { throw refuse("is a symlink to nothing; remove it or name another file") }
        for input in inputs {
            var source = stat()
            if stat(input, &source) == 0, source.st_dev == node.st_dev, source.st_ino == node.st_ino {
                throw refuse("is the notebook \(input) itself; writing would replace its source")
            }
        }
        switch node.st_mode & S_IFMT {
        case S_IFDIR:
            throw refuse("is a folder, not a file")
        case S_IFREG:
            guard link.st_mode & S_IFMT == S_IFLNK else { return .file(path) }
            guard let real = realpath(path, nil) else { throw refuse("cannot follow the symlink") }
            defer { free(real) }
            return .file(String(cString: real))
        case S_IFCHR, S_IFIFO, S_IFSOCK:
            return .stream(path)
        default:
            throw refuse("is a block device or another kind of file a page cannot be written to")
        }
    }

    /// Writes `text` to the target: atomically to a file, or through a stream.
    public static func write(_ text: String, to target: OutputTarget) throws(AtomicFile.Failure) {
        switch target {
        case .file(let path): try AtomicFile.write(text, to: URL(fileURLWithPath: path))
        case .stream(let path): try writeThrough(text, to: path)
        }
    }

    /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the descriptor they name. Opening them anew
    /// would start at offset 0 of a file the shell opened for appending, or (followed as a symlink) replace it.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count)).flatMap { $0 >= 0 ? $0 : nil }
            }
            return nil
        }
    }

    /// Writes a page through a stream target: an inherited descriptor as it is, else open (which waits for a
    /// FIFO's reader), write all, close.
    static func writeThrough(_ text: String, to path: String) throws(AtomicFile.Failure) {
        let inherited = inheritedDescriptor(path)
        let fd = inherited ?? open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFile.Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { if inherited == nil { close(fd) } }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw AtomicFile.Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}

/// `write(2)`, out of reach of the method of that name.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }
