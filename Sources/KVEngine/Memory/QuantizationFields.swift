/// A Quantization as named fields, for the language's model records (`quantization: {method: "awq", …}`):
/// `fields` writes them, `init(fields:)` reads them back, each error naming `quantization.<field>`.
///
/// Fields: method, bits, format ("int", "float", "nf4", "fp4"), scales ("tensor", "channel", "group", "block",
/// "absmax"), group_size (group), block ([rows, cols]; block), block_size and double_quant (absmax),
/// scale_bytes, zero_points, g_idx, extra_bytes, model_dtype ("bf16", "fp16", "fp32"), ignore (module names).
extension Quantization {
    public enum Field: Sendable, Equatable {
        case int(Int)
        case bool(Bool)
        case string(String)
        case ints([Int])
        case strings([String])
    }

    public static let fieldNames = [
        "method", "bits", "format", "scales", "group_size", "block", "block_size", "double_quant", "scale_bytes",
        "zero_points", "g_idx", "extra_bytes", "model_dtype", "ignore",
    ]

    /// The fields that differ from what `init(fields:)` assumes when they are left out (method, bits, scales and
    /// their size always).
    public var fields: [(name: String, value: Field)] {
        var f: [(String, Field)] = [("method", .string(method)), ("bits", .int(bits))]
        if format != "int" { f.append(("format", .string(format))) }
        switch scales {
        case .tensor: f.append(("scales", .string("tensor")))
        case .channel: f.append(("scales", .string("channel")))
        case .group(let g): f += [("scales", .string("group")), ("group_size", .int(g))]
        case .block(let r, let c): f += [("scales", .string("block")), ("block", .ints([r, c]))]
        case .absmax(let size, let double):
            f += [("scales", .string("absmax")), ("block_size", .int(size)), ("double_quant", .bool(double))]
        }
        if scaleBytes != 2 { f.append(("scale_bytes", .int(scaleBytes))) }
        if zeroPoints { f.append(("zero_points", .bool(true))) }
        if groupIndex { f.append(("g_idx", .bool(true))) }
        if extraBytes != 0 { f.append(("extra_bytes", .int(extraBytes))) }
        if modelDType != .bf16 { f.append(("model_dtype", .string(modelDType.name))) }
        if !ignore.isEmpty { f.append(("ignore", .strings(ignore))) }
        return f
    }

    /// Reads fields; method, bits and scales are required, the rest default as for a plain int/fp checkpoint.
    public init(fields: [String: Field]) throws {
        func fail(_ name: String, _ message: String) -> EngineError {
            EngineError("quantization.\(name) \(message)", argument: "quantization")
        }
        if let unknown = fields.keys.sorted().first(where: { !Self.fieldNames.contains($0) }) {
            throw fail(unknown, "is not a quantization field (known: " + Self.fieldNames.joined(separator: ", ") + ")")
        }
        func int(_ name: String, _ fallback: Int?, range: ClosedRange<Int>) throws -> Int {
            guard let v = fields[name] else {
                guard let fallback else { throw fail(name, "is required") }
                return fallback
            }
            guard case .int(let n) = v, range.contains(n) else {
                throw fail(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        func string(_ name: String, _ fallback: String?) throws -> String {
            guard let v = fields[name] else {
                guard let fallback else { throw fail(name, "is required") }
                return fallback
            }
            guard case .string(let s) = v else { throw fail(name, "must be a string") }
            return s
        }
        func bool(_ name: String) throws -> Bool {
            guard let v = fields[name] else { return false }
            guard case .bool(let b) = v else { throw fail(name, "must be true or false") }
            return b
        }
        let scales: Scales
        switch try string("scales", nil) {
        case "tensor": scales = .tensor
        case "channel": scales = .channel
        case "group": scales = .group(size: try int("group_size", nil, range: 1...(1 << 20)))
        case "block":
            guard case .ints(let b)? = fields["block"], b.count == 2, b.allSatisfy({ (1...(1 << 20)).contains($0) }) else {
                throw fail("block", "must be [rows, cols] of positive whole numbers")
            }
            scales = .block(rows: b[0], cols: b[1])
        case "absmax":
            scales = .absmax(size: try int("block_size", 64, range: 1...(1 << 20)), doubleQuant: try bool("double_quant"))
        case let other:
            throw fail("scales", "is \"\(other)\"; expected tensor, channel, group, block or absmax")
        }
        let format = try string("format", "int")
        guard ["int", "float", "nf4", "fp4"].contains(format) else {
            throw fail("format", "is \"\(format)\"; expected int, float, nf4 or fp4")
        }
        var ignore: [String] = []
        if let v = fields["ignore"] {
            guard case .strings(let list) = v else { throw fail("ignore", "must be a list of module names") }
            for entry in list {
                do { _ = try ModulePattern(entry) } catch let e as EngineError { throw fail("ignore", "entry \(e.message)") }
            }
            ignore = list
        }
        self.init(method: try string("method", nil), bits: try int("bits", nil, range: 1...32), format: format,
                  scales: scales, scaleBytes: try int("scale_bytes", 2, range: 0...8), zeroPoints: try bool("zero_points"),
                  groupIndex: try bool("g_idx"), extraBytes: try int("extra_bytes", 0, range: 0...(1 << 20)),
                  modelDType: try DType.named(try string("model_dtype", "bf16"), argument: "quantization"), ignore: ignore)
        if modelDType.isQuantized { throw fail("model_dtype", "must be bf16, fp16 or fp32") }
    }
}

extension ModelSpec {
    /// Weight bytes per chip for memory options: the checkpoint's quantization when the options carry one
    /// (dtype "auto" on a quantized checkpoint), else the options' dtype.
    public func weights(options o: MemoryOptions) throws -> WeightBreakdown {
        try WeightsMemo.weights(self, o) {
            if let q = o.weightQuantization { return try weights(quantization: q, tp: o.tp, pp: o.pp, ep: o.ep) }
            return try weights(dtype: o.dtype, tp: o.tp, pp: o.pp, ep: o.ep)
        }
    }
}
