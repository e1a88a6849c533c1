import Dispatch
import Testing
@testable import Tina4
@testable import Tina4Demo

extension DemoTests {
    /// Gotcha 6 and 7 of the chapter: per-user state lives only while its connection does. The
    /// demos' main-actor dictionaries (`chatUsers` of the live chat, `roomUsers` of the exercise
    /// room) and the hub's per-path groups lose every entry when connections go, whether they
    /// close properly or vanish without a close frame.
    @Suite struct DemoState {
        @Test func everyEntryIsRemovedWhenItsConnectionClosesOrDrops() async throws {
            try await withDemoServer { server in
                var clients: [Client] = []
                for index in 0..<12 {
                    let live = try await Client.connect(server.ws + "/ws/livechat/state\(index % 3)")
                    _ = try await live.receiveObject()   // welcome: the entry exists
                    try await live.send(#"{"type":"set-username","username":"user\#(index)"}"#)
                    _ = try await live.receiveObject()
                    let room = try await Client.connect(server.ws + "/ws/room/state\(index % 4)")
                    _ = try await room.receiveObject()
                    try await room.send(#"{"type":"set-name","name":"user\#(index)"}"#)
                    clients += [live, room]
                }
                #expect(await MainActor.run { chatUsers.count } == 12)
                #expect(await MainActor.run { roomUsers.count } == 12)
                for (index, client) in clients.enumerated() {
                    if index % 2 == 0 { _ = try await client.close() } else { try await client.disconnect() }   // no close frame
                }
                let emptied = await Self.waitUntil(seconds: 10) {
                    chatUsers.isEmpty && roomUsers.isEmpty && Router.hub.localCounts().isEmpty
                }
                let left = await MainActor.run { "\(chatUsers.keys.sorted()) \(roomUsers.keys.sorted()) \(Router.hub.localCounts())" }
                #expect(emptied, "left behind: \(left)")
            }
        }

        /// Polls `condition` on the main actor until it holds or `seconds` pass (the server's
        /// `.close` handlers run there when the sockets' ends are read).
        static func waitUntil(seconds: Double, _ condition: @MainActor () -> Bool) async -> Bool {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            while DispatchTime.now().uptimeNanoseconds < deadline {
                if await MainActor.run(body: condition) { return true }
                try? await Task.sleep(nanoseconds: 5_000_000)
            }
            return await MainActor.run(body: condition)
        }
    }
}
