/// Stops the fuzzer with a crash when an invariant does not hold: libFuzzer saves the input
/// and prints `message` (a `precondition` would be the same, but reads as an assertion on
/// the code under test, not on the fuzz target's own checks).
///
/// ```swift
/// invariant(parsedAgain == value, "JSON serialize → parse changed the value")
/// ```
public func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("invariant failed: \(message())", file: file, line: line) }
}
