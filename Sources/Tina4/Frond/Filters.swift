/// The filters of `value|name(arguments)`, resolved from their names when the template is parsed.
enum FilterKind {
    case escape, raw, upper, lower, capitalize, title, trim, `default`, length, join, split, replace
    case first, last, reverse, sort, keys, jsonEncode, urlEncode, nl2br, striptags, date, round, numberFormat, abs

    init?(name: String) {
        switch name {
        case "escape", "e": self = .escape
        case "raw", "safe": self = .raw
        case "upper": self = .upper
        case "lower": self = .lower
        case "capitalize": self = .capitalize
        case "title": self = .title
        case "trim": self = .trim
        case "default": self = .default
        case "length": self = .length
        case "join": self = .join
        case "split": self = .split
        case "replace": self = .replace
        case "first": self = .first
        case "last": self = .last
        case "reverse": self = .reverse
        case "sort": self = .sort
        case "keys": self = .keys
        case "json_encode": self = .jsonEncode
        case "url_encode": self = .urlEncode
        case "nl2br": self = .nl2br
        case "striptags": self = .striptags
        case "date": self = .date
        case "round": self = .round
        case "number_format": self = .numberFormat
        case "abs": self = .abs
        default: return nil
        }
    }

    /// The filter's name in messages (aliases show as their main name).
    var name: String {
        switch self {
        case .jsonEncode: "json_encode"
        case .urlEncode: "url_encode"
        case .numberFormat: "number_format"
        default: "\(self)"
        }
    }

    /// How many arguments the filter accepts.
    var arity: ClosedRange<Int> {
        switch self {
        case .escape, .default, .date: 0...1
        case .trim, .join, .round: 0...2
        case .split, .replace: 1...2
        case .numberFormat: 0...3
        default: 0...0
        }
    }
}

