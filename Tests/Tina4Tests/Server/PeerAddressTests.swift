import Testing
@testable import Tina4

/// The key the per-address cap counts by: IPv4 and IPv4-mapped IPv6 are one peer.
@Suite struct PeerAddressTests {
    @Test func ipv4AndItsMappedFormAreOneAddress() {
        let ipv4 = PeerAddress(ipv4: 0x7F00_0001)
        #expect(ipv4 == PeerAddress(high: 0, low: 0xFFFF_7F00_0001))
        #expect(ipv4.description == "127.0.0.1")
        #expect(PeerAddress(ipv4: 0x0A00_0102).description == "10.0.1.2")
    }

    @Test func ipv6IsWrittenAsEightGroups() {
        let address = PeerAddress(high: 0x2001_0DB8_0000_0000, low: 0x0000_0000_0000_0001)
        #expect(address.description == "2001:db8:0:0:0:0:0:1")
        #expect(address != PeerAddress(ipv4: 1))
    }

    @Test func loopbackIs127Slash8AndColonColon1() {
        #expect(PeerAddress(ipv4: 0x7F00_0001).isLoopback && PeerAddress(ipv4: 0x7F12_3456).isLoopback)
        #expect(!PeerAddress(ipv4: 0x0A00_0001).isLoopback && !PeerAddress(ipv4: 0x8000_0001).isLoopback)
        #expect(PeerAddress(high: 0, low: 1).isLoopback)
        #expect(!PeerAddress(high: 0, low: 2).isLoopback && !PeerAddress(high: 0x2001_0DB8_0000_0000, low: 1).isLoopback)
    }
}
