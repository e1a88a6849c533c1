import Testing
@testable import Tina4Demo
@Test func demoModuleLinks() { #expect(Bool(true)) }
