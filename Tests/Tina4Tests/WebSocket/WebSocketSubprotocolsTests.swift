import Testing
@testable import Tina4

/// Reading `Sec-WebSocket-Protocol` offers and choosing one (RFC 6455 §4.1, §4.2.2).
@Suite struct WebSocketSubprotocolsTests {
    @Test func offersAreReadFromCommaListsOverSeveralLinesInOrder() throws {
        #expect(try WebSocketSubprotocols.offered(in: []) == [])
        #expect(try WebSocketSubprotocols.offered(in: ["chat.v2, chat.v1", "\tsoap ,,wamp "]) == ["chat.v2", "chat.v1", "soap", "wamp"])
    }

    @Test(arguments: ["chat v1", "chat/v1", "\"chat\"", "chat;v=1", "ch\u{E4}t", "a,b c"])
    func anElementThatIsNotATokenIsRefused(_ value: String) {
        #expect(throws: WebSocketSubprotocols.InvalidOffer.self) { try WebSocketSubprotocols.offered(in: [value]) }
    }

    @Test func theFirstProtocolTheClientOfferedThatTheRouteSupportsIsChosen() {
        let supported = ["chat.v1", "chat.v2"]
        #expect(WebSocketSubprotocols.choose(offered: ["chat.v2", "chat.v1"], supported: supported) == 1)
        #expect(WebSocketSubprotocols.choose(offered: ["wamp", "chat.v1"], supported: supported) == 0)
        #expect(WebSocketSubprotocols.choose(offered: ["CHAT.V1"], supported: supported) == nil)   // case-sensitive
        #expect(WebSocketSubprotocols.choose(offered: ["wamp"], supported: supported) == nil)
        #expect(WebSocketSubprotocols.choose(offered: ["chat.v1"], supported: []) == nil)
        #expect(WebSocketSubprotocols.choose(offered: [], supported: supported) == nil)
    }
}
