import CFuzzerDriver
import Foundation
import KVEngine

/// bytes → `EngineLog.parse`, strict and not: whatever the log, each reading returns a record or an EngineLogError
/// (never a trap or a hang), and what must hold whatever the log holds does: a record states some figure, every
/// unparsed line has a place, strict reading succeeds exactly when nothing is unparsed, and then both readings
/// give the same fields.
func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let lenient = try? EngineLog.parse(input, path: "fuzz.log", strict: false)
    let strict = try? EngineLog.parse(input, path: "fuzz.log", strict: true)
    if let log = lenient {
        precondition(log.fields.keys.contains { !$0.isFlag }, "a record with no figure")
        for u in log.unparsed { precondition(u.line >= 1 && u.column >= 1, "unparsed at \(u.line):\(u.column)") }
        precondition((strict != nil) == log.unparsed.isEmpty, "strict reading disagrees with the unparsed list")
    }
    if let s = strict {
        precondition(lenient?.fields == s.fields && lenient?.engine == s.engine, "strict and lenient readings differ")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
