import Tina4

/// Reading the fields of a client's JSON message, answering the client when one is wrong.
///
/// Every demo answers a bad message with `{"type":"error","message":"…"}` on that socket only:
/// nobody else hears of it and the connection stays open.
/// ```swift
/// guard let text = connection.requiredText("text", in: message) else { return }  // the client was told why
/// ```
extension WebSocketConnection {
    /// Sends `{"type":"error","message": message}` to this client only.
    func sendError(_ message: String) {
        sendJson(["type": "error", "message": message])
    }

    /// `message[field]` when it is a string with more than white space in it. Otherwise nil, after
    /// telling this client: `missing field "text"`, `"text" must be a string, not a number`, or
    /// `"text" must not be empty`. The string is returned as sent, spaces included.
    func requiredText(_ field: String, in message: JSON) -> String? {
        guard let value = message[field], !value.isNull else {
            sendError("missing field \"\(field)\"")
            return nil
        }
        guard let text = value.string else {
            sendError("\"\(field)\" must be a string, not \(value.kindWithArticle)")
            return nil
        }
        guard !text.trimmingWhitespace().isEmpty else {
            sendError("\"\(field)\" must not be empty")
            return nil
        }
        return text
    }

    /// `message[field]` when it is a non-blank string, `fallback` when it is missing, null or blank;
    /// nil (after telling this client) when it is something other than a string.
    func optionalText(_ field: String, in message: JSON, otherwise fallback: String) -> String? {
        guard let value = message[field], !value.isNull else { return fallback }
        guard let text = value.string else {
            sendError("\"\(field)\" must be a string, not \(value.kindWithArticle)")
            return nil
        }
        return text.trimmingWhitespace().isEmpty ? fallback : text
    }
}

extension JSON {
    /// "a number", "an array"…: for error messages.
    var kindWithArticle: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
