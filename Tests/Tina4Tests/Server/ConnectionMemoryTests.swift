import Glibc
import Testing
@testable import Tina4

/// glibc's `malloc_usable_size` (declared in `<malloc.h>`, which the Glibc module does not export).
@_silgen_name("malloc_usable_size")
private func mallocUsableSize(_ pointer: UnsafeMutableRawPointer?) -> Int

/// What one connection costs on the transport side: the channel object, the loop's slot for its
/// fd and the server registry's slot. (The session on top is counted by `scripts/bench`.)
@MainActor @Suite struct ConnectionMemoryTests {
    @Test func aChannelWithItsLoopAndRegistrySlotsStaysAt144BytesOrLess() {
        let group = ChannelGroup(loop: FakeLoop(), log: Log(minimum: .error), maxOutputBytes: 1 << 20, lingerMilliseconds: 2_000)
        let channel = Channel(fd: -1, group: group)
        let object = mallocUsableSize(Unmanaged.passUnretained(channel).toOpaque())
        let loopSlot = MemoryLayout<Channel?>.stride             // EventLoop.channels, indexed by fd
        let registrySlot = MemoryLayout<Channel>.stride           // ChannelGroup.channels
        let total = object + 8 /* malloc's chunk header */ + loopSlot + registrySlot
        print("channel object \(object) B usable (+8 header), loop slot \(loopSlot) B, registry slot \(registrySlot) B: \(total) B per connection")
        // 144: the output queue keeps a lone chunk inline (no array for the common one-frame write).
        #expect(total <= 144)
    }
}

/// The WebSocket side of an idle connection: one object, its machine inline. The heartbeat bit
/// and the rate-limit bucket live in the machine without growing it (68 bytes), so the object
/// stays at 240 bytes (248 usable in glibc's 256-byte chunk).
@MainActor @Suite struct WebSocketConnectionMemoryTests {
    final class NullTransport: WebSocketTransport {
        func send(_ bytes: OutgoingBytes) {}
        func closeWhenFlushed() {}
        func closeNow() {}
    }

    @Test func anIdleWebSocketConnectionObjectStaysIn248Bytes() {
        let connection = testConnection(path: "/ws", hub: WebSocketHub(), transport: NullTransport())
        let object = mallocUsableSize(Unmanaged.passUnretained(connection).toOpaque())
        let machine = MemoryLayout<WebSocketConnectionMachine>.size
        print("WebSocketConnection object \(object) B usable, machine \(machine) B inline")
        #expect(machine <= 68)
        #expect(object <= 248)
    }
}
