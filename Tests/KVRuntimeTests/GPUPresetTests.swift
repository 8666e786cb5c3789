import KVLang
import KVRuntime
import XCTest

/// The accelerator presets added for issue 10: each memory as its source states it (stdlib/gpus.kv cites them).
final class GPUPresetTests: XCTestCase {
    func testMemoryAsTheSourcesGiveIt() {
        let mib = 1_048_576.0, gib = 1_073_741_824.0
        let expected: [(String, Double)] = [
            ("A10G", 21.99 * gib),            // vLLM total_gpu_memory (21.99GiB), calibration vllm-15360
            ("L4", 22.03 * gib),              // "22.03 GiB visible to PyTorch"
            ("A40", 45416 * mib),             // total_memory=45416MB
            ("RTX3090", 24268 * mib),         // total_memory=24268MB
            ("RTX_A6000", 48676 * mib),       // total_memory=48676MB (ECC off)
            ("H800", 85_017_493_504),         // as the H100 SXM
            ("H20", 97285 * mib),             // total_memory=97285MB
            ("H100_NVL", 99_456_909_312),     // gpu_total_bytes
            ("MI308X", 196_592 * mib),        // as the MI300X: 192 GiB less 16 MiB
            ("MI325X", 262_128 * mib),        // 256 GiB less the same 16 MiB
            ("GB200", 188_730 * mib),         // 182642 MiB × 186 / 180 = 188,730.07 MiB
        ]
        for (name, bytes) in expected {
            XCTAssertEqual(Run.number("\(name).memory / 1 B"), bytes, accuracy: 1, name)
        }
    }

    /// The ECC-on A6000 of the calibration log: kv_capacity sized against 44.55 GiB, as the note in gpus.kv says.
    func testECCOverride() {
        XCTAssertEqual(Run.number("(RTX_A6000 with {memory: 44.55 GiB}).memory") / 1_073_741_824, 44.55,
                       accuracy: 1e-12)
    }
}
