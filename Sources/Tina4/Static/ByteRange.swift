extension StaticFiles {
    /// A `Range: bytes=…` request header (RFC 9110 §14.2) resolved against a representation's size.
    ///
    /// Only one range is honoured; several ranges, other units or bad syntax are ignored and the
    /// whole file is sent, as the RFC allows.
    /// ```swift
    /// StaticFiles.ByteRange.resolve("bytes=0-99", size: 1000)    // .satisfiable(0...99)
    /// StaticFiles.ByteRange.resolve("bytes=-10", size: 1000)     // .satisfiable(990...999)
    /// StaticFiles.ByteRange.resolve("bytes=2000-", size: 1000)   // .unsatisfiable
    /// StaticFiles.ByteRange.resolve("bytes=0-1,5-9", size: 1000) // .ignored
    /// ```
    enum ByteRange: Equatable {
        /// Send the whole representation with 200.
        case ignored
        /// Send these bytes with 206.
        case satisfiable(ClosedRange<Int>)
        /// Answer 416 with `Content-Range: bytes */size`.
        case unsatisfiable

        static func resolve(_ header: String, size: Int) -> ByteRange {
            let bytes = Array(header.utf8)
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
                  HTTPBytes.equalsIgnoringCase(trimmed(bytes[..<equals]), "bytes".utf8) else { return .ignored }
            let spec = trimmed(bytes[(equals + 1)...])
            guard !spec.contains(UInt8(ascii: ",")), let dash = spec.firstIndex(of: UInt8(ascii: "-")) else {
                return .ignored
            }
            let first = spec[..<dash]
            let last = spec[(dash + 1)...]
            if first.isEmpty {
                // Suffix range: the final `n` bytes; n == 0 or an empty file has none to give.
                guard let count = number(last) else { return .ignored }
                guard count > 0, size > 0 else { return .unsatisfiable }
                return .satisfiable(max(0, size - count)...(size - 1))
            }
            guard let start = number(first) else { return .ignored }
            var end = size - 1
            if !last.isEmpty {
                guard let requestedEnd = number(last), requestedEnd >= start else { return .ignored }
                end = min(requestedEnd, size - 1)
            }
            guard start < size else { return .unsatisfiable }
            return .satisfiable(start...end)
        }

        /// Decimal digits as an Int, saturating at `Int.max` (a huge offset is simply past the end).
        private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
            guard !digits.isEmpty else { return nil }
            var value = 0
            for digit in digits {
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
                let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                value = overflowA || overflowB ? Int.max : sum
            }
            return value
        }

        private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var slice = bytes
            while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
            while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
            return slice
        }
    }
}
