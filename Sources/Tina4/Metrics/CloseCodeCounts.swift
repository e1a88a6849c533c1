/// How many WebSocket connections ended with each close code, in a fixed table so that the
/// `code` label stays bounded: 1000–1015 each have a slot, every other code (3000–4999 from
/// applications, anything odd) shares `other`.
///
/// ```swift
/// var counts = CloseCodeCounts()
/// counts.record(1000); counts.record(4001)
/// counts.nonZero    // [("1000", 1), ("other", 1)]
/// ```
struct CloseCodeCounts: Sendable {
    private static let first: UInt16 = 1000
    private static let known = 16   // 1000...1015
    private var counts = [Int](repeating: 0, count: known + 1)

    mutating func record(_ code: UInt16) {
        let index = code >= Self.first && Int(code - Self.first) < Self.known ? Int(code - Self.first) : Self.known
        counts[index] &+= 1
    }

    /// The codes seen, as label values with their counts, in code order (`other` last).
    var nonZero: [(code: String, count: Int)] {
        counts.indices.compactMap { index in
            guard counts[index] > 0 else { return nil }
            return (index == Self.known ? "other" : String(Int(Self.first) + index), counts[index])
        }
    }
}
