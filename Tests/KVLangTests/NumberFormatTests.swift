@testable import KVLang
import XCTest

final class NumberFormatTests: XCTestCase {
    func testFormats() {
        let cases: [(Double, String)] = [
            (0, "0"), (1, "1"), (-2.5, "-2.5"), (1024, "1024"), (12345, "12,345"), (419_430.4, "419,430.4"),
            (1 / 3, "0.3333333"), (0.1 + 0.2, "0.3"), (0.00012, "0.00012"), (1.5e20, "1.5e20"), (1_073_741_824, "1,073,741,824"), (12.583984375, "12.58398"), (2e-7, "2e-7"),
            (99.99999999999, "99.99999999999"), (9_999_999_999.9, "9,999,999,999.9"), (-0.0, "0"),
        ]
        for (x, s) in cases { XCTAssertEqual(NumberFormat.format(x), s, "\(x)") }
    }

    func testJSONNumbers() {
        XCTAssertEqual(NumberFormat.json(2_147_483_648), "2147483648")
        XCTAssertEqual(NumberFormat.json(0.1), "0.1")
        XCTAssertEqual(NumberFormat.json(1e300), "1e+300")
    }
}
