import Foundation

/// A serving engine's release, parsed from the strings releases and logs use: "0.6.3.post1", "0.8.0rc3",
/// "0.8.0rc3.dev5+g5eeabc2a", "v0.10.1", "0.5.x" (x: the newest of that series).
public struct EngineVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// major, minor, patch (missing parts are 0; an "x" part is Int.max).
    public var parts: [Int]
    /// A release candidate sorts before its release ("0.8.0rc3" < "0.8.0").
    public var releaseCandidate: Int?
    public var text: String

    /// Longer strings are not versions; the cap keeps error messages short.
    static let maxLength = 64

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        parts = [major, minor, patch]
        releaseCandidate = nil
        text = "\(major).\(minor).\(patch)"
    }

    /// Parses a release string; nil when it is not one (the caller names the argument and the known releases).
    public static func parse(_ raw: String) -> EngineVersion? {
        var s = Substring(raw.trimmingCharacters(in: .whitespaces))
        guard !s.isEmpty, s.count <= maxLength else { return nil }
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        // A local or dev suffix ("+g5eeabc2a", ".dev5", ".post1") does not change the rule family.
        if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
        var fields = s.split(separator: ".", omittingEmptySubsequences: false)
        fields.removeAll { $0.hasPrefix("post") || $0.hasPrefix("dev") }
        guard (2...4).contains(fields.count) else { return nil }
        var parts: [Int] = []
        var rc: Int?
        for (i, f) in fields.enumerated() {
            if f == "x" || f == "*" {
                guard i == fields.count - 1, i >= 1 else { return nil }
                parts.append(Int.max)
                continue
            }
            var digits = f
            if let r = f.range(of: "rc") {
                guard i == fields.count - 1, let n = Int(f[r.upperBound...]), n >= 0, n < 1000 else { return nil }
                rc = n
                digits = f[..<r.lowerBound]
            }
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 0 else {
                return nil
            }
            parts.append(n)
        }
        while parts.count < 3 { parts.append(0) }
        var v = EngineVersion(0, 0)
        v.parts = Array(parts.prefix(3))
        v.releaseCandidate = rc
        v.text = String(raw.trimmingCharacters(in: .whitespaces))
        return v
    }

    public var description: String { text }

    public static func < (a: EngineVersion, b: EngineVersion) -> Bool {
        if a.parts != b.parts { return a.parts.lexicographicallyPrecedes(b.parts) }
        switch (a.releaseCandidate, b.releaseCandidate) {
        case let (x?, y?): return x < y
        case (_?, nil): return true
        default: return false
        }
    }

    public static func == (a: EngineVersion, b: EngineVersion) -> Bool {
        a.parts == b.parts && a.releaseCandidate == b.releaseCandidate
    }

    /// Whether this release is at or after major.minor.patch (a release candidate of it counts as it).
    func atLeast(_ major: Int, _ minor: Int, _ patch: Int = 0) -> Bool {
        !parts.lexicographicallyPrecedes([major, minor, patch])
    }
}

/// What `engine` and `version` select: the engine, its release and the rule family that release used.
public struct EngineRelease: Sendable, Equatable {
    public var engine: ServingEngine
    public var version: EngineVersion
    public var vllm: VLLMFamily?
    public var sglang: SGLangFamily?

    /// The release for an engine name and a version string ("latest": the newest documented family).
    /// `useV1` (vLLM 0.8–0.10 only) picks the V0 engine with false; nil follows the release's default.
    public static func resolve(engine: ServingEngine, version raw: String, useV1: Bool? = nil) throws -> EngineRelease {
        let latest = raw == "latest"
        let parsed = latest ? engine.newest : EngineVersion.parse(raw)
        guard let v = parsed else {
            throw EngineError("\"\(raw.prefix(EngineVersion.maxLength))\" is not a release number such as "
                              + "\(engine == .vllm ? "\"0.6.3.post1\" or \"0.8.0rc3\"" : "\"0.4.6.post2\"")"
                              + "; known \(engine.rawValue) rule families: \(engine.familyList)", argument: "version")
        }
        switch engine {
        case .vllm:
            guard let f = VLLMFamily.family(for: v, useV1: useV1) else {
                throw EngineError("vLLM \(v) is not covered; known vllm rule families: \(engine.familyList)",
                                  argument: "version")
            }
            if useV1 != nil, !(v.atLeast(0, 8) && !v.atLeast(0, 11)) {
                throw EngineError("use_v1 chooses between engines only in vLLM 0.8 … 0.10 (V0 before, V1 only after); "
                                  + "leave it \"auto\" for \(v)", argument: "use_v1")
            }
            return EngineRelease(engine: .vllm, version: v, vllm: f, sglang: nil)
        case .sglang:
            guard let f = SGLangFamily.family(for: v) else {
                throw EngineError("SGLang \(v) is not covered; known sglang rule families: \(engine.familyList)",
                                  argument: "version")
            }
            if useV1 != nil {
                throw EngineError("use_v1 is a vLLM flag", argument: "use_v1")
            }
            return EngineRelease(engine: .sglang, version: v, vllm: nil, sglang: f)
        }
    }
}

extension ServingEngine {
    /// The newest release each engine's documented families cover (the default version).
    public var newest: EngineVersion {
        switch self {
        case .vllm: return EngineVersion(0, 21)
        case .sglang: return EngineVersion(0, 5, 4)
        }
    }

    /// "0.2.0 … 0.3.x (…), …" for error messages.
    public var familyList: String {
        switch self {
        case .vllm: return VLLMFamily.allCases.map { "\($0.versions) (\($0.rawValue))" }.joined(separator: ", ")
        case .sglang: return SGLangFamily.allCases.map { "\($0.versions) (\($0.rawValue))" }.joined(separator: ", ")
        }
    }
}
