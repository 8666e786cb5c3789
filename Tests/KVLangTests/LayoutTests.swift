@testable import KVLang
import XCTest

/// Values are copied on every step of evaluation: a large case (a chart or table stored inline) once made every
/// copy a memmove and the interpreter three times slower. Keep them small.
final class LayoutTests: XCTestCase {
    func testValuesStaySmall() {
        XCTAssertLessThanOrEqual(MemoryLayout<Quantity>.size, 24)
        XCTAssertLessThanOrEqual(MemoryLayout<Value>.size, 32)
    }
}
