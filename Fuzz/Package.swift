// swift-tools-version:6.0
// libFuzzer targets for kvcalc, in their own package so the main package's build, tests and CI never compile them.
// Build and run them with `scripts/fuzz.sh TARGET SECONDS` (it passes -sanitize=fuzzer,address to every module).
// Each target's main.swift hands its test function to libFuzzer's driver (SwiftPM owns an executable's `main`).
import PackageDescription

let package = Package(
    name: "kvcalc-fuzz",
    // `name:` pins the identity: a path dependency is otherwise named after its folder (a worktree's name).
    dependencies: [.package(name: "kvcalc", path: "..")],
    targets: [
        // libFuzzer's driver entry point, declared for Swift.
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: [.product(name: "KVLang", package: "kvcalc"),
                                                    .product(name: "KVRuntime", package: "kvcalc")]),
        .executableTarget(name: "fuzz-program", dependencies: ["CFuzzerDriver", "FuzzSupport"], path: "Sources/program"),
        .executableTarget(name: "fuzz-notebook",
                          dependencies: ["CFuzzerDriver", "FuzzSupport", .product(name: "KVNotebook", package: "kvcalc")],
                          path: "Sources/notebook"),
        .executableTarget(name: "fuzz-hfconfig", dependencies: ["CFuzzerDriver", .product(name: "KVEngine", package: "kvcalc")],
                          path: "Sources/hfconfig"),
        .executableTarget(name: "fuzz-trace", dependencies: ["CFuzzerDriver", .product(name: "KVEngine", package: "kvcalc")],
                          path: "Sources/trace"),
    ]
)
