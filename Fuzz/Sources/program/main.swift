import CFuzzerDriver
import Foundation
import FuzzSupport

/// bytes → a kvcalc program run in a Session with the stdlib loaded once; every value printed as text and JSON.
nonisolated(unsafe) private var harness: ProgramHarness?

func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    let h = harness ?? ProgramHarness()
    harness = h
    h.run(text(data, size))
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
