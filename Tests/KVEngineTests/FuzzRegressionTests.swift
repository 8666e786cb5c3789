import Foundation
import XCTest
@testable import KVEngine

/// Inputs the libFuzzer campaign found trapping (Fuzz/FINDINGS.md), minimised: each must now be a located error.
final class FuzzRegressionTests: XCTestCase {
    /// F1: a sliding-window model type with an absurd or negative layer count built its per-layer window list before
    /// the count was checked (an 8 PB allocation for 1e15; "Range requires lowerBound <= upperBound" for -8).
    func testHFConfigLayerCountIsCheckedBeforeLayersAreListed() {
        for type in ["mistral", "mixtral", "gemma2", "qwen2", "qwen3"] {
            for layers in ["1e15", "1e30", "-8", "0"] {
                let json = """
                    {"model_type": "\(type)", "num_hidden_layers": \(layers), "hidden_size": 4096,
                     "num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 14336,
                     "num_local_experts": 8, "num_experts_per_tok": 2, "head_dim": 128,
                     "use_sliding_window": true, "sliding_window": 4096, "max_window_layers": 2}
                    """
                XCTAssertThrowsError(try ModelSpec(hfConfigJSON: Data(json.utf8)), "\(type), \(layers) layers") {
                    XCTAssertEqual(($0 as? EngineError)?.argument, "num_hidden_layers", "\(type), \(layers): \($0)")
                }
            }
        }
    }
}
