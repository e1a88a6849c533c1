// swift-tools-version:6.0
// libFuzzer targets for Tina4's parsers and state machines, in a package of their own so a
// plain `swift build` of Tina4 never builds them. `scripts/fuzz` builds them (release, with
// `-sanitize=fuzzer,address -enable-testing`) and runs each on its seed corpus (Corpus/<target>/)
// with its dictionary (Dictionaries/<target>.dict). They `@testable import Tina4` to reach the
// internal machines.
import PackageDescription

// A path dependency is named after its directory (`tina4`, `wt-fuzz`, ...): Tina4 is `..`.
let tina4 = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "tina4")

/// One executable per fuzz target, named as `scripts/fuzz` lists them.
let fuzzTargets = [
    "FuzzHTTPRequestParser", "FuzzWebSocketFrameDecoder", "FuzzWebSocketConnection",
    "FuzzJSON", "FuzzFrond", "FuzzRESP",
]

let package = Package(
    name: "Tina4Fuzz",
    products: fuzzTargets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(path: "..")],
    targets: [
        // Declares LLVMFuzzerRunDriver (libFuzzer itself comes with -sanitize=fuzzer).
        .systemLibrary(name: "CLibFuzzer"),
        // runFuzzer, invariant, Splits: what every target shares.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "Tina4", package: tina4)])
    },
    swiftLanguageModes: [.v6]
)
