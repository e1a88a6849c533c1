/// Writes the Prometheus text exposition format 0.0.4, sans I/O: families with `# HELP` and
/// `# TYPE`, samples with escaped label values, histograms as `_bucket{le=…}` (cumulative, ending
/// in `+Inf`), `_sum` and `_count`.
///
/// ```swift
/// var text = PrometheusText()
/// text.family("tina4_websocket_messages_received_total", .counter, help: "Messages received.")
/// text.sample("tina4_websocket_messages_received_total", value: 42)
/// text.family("tina4_websocket_open", .gauge, help: "Open WebSockets by route.")
/// text.sample("tina4_websocket_open", labels: [("route", "/ws/chat/{room}")], value: 2)
/// text.output   // "# HELP tina4_websocket_messages_received_total Messages received.\n# TYPE …"
/// ```
public struct PrometheusText: Sendable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    /// The `Content-Type` of the format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public private(set) var output = ""

    public init() {}

    /// `# HELP` and `# TYPE` lines; call once per family, before its samples.
    public mutating func family(_ name: String, _ kind: Kind, help: String) {
        output += "# HELP \(name) \(Self.escapedHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    public mutating func sample(_ name: String, labels: [(String, String)] = [], value: Int) {
        line(name, labels, String(value))
    }

    public mutating func sample(_ name: String, labels: [(String, String)] = [], value: Double) {
        line(name, labels, Self.format(value))
    }

    /// A histogram's samples: `bounds` ascending; `cumulativeCounts` has one more entry (`+Inf`),
    /// which is also `_count`.
    public mutating func histogram(_ name: String, labels: [(String, String)] = [], bounds: [Double], cumulativeCounts: [Int], sum: Double) {
        precondition(cumulativeCounts.count == bounds.count + 1, "one count per bound, then +Inf")
        for (bound, count) in zip(bounds, cumulativeCounts) {
            line(name + "_bucket", labels + [("le", Self.format(bound))], String(count))
        }
        line(name + "_bucket", labels + [("le", "+Inf")], String(cumulativeCounts[bounds.count]))
        line(name + "_sum", labels, Self.format(sum))
        line(name + "_count", labels, String(cumulativeCounts[bounds.count]))
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: String) {
        output += name
        if !labels.isEmpty {
            output += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { output += "," }
                output += label + "=\"" + Self.escapedLabelValue(labelValue) + "\""
            }
            output += "}"
        }
        output += " " + value + "\n"
    }

    /// A label value with `\`, `"` and newline escaped.
    static func escapedLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Help text with `\` and newline escaped.
    static func escapedHelp(_ help: String) -> String {
        help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// A float as Prometheus reads it: `+Inf`, `-Inf`, `NaN`, else Swift's shortest form
    /// (`0.005`, `10.0`, `1e-06`).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
