@testable import KVLang
import XCTest

/// Field access compares short names by their bits first (Interpreter.fieldValue): short and long names, the
/// first and last key, a missing field, and memory()'s record must all read as a dictionary lookup does.
final class FieldLookupTests: XCTestCase {
    func testShortAndLongNamesFindTheirFields() {
        let r = "let r = {a: 1, weights: 2, a_name_longer_than_15_bytes: 3, total: 4, z: 5}\n"
        XCTAssertEqual(Eval.text(r + "[r.a, r.weights, r.a_name_longer_than_15_bytes, r.total, r.z]"), "[1, 2, 3, 4, 5]")
        XCTAssertEqual(Eval.text(r + "r[\"a_name_longer_than_15_bytes\"] + r[\"z\"]"), "8")
        XCTAssertEqual(Eval.text("({a: 1} with {a: 9}).a"), "9")
    }

    func testAMissingFieldIsStillAnError() {
        let e = Eval.error("let r = {total: 1, weights: 2}\nr.totl")
        XCTAssertEqual(e?.message, "no field `totl` in this record")
        XCTAssertEqual(Eval.error("{a_name_longer_than_15_bytes: 1}.a_name_longer_than_15_byte")?.message,
                       "no field `a_name_longer_than_15_byte` in this record")
    }

    func testMemoryRecordFields() {
        // llama3_8b on an H100, batch 1, seq 2048: KV = 2 × 32 layers × 8 KV heads × 128 × 2 bytes × 2048
        // = 268,435,456 bytes = 0.25 GiB; the record's last field is `devices`, its fourth `total`.
        XCTAssertEqual(Eval.text("memory(llama3_8b, H100, batch: 1, seq: 2048).kv_cache -> GiB"), "0.25 GiB")
        XCTAssertEqual(Eval.text("memory(llama3_8b, H100, batch: 1, seq: 2048).devices"), "1 GPU")
        let m = "let m = memory(llama3_8b, H100, batch: 1, seq: 2048)\n"
        XCTAssertEqual(Eval.text(m + "m.total == m.weights + m.kv_cache + m.activation"), "true")
    }
}
