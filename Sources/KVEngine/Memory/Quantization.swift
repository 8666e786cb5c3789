/// How a checkpoint stores its quantized weights: enough to count the bytes of every tensor it writes for a linear
/// layer's weight (the packed values, their scales, zero points and index tensors).
///
/// Only the decoder's linear layers are quantized; embeddings, lm_head, norms, routers, biases and the modules
/// `ignore` names stay in `modelDType` (the config's torch_dtype), as the checkpoints ship them.
public struct Quantization: Sendable, Equatable, CustomStringConvertible {
    /// Which weights share one scale.
    public enum Scales: Sendable, Equatable {
        /// One scale per matrix (fp8 per-tensor).
        case tensor
        /// One per output row (fp8 per-channel, LLM.int8's SCB, GPTQ/AWQ with group_size -1).
        case channel
        /// One per output row and `size` consecutive input columns (AWQ, GPTQ, compressed-tensors group).
        case group(size: Int)
        /// One per `rows × cols` tile of the matrix, partial tiles rounded up (DeepSeek-V3's [128, 128]).
        case block(rows: Int, cols: Int)
        /// bitsandbytes 4-bit: one absmax per `size` weights of the flattened matrix; with double quantization
        /// the absmax are themselves 8-bit, with one fp32 scale per 256 of them and a 256-entry fp32 code book.
        case absmax(size: Int, doubleQuant: Bool)
    }

    /// The quant_method: fp8, fbgemm_fp8, awq, gptq, bitsandbytes or compressed-tensors.
    public var method: String
    /// Bits of one stored weight.
    public var bits: Int
    /// Element format: "int", "float" (fp8), "nf4" or "fp4" (bitsandbytes).
    public var format: String
    public var scales: Scales
    /// Bytes of one scale (fp16 for AWQ/GPTQ, fp32 for DeepSeek's weight_scale_inv).
    public var scaleBytes: Int
    /// Zero points stored per scale, packed at `bits` (AWQ zero_point, GPTQ qzeros, asymmetric schemes).
    public var zeroPoints: Bool
    /// GPTQ's g_idx: one int32 per input column of every matrix.
    public var groupIndex: Bool
    /// Fixed bytes per matrix besides (a static fp8 input_scale, compressed-tensors' weight_shape).
    public var extraBytes: Int
    /// The dtype of what is not quantized.
    public var modelDType: DType
    /// Modules kept unquantized, as the config names them (see `QuantizedModules`).
    public var ignore: [String]

    public init(method: String, bits: Int, format: String = "int", scales: Scales, scaleBytes: Int = 2,
                zeroPoints: Bool = false, groupIndex: Bool = false, extraBytes: Int = 0, modelDType: DType = .bf16,
                ignore: [String] = []) {
        self.method = method
        self.bits = bits
        self.format = format
        self.scales = scales
        self.scaleBytes = scaleBytes
        self.zeroPoints = zeroPoints
        self.groupIndex = groupIndex
        self.extraBytes = extraBytes
        self.modelDType = modelDType
        self.ignore = ignore
    }

    /// Bytes of one `rows × cols` weight matrix (rows: output features, cols: input features) as stored.
    public func bytes(rows: Int, cols: Int) -> Double {
        let n = Double(rows) * Double(cols)
        let r = Double(rows), c = Double(cols)
        var total = (n * Double(bits) / 8).rounded(.up)
        let scaleCount: Double
        switch scales {
        case .tensor:
            scaleCount = 1
        case .channel:
            scaleCount = r
        case .group(let g):
            scaleCount = r * (c / Double(g)).rounded(.up)
        case .block(let br, let bc):
            scaleCount = (r / Double(br)).rounded(.up) * (c / Double(bc)).rounded(.up)
        case .absmax(let size, let double):
            let blocks = (n / Double(size)).rounded(.up)
            // uint8 absmax + fp32 per 256 of them + 256 fp32 code + fp32 offset; else fp32 absmax.
            total += double ? blocks + (blocks / 256).rounded(.up) * 4 + 256 * 4 + 4 : blocks * 4
            total += 16 * 4  // the 16-entry fp32 quant_map
            scaleCount = 0
        }
        total += scaleCount * Double(scaleBytes)
        if zeroPoints { total += (scaleCount * Double(bits) / 8).rounded(.up) }
        if groupIndex { total += 4 * c }
        return total + Double(extraBytes)
    }

    /// Bytes per weight of a `rows × cols` matrix, everything included.
    public func bytesPerWeight(rows: Int, cols: Int) -> Double {
        bytes(rows: rows, cols: cols) / (Double(rows) * Double(cols))
    }

    public var description: String {
        let element = format == "int" ? "int\(bits)" : format == "float" ? "fp\(bits)" : format
        var s = method == "bitsandbytes" ? "bnb" : method
        if element != method { s += " " + element }
        switch scales {
        case .tensor: s += " per-tensor"
        case .channel: s += " per-channel"
        case .group(let g): s += " g\(g)"
        case .block(let r, let c): s += " block \(r)×\(c)"
        case .absmax(let size, let double): s += " block \(size)" + (double ? " double-quant" : "")
        }
        return s
    }
}
