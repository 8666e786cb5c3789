import Foundation

/// Paths of the test fixtures and of the shared traces, found from this file's location (not SwiftPM resources).
enum TraceFixtures {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> String {
        testsDir.appendingPathComponent("Fixtures/traces/\(name)").path
    }

    /// `../shared/traces/NAME` relative to the repository root, or nil when that folder is absent.
    static func shared(_ name: String) -> String? {
        let root = testsDir.deletingLastPathComponent().deletingLastPathComponent()
        let path = root.deletingLastPathComponent().appendingPathComponent("shared/traces/\(name)").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
