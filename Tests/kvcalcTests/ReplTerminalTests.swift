import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The REPL on a real terminal: the built binary inside tmux, driven with keys (typing, Tab, Up, Ctrl-C, Ctrl-D),
/// the screen read back with `capture-pane`. Skipped where tmux is not installed.
final class ReplTerminalTests: XCTestCase {
    /// A tmux server of its own (`-L`), without the user's configuration (`-f /dev/null`).
    private struct Tmux {
        let socket = "kvcalc-test-\(UUID().uuidString.prefix(8))"
        let executable: String

        /// Runs a tmux command and returns its exit status and what it printed. posix_spawn rather than Process:
        /// the server that `new-session` starts inherits the descriptors Process watches for the child's exit, and
        /// waiting would never end.
        @discardableResult
        func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: outputPath) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([executable, "-L", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
                throw XCTSkip("cannot start tmux at \(executable)")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            return (status, output)
        }

        func keys(_ keys: String...) throws { try run(["send-keys", "-t", "repl"] + keys) }
        func type(_ text: String) throws { try run(["send-keys", "-t", "repl", "-l", text]) }
        func enter(_ text: String) throws {
            try type(text)
            try keys("Enter")
        }
        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "repl"]).output }
        /// Read from what tmux prints, not its exit status: Foundation may reap the child before waitpid does.
        var alive: Bool { ((try? run(["list-sessions", "-F", "#{session_name}"]))?.output ?? "").contains("repl") }
    }

    private static func findTmux() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Polls the screen until it satisfies `condition` (a few seconds at most: the debug binary starts slowly).
    private func waitForScreen(_ tmux: Tmux, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                               _ condition: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        var last = ""
        while Date() < deadline {
            last = try tmux.screen()
            if condition(last) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what); the screen:\n\(last)", file: file, line: line)
        throw XCTSkip("giving up after the failure above")
    }

    private func waitFor(_ tmux: Tmux, _ text: String, count: Int = 1, file: StaticString = #filePath,
                         line: UInt = #line) throws {
        try waitForScreen(tmux, "`\(text)`", file: file, line: line) {
            $0.components(separatedBy: text).count - 1 >= count
        }
    }

    private func start(_ tmux: Tmux, state: URL) throws {
        let command = "env XDG_STATE_HOME='\(state.path)' NO_COLOR=1 TERM=xterm '\(Binary.url.path)'"
        try tmux.run(["new-session", "-d", "-s", "repl", "-x", "120", "-y", "50", command])
        try waitFor(tmux, "kv>")  // capture-pane drops trailing spaces
    }

    func testTypingTabUpCtrlCAndCtrlD() throws {
        guard let executable = Self.findTmux() else {
            throw XCTSkip("tmux is not installed, so the REPL's terminal test cannot run (apt-get install tmux)")
        }
        let tmux = Tmux(executable: executable)
        addTeardownBlock { _ = try? tmux.run(["kill-server"]) }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("kvcalc-tmux-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: state) }

        // Keys typed before the prompt reach the terminal in cooked mode: Ctrl-D would be lost, and a line typed
        // ahead is echoed before the prompt. So each step waits for the prompt of the next entry.
        let prompt = { (n: Int) throws in try self.waitFor(tmux, "kv>", count: n) }
        try start(tmux, state: state)
        XCTAssertTrue(try tmux.screen().contains("kvcalc 0.1.0"), "the banner names the version")

        // Tab completes a record's field.
        try tmux.enter("let llama = {layers: 32, kv_heads: 8}")
        try prompt(2)
        try tmux.type("llama.la")
        try tmux.keys("Tab")
        try waitFor(tmux, "llama.layers")
        try tmux.keys("Enter")
        try waitFor(tmux, "\n32\n")
        try prompt(3)

        // An open bracket continues the entry on a second prompt.
        try tmux.enter("(1 GiB +")
        try waitFor(tmux, "\n...")
        try tmux.enter("2 GiB)")
        try waitFor(tmux, "3 GiB")
        try prompt(4)

        // Up brings the two-line entry back whole; Enter runs it again.
        try tmux.keys("Up")
        try waitFor(tmux, "2 GiB)", count: 2)
        try tmux.keys("Enter")
        try waitFor(tmux, "3 GiB", count: 2)
        try prompt(5)

        // Ctrl-C drops the line being typed and the session goes on.
        try tmux.type("12345 junk")
        try tmux.keys("C-c")
        try waitFor(tmux, "^C")
        try prompt(6)
        try tmux.enter("ans * 2")
        try waitFor(tmux, "6 GiB")
        try prompt(7)

        // Ctrl-C stops a long evaluation, and nothing of it stays.
        try tmux.enter("let slow = sum(map(1..2000000, fn(i) = sum(map(1..50, fn(j) = j))))")
        Thread.sleep(forTimeInterval: 0.5)
        try tmux.keys("C-c")
        try waitFor(tmux, "error: interrupted")
        try prompt(8)
        try tmux.enter("llama.kv_heads")
        try waitFor(tmux, "\n8\n")
        try prompt(9)

        // Ctrl-D leaves; the history file has every entry, the multi-line one whole.
        try tmux.keys("C-d")
        try waitForScreen(tmux, "the REPL to exit") { _ in !tmux.alive }
        let history = try String(contentsOf: state.appendingPathComponent("kvcalc/history"), encoding: .utf8)
        XCTAssertTrue(history.contains("(1 GiB +\\n2 GiB)\n"), history)
        XCTAssertTrue(history.contains("llama.kv_heads\n"), history)

        // A new session finds the last entry with Up, and older ones with Ctrl-R.
        try start(tmux, state: state)
        try tmux.keys("Up")
        try waitFor(tmux, "kv> llama.kv_heads")
        // Ctrl-R searches the history backwards for what is typed.
        try tmux.keys("C-u", "C-r")
        try tmux.type("ans")
        try waitFor(tmux, "ans * 2")
        try tmux.keys("Enter")
        try waitFor(tmux, "unknown name `ans`")  // a fresh session: no result yet
        try prompt(2)
        try tmux.keys("C-d")
        try waitForScreen(tmux, "the REPL to exit") { _ in !tmux.alive }
    }
}
