/// Cuts a byte stream (standard input) into lines, sans I/O: feed it what `read(2)` returned,
/// get the complete lines back. A line ends at `\n` (a `\r` before it is dropped); a line over
/// `maxLineBytes` is reported once and skipped to its end, so memory stays bounded.
///
/// ```swift
/// var lines = LineSplitter(maxLineBytes: 1024)
/// lines.append(Array("hi\nthe".utf8)[...])   // [.text("hi")]
/// lines.finish()                               // [.text("the")]
/// ```
struct LineSplitter {
    enum Line: Equatable {
        case text(String)
        /// Line `number` (from 1) was not UTF-8.
        case invalidUTF8(Int)
        /// Line `number` was longer than the limit.
        case tooLong(Int)
    }

    let maxLineBytes: Int
    private var partial: [UInt8] = []
    private var overflowing = false
    private var lineNumber = 0

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func append(_ bytes: ArraySlice<UInt8>) -> [Line] {
        var lines: [Line] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            add(bytes[start..<newline])
            lines.append(endLine())
            start = newline + 1
        }
        add(bytes[start...])
        return lines
    }

    /// The last line when the input ended without a newline.
    mutating func finish() -> [Line] {
        partial.isEmpty && !overflowing ? [] : [endLine()]
    }

    private mutating func add(_ bytes: ArraySlice<UInt8>) {
        guard !overflowing else { return }
        if partial.count + bytes.count > maxLineBytes + 1 {  // +1: room for a "\r" to drop
            overflowing = true
            partial.removeAll()
        } else {
            partial += bytes
        }
    }

    private mutating func endLine() -> Line {
        lineNumber += 1
        defer {
            partial.removeAll(keepingCapacity: true)
            overflowing = false
        }
        if overflowing { return .tooLong(lineNumber) }
        if partial.last == 0x0D { partial.removeLast() }
        if partial.count > maxLineBytes { return .tooLong(lineNumber) }
        guard let text = String(validating: partial, as: UTF8.self) else { return .invalidUTF8(lineNumber) }
        return .text(text)
    }
}
