/// The commands that open a Redis connection and the check of their replies; sans-I/O. AUTH
/// and SELECT from the URL, then what proves Redis is there for this connection's role: the
/// subscriber's SUBSCRIBE (one confirmation per channel), the publisher's PING (its PONG). The
/// connection is up only when every reply has come back right: a TCP connect alone proves
/// nothing (the kernel completes it into the backlog of a Redis that is stopped or hung).
///
/// ```swift
/// var handshake = RedisHandshake(url: try RedisURL(parsing: "redis://app:pw@cache/2"))
/// handshake.commands          // AUTH app pw, SELECT 2, PING (one write)
/// handshake.receive(.simpleString("OK"))     // .more
/// handshake.receive(.simpleString("OK"))     // .more
/// handshake.receive(.simpleString("PONG"))   // .done: the publisher is up
///
/// var subscribing = RedisHandshake(url: RedisURL(), subscribingTo: ["tina4:ws"])
/// subscribing.commands        // SUBSCRIBE tina4:ws
/// subscribing.receive(.array([.bulkString(Array("subscribe".utf8)), .bulkString(Array("tina4:ws".utf8)), .integer(1)]))   // .done
/// ```
struct RedisHandshake: Sendable {
    enum Step: Equatable, Sendable {
        case more
        case done
        /// Redis refused or said something else: the reason for the log (never the password).
        case failed(String)
    }

    /// A reply the handshake waits for, and the command it answers (for the log).
    private enum Expected: Sendable {
        case ok(command: String)
        case pong
        case subscribed(channel: String)
    }

    private var expected: [Expected] = []
    private var index = 0
    /// Every command of the handshake, pipelined; never empty.
    let commands: [UInt8]

    /// The handshake of a subscriber to `channels`, or of a publisher (PING) when `channels` is empty.
    init(url: RedisURL, subscribingTo channels: [String] = []) {
        var out: [UInt8] = []
        var expected: [Expected] = []
        if let password = url.password {
            if let username = url.username {
                RESPEncoder.append(command: [Array("AUTH".utf8), Array(username.utf8), Array(password.utf8)], to: &out)
                expected.append(.ok(command: "AUTH as \(username)"))
            } else {
                RESPEncoder.append(command: [Array("AUTH".utf8), Array(password.utf8)], to: &out)
                expected.append(.ok(command: "AUTH"))
            }
        }
        if url.database != 0 {
            RESPEncoder.append(command: [Array("SELECT".utf8), Array(String(url.database).utf8)], to: &out)
            expected.append(.ok(command: "SELECT \(url.database)"))
        }
        if channels.isEmpty {
            RESPEncoder.append(command: [Array("PING".utf8)], to: &out)
            expected.append(.pong)
        } else {
            RESPEncoder.append(command: [Array("SUBSCRIBE".utf8)] + channels.map { Array($0.utf8) }, to: &out)
            expected += channels.map { .subscribed(channel: $0) }
        }
        self.commands = out
        self.expected = expected
    }

    /// Checks the next reply; `.done` when it was the last one.
    mutating func receive(_ reply: RESPValue) -> Step {
        guard index < expected.count else { return .done }
        let step = expected[index]
        index += 1
        let right: Bool
        let command: String
        switch step {
        case .ok(let name):
            command = name
            right = reply == .simpleString("OK")
        case .pong:
            command = "PING"
            right = reply == .simpleString("PONG")
        case .subscribed(let channel):
            command = "SUBSCRIBE \(channel)"
            if case .array(let items?) = reply, items.count == 3, items[0].text == "subscribe", items[1].text == channel {
                right = true
            } else {
                right = false
            }
        }
        if right { return index == expected.count ? .done : .more }
        if case .error(let message) = reply { return .failed("Redis refused \(command): \(message)") }
        return .failed("unexpected reply to \(command): \(reply)")
    }
}
