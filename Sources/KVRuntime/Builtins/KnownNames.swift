import KVLang

/// The dimension and unit names Swift code relies on, in one place. The stdlib declares them (dimensions.kv,
/// units.kv); `Session` checks at start that every one is there, so renaming a unit in the stdlib is an error at
/// start-up, not a quantity silently printed without its unit.
enum KnownNames {
    enum Dimension {
        static let information = "Information", time = "Time", token = "Token", request = "Request"
        static let conversation = "Conversation", parameter = "Parameter", bandwidth = "Bandwidth"
        static let flopRate = "FlopRate"
        static let all = [information, time, token, request, conversation, parameter, bandwidth, flopRate]
    }

    enum Unit {
        static let gib = "GiB", kib = "KiB", mib = "MiB", token = "token", tokens = "tokens", percent = "%"
        static let params = "params", gpu = "GPU", conv = "conv", req = "req", qps = "qps", second = "s"
        static let all = [gib, kib, mib, token, tokens, percent, params, gpu, conv, req, qps, second]
    }

    /// The names the loaded units lack, each as a line of an internal error.
    static func missing(in units: UnitTable) -> [String] {
        Dimension.all.filter { units.dimension(named: $0) == nil }.map { "the stdlib declares no dimension `\($0)`" }
            + Unit.all.filter { units.unit(named: $0) == nil }.map { "the stdlib declares no unit `\($0)`" }
    }
}
