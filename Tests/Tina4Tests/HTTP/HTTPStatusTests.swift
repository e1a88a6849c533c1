import Testing
@testable import Tina4

@Suite struct HTTPStatusTests {
    @Test func commonCodesHavePhrases() {
        let expected: [Int: String] = [
            100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
            204: "No Content", 206: "Partial Content", 301: "Moved Permanently", 302: "Found",
            303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict",
            410: "Gone", 411: "Length Required", 413: "Content Too Large", 414: "URI Too Long",
            415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed",
            422: "Unprocessable Content", 426: "Upgrade Required", 429: "Too Many Requests",
            431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
            502: "Bad Gateway", 503: "Service Unavailable", 505: "HTTP Version Not Supported",
        ]
        for (code, phrase) in expected {
            #expect(HTTPStatus.reasonPhrase(code) == phrase, "\(code)")
        }
    }

    @Test func unknownCodes() {
        #expect(HTTPStatus.reasonPhrase(299) == "Unknown")
        #expect(HTTPStatus.reasonPhrase(0) == "Unknown")
        #expect(HTTPStatus.reasonPhrase(-1) == "Unknown")
    }

    @Test func parseErrorDescription() {
        let error = HTTPParseError(status: 431, reason: "header block exceeds 16384 bytes")
        #expect(error.description == "431 Request Header Fields Too Large: header block exceeds 16384 bytes")
    }
}
