/// The commands that open a Redis connection from its URL (AUTH, then SELECT) and the check of
/// their replies; sans-I/O.
///
/// ```swift
/// var handshake = RedisHandshake(url: try RedisURL(parsing: "redis://app:pw@cache/2"))
/// handshake.commands          // AUTH app pw, SELECT 2 (one write)
/// handshake.receive(.simpleString("OK"))   // .more
/// handshake.receive(.simpleString("OK"))   // .done
/// ```
struct RedisHandshake: Sendable {
    enum Step: Equatable, Sendable {
        case more
        case done
        /// Redis refused: the reason for the log (never the password).
        case failed(String)
    }

    private var expected: [String] = []
    private var index = 0
    /// Every command of the handshake, pipelined; empty when nothing needs saying.
    let commands: [UInt8]

    init(url: RedisURL) {
        var out: [UInt8] = []
        var expected: [String] = []
        if let password = url.password {
            if let username = url.username {
                RESPEncoder.append(command: [Array("AUTH".utf8), Array(username.utf8), Array(password.utf8)], to: &out)
                expected.append("AUTH as \(username)")
            } else {
                RESPEncoder.append(command: [Array("AUTH".utf8), Array(password.utf8)], to: &out)
                expected.append("AUTH")
            }
        }
        if url.database != 0 {
            RESPEncoder.append(command: [Array("SELECT".utf8), Array(String(url.database).utf8)], to: &out)
            expected.append("SELECT \(url.database)")
        }
        self.commands = out
        self.expected = expected
    }

    /// True when there is nothing to wait for.
    var isEmpty: Bool { expected.isEmpty }

    /// Checks the next reply.
    mutating func receive(_ reply: RESPValue) -> Step {
        guard index < expected.count else { return .done }
        let command = expected[index]
        index += 1
        switch reply {
        case .simpleString("OK"):
            return index == expected.count ? .done : .more
        case .error(let message):
            return .failed("Redis refused \(command): \(message)")
        default:
            return .failed("unexpected reply to \(command): \(reply)")
        }
    }
}
