/// HTTP requests by method and status class, in a fixed table so that both labels stay
/// bounded: the usual methods each have a row, anything else is `other`; statuses count by
/// class (`1xx`…`5xx`).
///
/// ```swift
/// var counts = HTTPRequestCounts()
/// counts.record(method: "GET", status: 200)
/// counts.nonZero   // [(method: "GET", statusClass: "2xx", count: 1)]
/// ```
struct HTTPRequestCounts: Sendable {
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"]
    private var counts = [Int](repeating: 0, count: methods.count * 5)

    mutating func record(method: String, status: Int) {
        let row: Int
        switch method {
        case "GET": row = 0
        case "HEAD": row = 1
        case "POST": row = 2
        case "PUT": row = 3
        case "DELETE": row = 4
        case "PATCH": row = 5
        case "OPTIONS": row = 6
        default: row = 7
        }
        let statusClass = min(max(status / 100, 1), 5) - 1
        counts[row * 5 + statusClass] &+= 1
    }

    /// Every method and status class seen, with its count.
    var nonZero: [(method: String, statusClass: String, count: Int)] {
        counts.indices.compactMap { index in
            guard counts[index] > 0 else { return nil }
            return (Self.methods[index / 5], "\(index % 5 + 1)xx", counts[index])
        }
    }

    /// All requests counted.
    var total: Int { counts.reduce(0, &+) }
}
