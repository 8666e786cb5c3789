public enum KVStdlib {
    public static var units: String { String(decoding: PackageResources.units_kv, as: UTF8.self) }
}
