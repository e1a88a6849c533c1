/// A finite Double as decimal digits, for rounding and formatting without binary surprises:
/// `1.005` is rounded from the digits Swift prints for it ("1.005"), not from 1.00499999….
struct DecimalNumber {
    enum Rounding { case halfAwayFromZero, floor, ceiling }

    /// The most fraction (or integer) places worth asking for: a finite Double has no non-zero
    /// digit beyond 10^-341 or 10^309.
    static let maxPlaces = 400

    var isNegative: Bool
    /// Significant digits, 0…9, without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The value is `0.d₁d₂d₃… × 10^exponent`, so `exponent` counts the integer digits.
    var exponent: Int

    /// Nil for NaN and infinities.
    init?(_ value: Double) {
        guard value.isFinite else { return nil }
        isNegative = value < 0
        digits = []
        exponent = 0
        // Swift prints the shortest text that reads back as the same Double: "123.45", "1e-05", "1.5e+20".
        let text = Array("\(abs(value))".utf8)
        let e = text.firstIndex(of: UInt8(ascii: "e"))
        let mantissa = text[..<(e ?? text.count)]
        let power = e.map { Int(String(decoding: text[($0 + 1)...], as: UTF8.self)) ?? 0 } ?? 0
        var integerDigits = 0, sawPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                sawPoint = true
            } else {
                digits.append(byte &- UInt8(ascii: "0"))
                if !sawPoint { integerDigits += 1 }
            }
        }
        exponent = integerDigits + power
        normalize()
    }

    private mutating func normalize() {
        while digits.first == 0 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == 0 { digits.removeLast() }
        if digits.isEmpty {
            exponent = 0
            isNegative = false
        }
    }

    /// Rounds to `places` digits after the point (negative places round to tens, hundreds…).
    mutating func round(toPlaces places: Int, _ rule: Rounding) {
        let keep = exponent + places
        guard keep < digits.count else { return }
        let dropped = digits[max(0, keep)...]
        let roundsUp = switch rule {
        case .halfAwayFromZero: keep >= 0 && dropped.first.map { $0 >= 5 } ?? false
        case .floor: isNegative && dropped.contains { $0 != 0 }
        case .ceiling: !isNegative && dropped.contains { $0 != 0 }
        }
        digits = keep > 0 ? Array(digits[..<keep]) : []
        if roundsUp {
            if digits.isEmpty {
                digits = [1]
                exponent = 1 - places
            } else {
                var i = digits.count - 1
                while i >= 0 {
                    if digits[i] < 9 {
                        digits[i] += 1
                        break
                    }
                    digits[i] = 0
                    i -= 1
                }
                if i < 0 {
                    digits.insert(1, at: 0)
                    exponent += 1
                }
            }
        }
        normalize()
    }

    var doubleValue: Double {
        guard !digits.isEmpty else { return 0 }
        let text = (isNegative ? "-0." : "0.") + String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self) + "e\(exponent)"
        return Double(text) ?? 0
    }

    /// Fixed-point text with `places` fraction digits and grouped thousands, as PHP's `number_format`;
    /// round first, the extra digits are cut.
    func formatted(places: Int, point: String, separator: String) -> String {
        var out = isNegative ? "-" : ""
        let top = max(exponent, 1) - 1
        for place in stride(from: top, through: 0, by: -1) {
            if place < top && (place + 1) % 3 == 0 { out += separator }
            out.unicodeScalars.append(Unicode.Scalar(digit(place: place) + UInt8(ascii: "0")))
        }
        if places > 0 {
            out += point
            for place in 1...places { out.unicodeScalars.append(Unicode.Scalar(digit(place: -place) + UInt8(ascii: "0"))) }
        }
        return out
    }

    /// The digit worth 10^place; 0 where there is none.
    private func digit(place: Int) -> UInt8 {
        let index = exponent - 1 - place
        return index >= 0 && index < digits.count ? digits[index] : 0
    }
}
