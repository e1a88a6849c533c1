/// One RESP2 value, as Redis sends it (redis.io, "Redis serialization protocol").
///
/// ```
/// +OK\r\n                      .simpleString("OK")
/// -ERR unknown command\r\n     .error("ERR unknown command")
/// :3\r\n                       .integer(3)
/// $5\r\nhello\r\n              .bulkString([104, 101, 108, 108, 111])
/// $-1\r\n                      .bulkString(nil)          (the null bulk string)
/// *2\r\n:1\r\n:2\r\n           .array([.integer(1), .integer(2)])
/// *-1\r\n                      .array(nil)               (the null array)
/// ```
public enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString([UInt8]?)
    case array([RESPValue]?)

    /// The text of a simple or bulk string (bulk bytes decoded as UTF-8, repaired); nil otherwise.
    public var text: String? {
        switch self {
        case .simpleString(let s): s
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The bytes of a bulk string (or a simple string's UTF-8); nil otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case .simpleString(let s): Array(s.utf8)
        case .bulkString(let bytes?): bytes
        default: nil
        }
    }
}
