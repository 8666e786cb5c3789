import CFuzzerDriver
import Foundation
import KVEngine

/// bytes → the hf_config JSON reader, then every question the memory builtins ask of the model it returns
/// (parameters, weights under parallelism, KV per token and for a batch), so an accepted config is also computed on.
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    let bytes = Data(bytes: data, count: size)
    guard let model = try? ModelSpec(hfConfigJSON: bytes, name: "fuzz") else { return 0 }
    _ = try? model.params()
    _ = try? model.params(active: true)
    _ = try? model.paramBreakdown()
    for dtype in [DType.bf16, .fp8, .int4] {
        _ = try? model.weights(dtype: dtype)
        _ = try? model.weights(dtype: dtype, tp: 8, pp: 2, ep: 4)
    }
    _ = try? model.kvPerToken()
    _ = try? model.kvCache(batch: 8, seq: 4096)
    _ = try? model.kvCache(batch: 1, seq: 1 << 20, kvDtype: .fp8, tp: 8, pp: 4)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
