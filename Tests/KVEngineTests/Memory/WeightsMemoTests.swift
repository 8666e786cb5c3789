import XCTest
@testable import KVEngine

/// `weights(options:)` remembers its last answer (WeightsMemo.swift): a sweep must get the same figures as fresh
/// calls, and a change to the model or the options must never be answered from the memo.
final class WeightsMemoTests: XCTestCase {
    func testSweepPointsMatchTheFirstCallAndChangesAreSeen() throws {
        let m = try Fixtures.model("llama-2-7b")
        // Llama-2-7B weights in bf16: 13,476,831,232 B (MemoryPlanTests); the same on every point of a sweep.
        for batch in [1, 2, 3, 1] {
            XCTAssertEqual(try m.memory(gpu: h100, batch: batch, seq: 2048).weights, 13_476_831_232)
        }
        // fp32 doubles every parameter: 26,953,662,464 B. Then back to bf16.
        XCTAssertEqual(try m.weights(options: MemoryOptions(dtype: .fp32)).bytes, 26_953_662_464)
        XCTAssertEqual(try m.weights(options: MemoryOptions()).bytes, 13_476_831_232)
        // One layer fewer: one decoder layer is 4·4096² + 3·4096·11008 + 2·4096 = 202,383,360 parameters
        // = 404,766,720 B, so 13,476,831,232 − 404,766,720 = 13,072,064,512.
        var fewer = m
        fewer.layers = 31
        XCTAssertEqual(try fewer.weights(options: MemoryOptions()).bytes, 13_072_064_512)
        XCTAssertEqual(try m.weights(options: MemoryOptions()).bytes, 13_476_831_232)
    }

    func testErrorsAreNotRemembered() throws {
        let m = try Fixtures.model("llama-2-7b")
        _ = try m.weights(options: MemoryOptions())
        // 32 heads do not split over 3 chips: an error every time, never the memo's answer.
        XCTAssertThrowsError(try m.weights(options: MemoryOptions(tp: 3)))
        XCTAssertThrowsError(try m.weights(options: MemoryOptions(tp: 3)))
    }
}
