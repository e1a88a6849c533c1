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
