/// Reading a config.json's `quantization_config` into a Quantization, after the formats the quantizers write:
///
/// - `fp8` (transformers FineGrainedFP8 / vLLM Fp8Config): e4m3 weights; `weight_block_size` [128, 128] gives one
///   fp32 `weight_scale_inv` per 128×128 tile (DeepSeek-V3/R1), else one fp32 scale per tensor (and an fp32
///   input_scale with `activation_scheme: "static"`).
/// - `fbgemm_fp8`: fp8 weights with one fp32 scale per output row.
/// - `awq` (AutoAWQ GEMM/GEMV): int4 `qweight`, fp16 `scales` per group, int4 `qzeros` per group when
///   `zero_point`.
/// - `gptq` (AutoGPTQ/GPTQModel): `bits`-wide `qweight`, fp16 `scales` and packed `qzeros` per group (written
///   whether `sym` or not), and the int32 `g_idx` of every input column, which AutoGPTQ writes whatever `desc_act`.
/// - `bitsandbytes`: `load_in_4bit` (nf4 or fp4, absmax per 64 weights, `bnb_4bit_use_double_quant`) or
///   `load_in_8bit` (int8 with one fp32 SCB per row).
/// - `compressed-tensors`: one config group targeting Linear; int or float weights by tensor, channel, group or
///   block; scales in the model dtype; zero points when not symmetric; `weight_shape` with pack-quantized.
///
/// Anything else (another method, options that change which tensors exist) is an error naming the key.
extension Quantization {
    static let methods = ["fp8", "fbgemm_fp8", "awq", "gptq", "bitsandbytes", "compressed-tensors"]

    /// The dtype of the unquantized tensors: the config's `torch_dtype` (transformers ≥ 4.56 writes `dtype`).
    static func modelDType(_ c: HFFields) throws -> DType {
        let key = c.has("dtype") ? "dtype" : "torch_dtype"
        guard let name = try c.optionalString(key) else { return .bf16 }
        switch name {
        case "bfloat16": return .bf16
        case "float16": return .fp16
        case "float32": return .fp32
        default: throw c.error(key, "is \"\(name)\"; expected \"bfloat16\", \"float16\" or \"float32\"")
        }
    }

    init(hf q: HFFields, modelDType: DType) throws {
        let method = try q.string("quant_method")
        switch method {
        case "fp8":
            let ignore = try Self.ignoreList(q, keys: ["ignored_layers", "modules_to_not_convert"])
            if let fmt = try q.optionalString("fmt"), fmt != "e4m3", fmt != "e5m2" {
                throw q.error("fmt", "is \"\(fmt)\"; expected \"e4m3\" or \"e5m2\"")
            }
            let scheme = try q.optionalString("activation_scheme") ?? "dynamic"
            guard scheme == "dynamic" || scheme == "static" else {
                throw q.error("activation_scheme", "is \"\(scheme)\"; expected \"dynamic\" or \"static\"")
            }
            var scales = Scales.tensor
            if let block = try q.countList("weight_block_size") {
                guard block.count == 2 else { throw q.error("weight_block_size", "must be [rows, columns], got \(block.count) numbers") }
                scales = .block(rows: block[0], cols: block[1])
            }
            self.init(method: method, bits: 8, format: "float", scales: scales, scaleBytes: 4,
                      extraBytes: scheme == "static" ? 4 : 0, modelDType: modelDType, ignore: ignore)
        case "fbgemm_fp8":
            self.init(method: method, bits: 8, format: "float", scales: .channel, scaleBytes: 4, modelDType: modelDType,
                      ignore: try Self.ignoreList(q, keys: ["modules_to_not_convert"]))
        case "awq":
            // AutoAWQ's own quant_config.json spells them w_bit and q_group_size.
            let bitsKey = q.has("bits") || !q.has("w_bit") ? "bits" : "w_bit"
            let bits = try q.optionalCount(bitsKey, max: 8) ?? 4
            guard bits == 4 else { throw q.error(bitsKey, "is \(bits); AWQ checkpoints store 4-bit weights") }
            if let version = try q.optionalString("version"),
               !["gemm", "gemv", "exllama", "ipex", "marlin"].contains(version.lowercased()) {
                throw q.error("version", "is \"\(version)\"; expected \"gemm\" or \"gemv\"")
            }
            let groupKey = q.has("group_size") || !q.has("q_group_size") ? "group_size" : "q_group_size"
            self.init(method: method, bits: bits, scales: try Self.groups(q, key: groupKey, default: 128), scaleBytes: 2,
                      zeroPoints: try q.bool("zero_point", default: true), modelDType: modelDType,
                      ignore: try Self.ignoreList(q, keys: ["modules_to_not_convert"]))
        case "gptq":
            let bits = try q.optionalCount("bits", max: 8) ?? 4
            guard [2, 3, 4, 8].contains(bits) else { throw q.error("bits", "is \(bits); GPTQ stores 2, 3, 4 or 8 bits") }
            _ = try q.bool("sym", default: true)       // qzeros are written either way
            _ = try q.bool("desc_act", default: false) // g_idx is written either way
            if try q.bool("lm_head", default: false) {
                throw q.error("lm_head", "is true: a quantized lm_head is not modelled")
            }
            if q.has("modules_in_block_to_quantize") {
                throw q.error("modules_in_block_to_quantize", "is not modelled (every linear layer is taken as quantized)")
            }
            self.init(method: method, bits: bits, scales: try Self.groups(q, default: 128), scaleBytes: 2,
                      zeroPoints: true, groupIndex: true, modelDType: modelDType,
                      ignore: try Self.ignoreList(q, keys: ["modules_to_not_convert"]))
        case "bitsandbytes":
            self = try Self.bitsandbytes(q, modelDType: modelDType)
        case "compressed-tensors":
            self = try Self.compressedTensors(q, modelDType: modelDType)
        default:
            throw q.error("quant_method", "\"\(method)\" is not modelled (known: " + Self.methods.joined(separator: ", ") + ")")
        }
    }

