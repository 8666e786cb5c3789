// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kvcalc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kvcalc", targets: ["kvcalc"]),
        .library(name: "KVEngine", targets: ["KVEngine"]),
        .library(name: "KVLang", targets: ["KVLang"]),
    ],
    dependencies: [
        // Command-line parsing, help and usage errors (exit code 2) for the executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The domain, pure Swift: no language, no dependencies.
        .target(name: "KVEngine"),
        // The standard library's source files, embedded in the binary so kvcalc works from any directory.
        .target(
            name: "KVStdlib",
            path: "stdlib",
            resources: [.embedInCode("units.kv")]
        ),
        .target(name: "KVLang", dependencies: ["KVEngine", "KVStdlib"]),
        .executableTarget(
            name: "kvcalc",
            dependencies: ["KVLang", "KVStdlib", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "KVEngineTests", dependencies: ["KVEngine"]),
        .testTarget(name: "KVLangTests", dependencies: ["KVLang"]),
        // Trace-replay benchmark against the Python reference (Benchmarks/replay/run.sh); build with -c release.
        .executableTarget(name: "kvbench-replay", dependencies: ["KVEngine"], path: "Benchmarks/replay",
                          exclude: ["run.sh", "reference_replay.py", "make_large_trace.py"]),
    ]
)
