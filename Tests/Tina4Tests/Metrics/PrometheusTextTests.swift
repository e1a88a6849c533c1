import Testing
@testable import Tina4

/// The exposition writer and the fixed-size tables behind it, without a server.
@Suite struct PrometheusTextTests {
    @Test func familiesSamplesAndEscapedLabelValues() {
        var text = PrometheusText()
        text.family("tina4_x_total", .counter, help: "Back\\slash and\nnewline.")
        text.sample("tina4_x_total", value: 3)
        text.family("tina4_open", .gauge, help: "Open.")
        text.sample("tina4_open", labels: [("route", "/ws/a \"b\" \\c\nd"), ("k", "v")], value: 2)
        text.sample("tina4_open", value: 0.25)
        #expect(text.output == """
            # HELP tina4_x_total Back\\\\slash and\\nnewline.
            # TYPE tina4_x_total counter
            tina4_x_total 3
            # HELP tina4_open Open.
            # TYPE tina4_open gauge
            tina4_open{route="/ws/a \\"b\\" \\\\c\\nd",k="v"} 2
            tina4_open 0.25

            """)
    }

    @Test func aHistogramIsCumulativeAndEndsWithInfSumAndCount() {
        var histogram = LatencyHistogram()
        histogram.record(nanoseconds: 200_000)        // 0.2 ms: ≤ 0.0005
        histogram.record(nanoseconds: 3_000_000)      // 3 ms: ≤ 0.005
        histogram.record(nanoseconds: 20_000_000_000) // 20 s: above every bound
        let counts = histogram.cumulativeCounts
        #expect(counts.count == LatencyHistogram.bounds.count + 1)
        #expect(counts[0] == 1 && counts[2] == 1 && counts[3] == 2 && counts[LatencyHistogram.bounds.count - 1] == 2 && counts.last == 3)
        var text = PrometheusText()
        text.histogram("d_seconds", bounds: [0.001, 1], cumulativeCounts: [1, 2, 3], sum: 20.5)
        #expect(text.output == """
            d_seconds_bucket{le="0.001"} 1
            d_seconds_bucket{le="1.0"} 2
            d_seconds_bucket{le="+Inf"} 3
            d_seconds_sum 20.5
            d_seconds_count 3

            """)
        #expect(histogram.sumSeconds > 20.003 && histogram.sumSeconds < 20.0033)
    }

    @Test func floatsAreWrittenAsPrometheusReadsThem() {
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(.nan) == "NaN")
        #expect(PrometheusText.format(0.0005) == "0.0005")
        #expect(PrometheusText.format(10) == "10.0")
    }

    @Test func closeCodesAreBoundedToKnownCodesAndOther() {
        var counts = CloseCodeCounts()
        for code: UInt16 in [1000, 1000, 1006, 1015, 4001, 3000, 999, 65535] { counts.record(code) }
        #expect(counts.nonZero.map(\.code) == ["1000", "1006", "1015", "other"])
        #expect(counts.nonZero.map(\.count) == [2, 1, 1, 4])
    }

    @Test func methodsAndStatusClassesAreBounded() {
        var counts = HTTPRequestCounts()
        counts.record(method: "GET", status: 200)
        counts.record(method: "GET", status: 204)
        counts.record(method: "BREW", status: 418)
        counts.record(method: "", status: 400)
        counts.record(method: "POST", status: 101)
        counts.record(method: "PUT", status: 999)
        #expect(counts.nonZero.map { "\($0.method) \($0.statusClass) \($0.count)" }
                == ["GET 2xx 2", "POST 1xx 1", "PUT 5xx 1", "other 4xx 2"])
        #expect(counts.total == 6)
    }

    @Test func recentDisconnectsKeepTheNewestAndADropIsCompletedByItsClose() {
        var recent = RecentDisconnects(capacity: 3)
        for index in 0..<5 {
            recent.record(WebSocketDisconnect(time: Double(index), connectionID: "c\(index)", path: "/p", code: 1000, reason: "r"))
        }
        #expect(recent.entries.map(\.connectionID) == ["c2", "c3", "c4"])
        recent.record(WebSocketDisconnect(time: 5, connectionID: "slow", path: "/p", code: nil, reason: "slow consumer"))
        let other = recent.completeDrop(connectionID: "other", code: 1006)
        let slow = recent.completeDrop(connectionID: "slow", code: 1006)
        let again = recent.completeDrop(connectionID: "slow", code: 1006)   // already has its code
        #expect(!other && slow && !again)
        #expect(recent.entries.map(\.connectionID) == ["c3", "c4", "slow"])
        #expect(recent.entries.last?.code == 1006)
    }
}
