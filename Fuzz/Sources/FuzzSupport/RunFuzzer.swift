import CLibFuzzer
import Glibc

/// The test the fuzzing loop runs on each input: set once by ``runFuzzer(_:)`` before libFuzzer
/// starts, then only read from libFuzzer's one fuzzing thread.
nonisolated(unsafe) private var fuzzTest: ((UnsafeRawBufferPointer) -> Void)?

/// Hands the process to libFuzzer (its flags come from the command line), which calls `test`
/// with each input. A target's `main.swift` is one call:
///
/// ```swift
/// runFuzzer { bytes in
///     _ = try? JSON.parse(bytes)
/// }
/// ```
///
/// SwiftPM links every executable with `main` aliased to the module's own entry point, so a
/// target cannot use libFuzzer's `main`; `LLVMFuzzerRunDriver` is libFuzzer's entry for that.
public func runFuzzer(_ test: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    fuzzTest = test
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in testOneInput(data, size) })
}

/// libFuzzer's per-input callback (the archive's `main` object, which the linker may pull in,
/// also refers to it by this name).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTest?(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
