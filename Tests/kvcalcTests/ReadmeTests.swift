import Foundation
import XCTest

/// Every `$ kvcalc …` line in the README's fenced blocks is run, and what follows it (up to the next `$` line or
/// the end of the block) must be exactly what it prints: the README's tour cannot drift from the program.
final class ReadmeTests: XCTestCase {
    struct Example {
        let command: String
        let expected: String
    }

    static func examples() throws -> [Example] {
        let text = try String(contentsOf: Binary.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var examples: [Example] = []
        var inBlock = false
        var command: String?
        var output: [String] = []
        func flush() {
            if let c = command { examples.append(Example(command: c, expected: output.joined(separator: "\n"))) }
            command = nil
            output = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                if inBlock { flush() }
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("$ kvcalc") {
                flush()
                command = String(line.dropFirst(2))
            } else if line.hasPrefix("$ ") {
                flush()
            } else if command != nil {
                output.append(line)
            }
        }
        return examples
    }

    func testTourExamplesPrintWhatTheReadmeSays() throws {
        let examples = try ReadmeTests.examples()
        XCTAssertGreaterThan(examples.count, 8, "the README's tour should have examples")
        let binDir = Binary.url.deletingLastPathComponent().path
        for ex in examples {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", ex.command + " 2>&1"]
            p.currentDirectoryURL = Binary.repoRoot
            var env = ProcessInfo.processInfo.environment
            env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            var actual = String(decoding: data, as: UTF8.self)
            if actual.hasSuffix("\n") { actual.removeLast() }
            XCTAssertEqual(actual, ex.expected, "README example: \(ex.command)")
        }
    }
}
