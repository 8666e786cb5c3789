// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kvcalc",
    // Supported: Linux (Debian 12, Swift 6.x), the only platform this project builds and tests on. The code calls
    // Glibc directly (thread stacks, terminals, signals), so no Apple platform is claimed.
    products: [
        .executable(name: "kvcalc", targets: ["kvcalc"]),
        .library(name: "KVEngine", targets: ["KVEngine"]),
        .library(name: "KVLang", targets: ["KVLang"]),
        .library(name: "KVRuntime", targets: ["KVRuntime"]),
        .library(name: "KVNotebook", targets: ["KVNotebook"]),
    ],
    dependencies: [
        // Command-line parsing, help and usage errors (exit code 2) for the executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // OrderedDictionary keeps record fields in the order they were written.
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // Markdown to HTML for `kvcalc run --html`.
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // The domain, pure Swift: no language, no dependencies.
        .target(name: "KVEngine"),
        // The standard library's source files, embedded in the binary so kvcalc works from any directory.
        .target(
            name: "KVStdlib",
            path: "stdlib",
            resources: ["dimensions.kv", "units.kv", "dtypes.kv", "core.kv", "tables.kv", "memory.kv", "models.kv", "gpus.kv", "hitrate.kv", "serving.kv", "latency.kv", "serve.kv"].map { .embedInCode($0) }
        ),
        .target(
            name: "KVLang",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // The builtins (core and the engines' bridge), the session and the embedded stdlib: the language put to work.
        .target(name: "KVRuntime", dependencies: ["KVLang", "KVEngine", "KVStdlib"]),
        // Notebooks (.kvnb): parsing, running, rendering to Markdown and HTML, charts. The language knows
        // nothing of notebooks.
        .target(name: "KVNotebook", dependencies: ["KVLang", "KVRuntime", .product(name: "Ink", package: "Ink")]),
        // libedit, the REPL's line editor (Debian: libedit-dev; scripts/install-deps.sh installs it).
        .systemLibrary(name: "CLibedit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // The REPL without a terminal: entries in, transcript out; commands, completion, history file, notebooks.
        .target(name: "KVRepl", dependencies: ["KVLang", "KVRuntime", "KVNotebook"]),
        .executableTarget(
            name: "kvcalc",
            dependencies: ["KVLang", "KVRuntime", "KVNotebook", "KVStdlib", "KVRepl", "CLibedit",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "KVEngineTests", dependencies: ["KVEngine"], exclude: ["Fixtures"]),
        .testTarget(name: "KVLangTests", dependencies: ["KVLang", "KVRuntime"], exclude: ["Examples", "Errors", "Stdlib"]),
        // The builtins' specs against the stdlib, record validation and the engine bridge's error paths.
        .testTarget(name: "KVRuntimeTests", dependencies: ["KVRuntime", "KVLang", "KVEngine", "KVStdlib"]),
        .testTarget(name: "KVNotebookTests", dependencies: ["KVNotebook"], exclude: ["Golden"]),
        .testTarget(name: "KVReplTests", dependencies: ["KVRepl", "KVLang", "KVRuntime", "KVNotebook"], exclude: ["Golden"]),
        // End-to-end: runs the built kvcalc binary as a user would.
        .testTarget(name: "kvcalcTests", dependencies: ["kvcalc"]),
        // Trace-replay benchmark against the Python reference (Benchmarks/replay/run.sh); build with -c release.
        .executableTarget(name: "kvbench-replay", dependencies: ["KVEngine"], path: "Benchmarks/replay",
                          exclude: ["run.sh", "reference_replay.py", "make_large_trace.py"]),
        // Serving-simulation benchmark (Benchmarks/serve/run.sh times it against the replay reference); -c release.
        .executableTarget(name: "kvbench-serve", dependencies: ["KVEngine"], path: "Benchmarks/serve",
                          exclude: ["run.sh"]),
    ]
)
