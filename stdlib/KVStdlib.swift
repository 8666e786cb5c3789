/// The standard library's sources, embedded in the binary at build time so kvcalc needs no files at run time.
public enum KVStdlib {
    /// The files in load order: each may use what the ones before it declare.
    public static let files: [(name: String, text: String)] = [
        ("stdlib/dimensions.kv", PackageResources.dimensions_kv),
        ("stdlib/units.kv", PackageResources.units_kv),
        ("stdlib/dtypes.kv", PackageResources.dtypes_kv),
        ("stdlib/core.kv", PackageResources.core_kv),
        ("stdlib/tables.kv", PackageResources.tables_kv),
        ("stdlib/memory.kv", PackageResources.memory_kv),
        ("stdlib/models.kv", PackageResources.models_kv),
        ("stdlib/gpus.kv", PackageResources.gpus_kv),
        ("stdlib/hitrate.kv", PackageResources.hitrate_kv),
        ("stdlib/serving.kv", PackageResources.serving_kv),
        ("stdlib/latency.kv", PackageResources.latency_kv),
        ("stdlib/serve.kv", PackageResources.serve_kv),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