/// Applying filters. Results are plain (escaped on output) except those of `escape`, `raw`/`safe`,
/// `nl2br` and `json_encode`, which are marked safe HTML. `raw` therefore only opts out of escaping
/// when no other filter follows it.
extension Renderer {
    func apply(_ filter: FilterKind, to input: Value, _ arguments: [Value], at offset: Int) throws(FrondError) -> Value {
        let json = input.json
        func argument(_ index: Int, _ fallback: String) throws(FrondError) -> String {
            guard index < arguments.count else { return fallback }
            switch arguments[index].json {
            case .string(let text): return text
            case .number(let n): return JSON.format(number: n)
            case .null: return fallback
            default: throw error("argument \(index + 1) of filter '\(filter.name)' must be a string, got \(Coerce.describe(arguments[index].json))", at: offset)
            }
        }
        func integerArgument(_ index: Int, _ fallback: Int) throws(FrondError) -> Int {
            guard index < arguments.count, arguments[index].json != .null else { return fallback }
            guard let n = Coerce.integer(arguments[index].json) else {
                throw error("argument \(index + 1) of filter '\(filter.name)' must be an integer, got \(Coerce.describe(arguments[index].json))", at: offset)
            }
            return n
        }
        func number() throws(FrondError) -> Double {
            guard let n = Coerce.number(json) else { throw error("filter '\(filter.name)' needs a number, got \(Coerce.describe(json))", at: offset) }
            return n
        }

        switch filter {
        case .escape:
            switch try argument(0, "html") {
            case "html": return input.isSafe ? input : Value(.string(HTMLText.escaped(json.text)), safe: true)
            // Safe HTML is not safe attribute text (json_encode's quotes): always escaped.
            case "html_attr": return Value(.string(HTMLText.attributeEscaped(json.text)), safe: true)
            case "url": return Value(.string(HTMLText.urlEncoded(json.text)), safe: true)
            case "js": return Value(.string(HTMLText.javaScriptEscaped(json.text)), safe: true)
            case let strategy: throw error("unknown escape strategy '\(strategy)'", at: offset)
            }
        case .raw:
            var safe = input
            safe.isSafe = true
            return safe
        case .upper: return Value(.string(json.text.uppercased()))
        case .lower: return Value(.string(json.text.lowercased()))
        case .capitalize: return Value(.string(TextFilters.capitalized(json.text)))
        case .title: return Value(.string(TextFilters.titleCased(json.text)))
        case .trim:
            guard let trimmed = TextFilters.trimmed(json.text, characters: try argument(0, " \t\n\r\0\u{0B}"),
                                                    side: try argument(1, "both"))
            else { throw error("trim side must be 'left', 'right' or 'both'", at: offset) }
            return Value(.string(trimmed))
        case .default:
            return input.isDefined && !input.isEmpty ? Value(json) : arguments.first ?? Value("")
        case .length:
            switch json {
            case .null: return Value(0)
            case .array(let items): return Value(.number(Double(items.count)))
            case .object(let object): return Value(.number(Double(object.count)))
            default: return Value(.number(Double(json.text.count)))
            }
        case .join:
            let items = TextFilters.elements(of: json)
            let glue = try argument(0, ""), lastGlue = try argument(1, glue)
            var text = ""
            for (i, item) in items.enumerated() {
                if i > 0 { text += i == items.count - 1 ? lastGlue : glue }
                text += item.text
            }
            return Value(.string(items.isEmpty && json.array == nil && json.object == nil ? json.text : text))
        case .split:
            let separator = try argument(0, "")
            let limit = arguments.count > 1 ? try integerArgument(1, 0) : nil
            let pieces = separator.isEmpty
                ? TextFilters.chunks(json.text, size: max(1, limit ?? 1))
                : ByteText.split(json.text, by: separator, limit: limit)
            return Value(.array(pieces.map { .string($0) }))
        case .replace:
            var pairs: [(from: String, to: String)] = []
            if arguments.count == 2 {
                pairs = [(try argument(0, ""), try argument(1, ""))]
            } else if case .object(let map) = arguments[0].json {
                for (key, value) in map { pairs.append((key, value.text)) }
            } else {
                throw error("filter 'replace' needs a map of replacements or two strings", at: offset)
            }
            return Value(.string(ByteText.translate(json.text, pairs)))
        case .first, .last:
            let fromStart = filter == .first
            switch json {
            case .array(let items): return Value((fromStart ? items.first : items.last) ?? .null)
            case .object(let object): return Value((fromStart ? object.values.first : object.values.last) ?? .null)
            case .null: return Value(.null)
            default:
                let text = json.text
                return Value((fromStart ? text.first : text.last).map { .string(String($0)) } ?? .null)
            }
        case .reverse:
            switch json {
            case .array(let items): return Value(.array(items.reversed()))
            case .object(let object): return Value(.object(JSONObject(object.reversed().map { ($0.key, $0.value) })))
            case .null: return Value(.null)
            default: return Value(.string(String(json.text.reversed())))
            }
        case .sort:
            switch json {
            case .array(let items): return Value(.array(items.sorted(by: Coerce.sortsBefore)))
            case .object(let object):
                let sorted = object.map { ($0.key, $0.value) }.sorted { Coerce.sortsBefore($0.1, $1.1) }
                return Value(.object(JSONObject(sorted)))
            case .null: return Value(.array([]))
            default: throw error("filter 'sort' needs a list or map, got \(Coerce.describe(json))", at: offset)
            }
        case .keys:
            switch json {
            case .object(let object): return Value(.array(object.keys.map { .string($0) }))
            case .array(let items): return Value(.array(items.indices.map { .number(Double($0)) }))
            default: return Value(.array([]))
            }
        case .jsonEncode:
            return Value(.string(json.serialized(escapeForHTML: true)), safe: true)
        case .urlEncode:
            switch json {
            case .object, .array:
                let pairs = json.object.map { $0.map { ($0.key, $0.value) } }
                    ?? TextFilters.elements(of: json).enumerated().map { (String($0.offset), $0.element) }
                return Value(.string(pairs.map { HTMLText.urlEncoded($0.0) + "=" + HTMLText.urlEncoded($0.1.text) }.joined(separator: "&")))
            default: return Value(.string(HTMLText.urlEncoded(json.text)))
            }
        case .nl2br:
            return Value(.string(HTMLText.newlinesToBreaks(json.text, safe: input.isSafe)), safe: true)
        case .striptags:
            return Value(.string(HTMLText.strippingTags(json.text)))
        case .date:
            if json == .null { return Value("") }
            guard let date = FrondDate(parsing: json) else {
                throw error("filter 'date' cannot read \(Coerce.describe(json)) as a date", at: offset)
            }
            return Value(.string(date.format(try argument(0, "F j, Y H:i"))))
        case .round:
            let value = try number(), places = try integerArgument(0, 0)
            let rule: DecimalNumber.Rounding
            switch try argument(1, "common") {
            case "common": rule = .halfAwayFromZero
            case "floor": rule = .floor
            case "ceil": rule = .ceiling
            case let method: throw error("round method must be 'common', 'floor' or 'ceil', got '\(method)'", at: offset)
            }
            guard var decimal = DecimalNumber(value) else { return Value(.number(value)) }
            // Past ±maxPlaces every Double rounds the same (to itself, or to 0 or ±inf).
            decimal.round(toPlaces: min(max(places, -DecimalNumber.maxPlaces), DecimalNumber.maxPlaces), rule)
            return Value(.number(decimal.doubleValue))
        case .numberFormat:
            let value = try number(), places = max(0, try integerArgument(0, 0))
            // A Double has no digit below 10^-341 (17 significant digits under 5e-324): more is padding.
            guard places <= DecimalNumber.maxPlaces else {
                throw error("number_format places must be at most \(DecimalNumber.maxPlaces), got \(places)", at: offset)
            }
            guard var decimal = DecimalNumber(value) else { return Value(.string(JSON.format(number: value))) }
            decimal.round(toPlaces: places, .halfAwayFromZero)
            return Value(.string(decimal.formatted(places: places, point: try argument(1, "."), separator: try argument(2, ","))))
        case .abs:
            return Value(.number(Swift.abs(try number())))
        }
    }
}
