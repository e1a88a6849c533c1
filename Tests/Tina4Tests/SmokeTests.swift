import Testing
@testable import Tina4
@Test func versionIsSet() { #expect(!Tina4.version.isEmpty) }
