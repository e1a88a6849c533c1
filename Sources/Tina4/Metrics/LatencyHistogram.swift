/// A Prometheus histogram of durations with fixed bucket bounds in seconds: recording is one
/// short scan and two integer adds, no allocation.
///
/// ```swift
/// var histogram = LatencyHistogram()
/// histogram.record(nanoseconds: 3_000_000)       // 3 ms: counted in the 0.005 bucket and above
/// histogram.cumulativeCounts.last                 // 1 (+Inf)
/// ```
struct LatencyHistogram: Sendable {
    /// Upper bounds in seconds (`le`), ascending; `+Inf` is implied.
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private static let boundNanoseconds: [UInt64] = bounds.map { UInt64($0 * 1e9) }

    /// Per bucket (not cumulative); the last slot is above every bound.
    private var counts = [Int](repeating: 0, count: bounds.count + 1)
    private(set) var sumNanoseconds: UInt64 = 0
    private(set) var count = 0

    mutating func record(nanoseconds: UInt64) {
        var index = 0
        while index < Self.boundNanoseconds.count && nanoseconds > Self.boundNanoseconds[index] { index += 1 }
        counts[index] &+= 1
        sumNanoseconds &+= nanoseconds
        count &+= 1
    }

    /// Observations at or below each bound, then the total (`+Inf`).
    var cumulativeCounts: [Int] {
        var running = 0
        return counts.map { running &+= $0; return running }
    }

    var sumSeconds: Double { Double(sumNanoseconds) / 1e9 }
}