    /// `group_size`: a positive size, or -1 for one scale per output row.
    private static func groups(_ q: HFFields, key: String = "group_size", default fallback: Int) throws -> Scales {
        guard q.has(key) else { return .group(size: fallback) }
        if case .number(_, let n)? = q.values[key]?.value, n == -1 { return .channel }
        return .group(size: try q.count(key, max: 1 << 20))
    }

    private static func bitsandbytes(_ q: HFFields, modelDType: DType) throws -> Quantization {
        // transformers writes both `load_in_4bit` and the private `_load_in_4bit`.
        func flag(_ name: String) throws -> Bool {
            try q.bool(name, default: false) || q.bool("_" + name, default: false)
        }
        let four = try flag("load_in_4bit"), eight = try flag("load_in_8bit")
        let ignore = try ignoreList(q, keys: ["llm_int8_skip_modules"])
        switch (four, eight) {
        case (true, false):
            let type = try q.optionalString("bnb_4bit_quant_type") ?? "fp4"  // transformers' default
            guard type == "nf4" || type == "fp4" else {
                throw q.error("bnb_4bit_quant_type", "is \"\(type)\"; expected \"nf4\" or \"fp4\"")
            }
            return Quantization(method: "bitsandbytes", bits: 4, format: type,
                                scales: .absmax(size: 64, doubleQuant: try q.bool("bnb_4bit_use_double_quant", default: false)),
                                scaleBytes: 0, modelDType: modelDType, ignore: ignore)
        case (false, true):
            return Quantization(method: "bitsandbytes", bits: 8, scales: .channel, scaleBytes: 4, modelDType: modelDType,
                                ignore: ignore)
        case (true, true):
            throw q.error("load_in_8bit", "and load_in_4bit are both true")
        case (false, false):
            throw q.error("load_in_4bit", "nor load_in_8bit is true: the bitsandbytes config quantizes nothing")
        }
    }

    private static func compressedTensors(_ q: HFFields, modelDType: DType) throws -> Quantization {
        let format = try q.optionalString("format") ?? "dense"
        let formats = ["float-quantized", "int-quantized", "naive-quantized", "pack-quantized"]
        guard formats.contains(format) else {
            throw q.error("format", "\"\(format)\" is not modelled (known: " + formats.joined(separator: ", ") + ")")
        }
        guard let groups = try q.object("config_groups") else {
            throw EngineError("\(q.source): quantization_config lacks the required key \"config_groups\"",
                              argument: "quantization_config.config_groups")
        }
        guard groups.keys.count == 1, let name = groups.keys.first, let group = try groups.object(name) else {
            throw q.error("config_groups", "has \(groups.keys.count) groups; one group targeting Linear is modelled")
        }
        let targets = try group.stringList("targets") ?? []
        guard targets == ["Linear"] else {
            throw group.error("targets", "is \(targets); only [\"Linear\"] is modelled")
        }
        guard let w = try group.object("weights") else {
            throw EngineError("\(q.source): \(group.prefix)weights is missing", argument: group.prefix + "weights")
        }
        let bits = try w.count("num_bits", max: 16)
        let type = try w.optionalString("type") ?? "int"
        guard type == "int" || type == "float" else { throw w.error("type", "is \"\(type)\"; expected \"int\" or \"float\"") }
        let strategy = try w.optionalString("strategy") ?? "tensor"
        let scales: Scales
        switch strategy {
        case "tensor": scales = .tensor
        case "channel": scales = .channel
        case "group": scales = .group(size: try w.count("group_size", max: 1 << 20))
        case "block":
            guard let b = try w.countList("block_structure"), b.count == 2 else {
                throw w.error("block_structure", "must be [rows, columns]")
            }
            scales = .block(rows: b[0], cols: b[1])
        default:
            throw w.error("strategy", "is \"\(strategy)\"; expected tensor, channel, group or block")
        }
        return Quantization(method: "compressed-tensors", bits: bits, format: type, scales: scales,
                            scaleBytes: Int(modelDType.bytes), zeroPoints: !(try w.bool("symmetric", default: true)),
                            extraBytes: format == "pack-quantized" ? 16 : 0, modelDType: modelDType,
                            ignore: try ignoreList(q, keys: ["ignore"]))
    }

    /// The first of `keys` present: a list of module names (or compressed-tensors `re:` patterns), each checked now.
    private static func ignoreList(_ q: HFFields, keys: [String]) throws -> [String] {
        guard let key = keys.first(where: { q.has($0) }), let list = try q.stringList(key) else { return [] }
        for (n, entry) in list.enumerated() {
            do { _ = try ModulePattern(entry) } catch let e as EngineError {
                throw q.error(key, "[\(n)] \(e.message)")
            }
        }
        return list
    }
}
