/// The text transforms behind `capitalize`, `title`, `trim` and `split("")`.
enum TextFilters {
    /// First character upper case, the rest lower case.
    static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst().lowercased()
    }

    /// Each word's first letter upper case, the rest lower case; words start after white space or
    /// punctuation other than an apostrophe.
    static func titleCased(_ text: String) -> String {
        var out = ""
        var atWordStart = true
        for character in text {
            if character.isLetter || character.isNumber {
                out += atWordStart ? character.uppercased() : character.lowercased()
                atWordStart = false
            } else {
                out.append(character)
                atWordStart = character != "'" && character != "\u{2019}"
            }
        }
        return out
    }

    /// `text` without the scalars of `characters` at the given side(s); nil for an unknown side.
    static func trimmed(_ text: String, characters: String, side: String) -> String? {
        let set = Set(characters.unicodeScalars)
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        switch side {
        case "both", "left", "right": break
        default: return nil
        }
        if side != "right" { while start < end && set.contains(scalars[start]) { start = scalars.index(after: start) } }
        if side != "left" {
            while end > start && set.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        }
        return String(scalars[start..<end])
    }

    /// `text` cut into pieces of `size` characters.
    static func chunks(_ text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var piece = ""
        var length = 0  // `piece.count` would walk the piece again for every character
        for character in text {
            piece.append(character)
            length += 1
            if length == size {
                pieces.append(piece)
                piece = ""
                length = 0
            }
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }

    /// The elements of a list or the values of a map; nothing for anything else.
    static func elements(of value: JSON) -> [JSON] {
        switch value {
        case .array(let items): items
        case .object(let object): object.values
        default: []
        }
    }
}
