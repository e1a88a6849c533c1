import Dispatch
import Testing
@testable import Tina4

/// A body of many keys costs time in proportion to its size: object member lookup and insertion
/// are O(1) amortised (issue 10: 60,000 keys used to block the event loop for 9 s).
@Suite(.serialized, .timeLimit(.minutes(1))) struct JSONScalingTests {
    /// `{"k0":0,"k1":1,…}` with `count` keys.
    static func object(keys count: Int) -> [UInt8] {
        var text = "{"
        text.reserveCapacity(count * 12)
        for i in 0..<count { text += i == 0 ? "\"k\(i)\":\(i)" : ",\"k\(i)\":\(i)" }
        return Array((text + "}").utf8)
    }

    /// `k0=0&k1=1&…` with `count` fields.
    static func form(fields count: Int) -> [UInt8] {
        Array((0..<count).map { "k\($0)=\($0)" }.joined(separator: "&").utf8)
    }

    /// The fastest of five runs of `small` and of `large`, in seconds, taken in turns so that a
    /// busy machine slows both alike.
    static func seconds(small: () throws -> Void, large: () throws -> Void) rethrows -> (small: Double, large: Double) {
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var best = (small: Double.infinity, large: Double.infinity)
        for _ in 0..<5 {
            best.small = min(best.small, try time(small))
            best.large = min(best.large, try time(large))
        }
        return best
    }

    /// Eight times the keys must cost well under 64 times the time (what quadratic work costs);
    /// linear work costs about 8 times. 8,000 → 64,000 keys: quadratic code needs ~2e9 key
    /// comparisons for the larger one (minutes in a debug build: the time limit fails it), linear
    /// code about 64,000 hash look-ups.
    @Test func parsingAnObjectIsLinearInItsKeys() throws {
        let small = Self.object(keys: 8_000), large = Self.object(keys: 64_000)
        let parsed = try JSON.parse(large).object
        #expect(parsed?.count == 64_000)
        #expect(parsed?.keys.last == "k63999" && parsed?["k12345"] == 12345)
        let time = try Self.seconds(small: { _ = try JSON.parse(small) }, large: { _ = try JSON.parse(large) })
        #expect(time.large < 24 * time.small, "8,000 keys: \(time.small) s, 64,000 keys: \(time.large) s")
    }

    @Test func decodingAFormIsLinearInItsFields() throws {
        let type = "application/x-www-form-urlencoded"
        let small = Self.form(fields: 8_000), large = Self.form(fields: 64_000)
        let body = try Request.decodeBody(large, contentType: type)
        #expect(body.object?.count == 64_000 && body["k63999"] == "63999")
        let time = try Self.seconds(small: { _ = try Request.decodeBody(small, contentType: type) },
                                    large: { _ = try Request.decodeBody(large, contentType: type) })
        #expect(time.large < 24 * time.small, "8,000 fields: \(time.small) s, 64,000 fields: \(time.large) s")
    }

    @Test func aDuplicateKeyKeepsItsFirstPlaceAndTakesTheLastValue() throws {
        // Past the threshold the index must agree with the keys, through removals too.
        var object = JSONObject()
        for i in 0..<40 { object["k\(i)"] = .number(Double(i)) }
        object["k3"] = "three"
        object["k5"] = nil
        object["k39"] = nil
        object["new"] = true
        #expect(object.count == 39)
        #expect(object.keys.prefix(6) == ["k0", "k1", "k2", "k3", "k4", "k6"])
        #expect(object.keys.last == "new")
        #expect(object["k3"] == "three" && object["k6"] == 6 && object["k5"] == nil && object["new"] == true)
        for i in 0..<25 where i != 3 && i != 5 { object["k\(i)"] = nil }   // back under the threshold
        #expect(object.keys == ["k3"] + (25..<39).map { "k\($0)" } + ["new"])
        #expect(object["k30"] == 30 && object["k3"] == "three" && object["new"] == true)
        let parsed = try JSON.parse(#"{"a":1,"b":2,"a":3}"#).object
        #expect(parsed?.keys == ["a", "b"] && parsed?["a"] == 3)
    }
}
