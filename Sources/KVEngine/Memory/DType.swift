/// A storage type for weights or the KV cache: bits per element plus the overhead of group-wise scales.
///
/// `int4` stores one fp16 scale per `groupSize` weights (GPTQ/AWQ style, group 128 by default), so its bytes per
/// weight are 4/8 + 2/128 = 0.515625. fp8 and int8 use per-tensor or per-channel scales whose bytes are negligible
/// (one scale per row of thousands), so they are counted as exactly 1 byte per element.
public struct DType: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var bits: Int
    /// Weights sharing one scale; nil for types without group scales.
    public var groupSize: Int?
    /// Bytes of one group scale.
    public var scaleBytes: Int

    public init(name: String, bits: Int, groupSize: Int? = nil, scaleBytes: Int = 0) {
        self.name = name
        self.bits = bits
        self.groupSize = groupSize
        self.scaleBytes = scaleBytes
    }

    public static let fp32 = DType(name: "fp32", bits: 32)
    public static let bf16 = DType(name: "bf16", bits: 16)
    public static let fp16 = DType(name: "fp16", bits: 16)
    public static let fp8 = DType(name: "fp8", bits: 8)
    public static let int8 = DType(name: "int8", bits: 8)
    public static let int4 = DType.int4(groupSize: 128)

    /// 4-bit integers with one fp16 scale per `groupSize` weights.
    public static func int4(groupSize: Int) -> DType {
        DType(name: groupSize == 128 ? "int4" : "int4_g\(groupSize)", bits: 4, groupSize: groupSize, scaleBytes: 2)
    }

    /// Bytes per element, scale overhead included.
    public var bytes: Double {
        let scale = groupSize.map { $0 > 0 ? Double(scaleBytes) / Double($0) : 0 } ?? 0
        return Double(bits) / 8 + scale
    }

    /// Types narrower than 16 bits are quantized: the reference checkpoints keep embeddings, lm_head, norms and
    /// routers in 16 bits and quantize only the decoder's linear layers.
    public var isQuantized: Bool { bits < 16 }

    public var description: String { name }

    public static let all: [DType] = [.fp32, .bf16, .fp16, .fp8, .int8, .int4]

    /// Looks a dtype up by name (fp32/float32, bf16/bfloat16, fp16/float16/half, fp8, int8, int4).
    /// Throws an EngineError naming `argument` for an unknown name.
    public static func named(_ name: String, argument: String = "dtype") throws -> DType {
        switch name.lowercased() {
        case "fp32", "float32", "float": return .fp32
        case "bf16", "bfloat16": return .bf16
        case "fp16", "float16", "half": return .fp16
        case "fp8", "float8", "fp8_e4m3", "fp8_e5m2", "e4m3", "e5m2": return .fp8
        case "int8": return .int8
        case "int4": return .int4
        default:
            throw EngineError("unknown dtype \"\(name)\" (known: fp32, bf16, fp16, fp8, int8, int4)", argument: argument)
        }
    }
}
