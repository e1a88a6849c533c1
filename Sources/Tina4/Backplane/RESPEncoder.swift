/// Encodes Redis commands: a command is a RESP2 array of bulk strings.
///
/// ```swift
/// RESPEncoder.command("PUBLISH", "tina4:ws", "hi")
/// // *3\r\n$7\r\nPUBLISH\r\n$8\r\ntina4:ws\r\n$2\r\nhi\r\n
/// ```
public enum RESPEncoder {
    /// A command from text arguments.
    public static func command(_ arguments: String...) -> [UInt8] {
        command(arguments.map { Array($0.utf8) })
    }

    /// A command from byte arguments (binary-safe: a bulk string carries its length).
    public static func command(_ arguments: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(arguments.reduce(16) { $0 + $1.count + 16 })
        append(command: arguments, to: &out)
        return out
    }

    /// Appends a command to `out` (for pipelining several into one write).
    public static func append(command arguments: [[UInt8]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        appendDecimal(arguments.count, to: &out)
        for argument in arguments {
            out.append(UInt8(ascii: "$"))
            appendDecimal(argument.count, to: &out)
            out.append(contentsOf: argument)
            out.append(13)
            out.append(10)
        }
    }

    /// `n` in decimal followed by CRLF.
    private static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(n).utf8)
        out.append(13)
        out.append(10)
    }
}
