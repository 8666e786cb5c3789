import Foundation
import KVEngine

/// Test fixtures live beside the tests (Tests/KVEngineTests/Fixtures), found from this file's path.
enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A model read from Fixtures/hf/<name>.json.
    static func model(_ name: String) throws -> ModelSpec {
        try ModelSpec.load(hfConfigPath: path("hf/\(name).json"), name: name)
    }
}
