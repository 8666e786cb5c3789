import CFuzzerDriver
import Foundation
import FuzzSupport

/// bytes → a kvcalc program run in a Session with the stdlib loaded once; every value printed as text and JSON.
nonisolated(unsafe) private var harness: ProgramHarness?

func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes, let harness else { return 0 }
    harness.run(text(data, size))
    return 0
}

// Loaded before the driver starts, so no input is charged with the stdlib's allocations: libFuzzer's leak check
// runs when an input's mallocs and frees do not balance.
harness = ProgramHarness()
harness?.run("memory(llama3_8b, gpu: H100, batch: 1, seq: 1 token)")

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
