// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tina4",
    products: [
        .executable(name: "tina4", targets: ["Tina4Demo"]),
        .library(name: "Tina4", targets: ["Tina4"]),
    ],
    targets: [
        // The C glue Swift cannot reach on Linux: epoll, timerfd, accept4, and the fd of libdispatch's main queue.
        .target(name: "CShims"),
        // zlib from the OS (zlib1g-dev), for permessage-deflate (RFC 7692). No package.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The framework: HTTP/1.1 + WebSocket server, router, Frond templates, static files.
        .target(name: "Tina4", dependencies: ["CShims", "CZlib"], linkerSettings: [.linkedLibrary("m")]),
        // The `tina4` executable: the CLI and the chapter's demos.
        .executableTarget(name: "Tina4Demo", dependencies: ["Tina4"]),
        // Helpers both test targets share (temporary directories, log capture); not a product.
        .target(name: "Tina4TestSupport", dependencies: ["Tina4"], path: "Tests/Tina4TestSupport"),
        .testTarget(name: "Tina4Tests", dependencies: ["Tina4", "Tina4TestSupport"]),
        .testTarget(name: "Tina4DemoTests", dependencies: ["Tina4", "Tina4Demo", "Tina4TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
