import Glibc

/// Process environment and `.env` files.
///
/// ```swift
/// try Environment.loadDotEnv()                  // reads ./.env if present; real variables win
/// let configuration = try ServerConfiguration.fromEnvironment(Environment.current)
/// ```
public enum Environment {
    /// The process environment now.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// A `.env` line that cannot be read.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    /// Reads `KEY=value` lines from `path` into the process environment, without overriding
    /// variables already set (see ``resolve(process:dotEnv:path:)``), and returns the environment
    /// as it now is. Missing file: nothing is read.
    ///
    /// ```swift
    /// let environment = try Environment.loadDotEnv()   // the process environment plus ./.env
    /// ```
    @discardableResult
    public static func loadDotEnv(path: String = ".env") throws(SyntaxError) -> [String: String] {
        let process = current
        guard let file = fopen(path, "r") else { return process }
        defer { fclose(file) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            text.append(contentsOf: chunk[0..<count])
            if text.count > 1 << 20 { throw SyntaxError(path: path, line: 0, message: "file larger than 1 MiB") }
        }
        let resolved = try resolve(process: process, dotEnv: String(decoding: text, as: UTF8.self), path: path)
        for (key, value) in resolved where process[key] == nil { setenv(key, value, 0) }
        return resolved
    }

    /// The environment a program sees when `.env` text is loaded over `process`: every process
    /// variable, plus the file's variables the process does not set (real variables win).
    ///
    /// ```swift
    /// try Environment.resolve(process: ["PORT": "80"], dotEnv: "PORT=1\nHOST=a\n")   // ["PORT": "80", "HOST": "a"]
    /// ```
    public static func resolve(process: [String: String], dotEnv text: String, path: String = ".env") throws(SyntaxError) -> [String: String] {
        try parseDotEnv(text, path: path).merging(process) { _, real in real }
    }

    /// Parses `.env` text: `KEY=value`, optional `export `, `#` comments, 'single' (literal) or
    /// "double" (with \n, \t, \", \\ escapes) quotes; unquoted values end at ` #`.
    public static func parseDotEnv(_ text: String, path: String = ".env") throws(SyntaxError) -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.trimmingCharacters(in: " \t\r"))
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let equals = line.firstIndex(of: "=") else {
                throw SyntaxError(path: path, line: index + 1, message: "expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: " \t")
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw SyntaxError(path: path, line: index + 1, message: "invalid variable name '\(key)'")
            }
            let rest = Substring(line[line.index(after: equals)...].trimmingCharacters(in: " \t"))
            values[key] = try unquote(rest, path: path, line: index + 1)
        }
        return values
    }

    private static func unquote(_ value: Substring, path: String, line: Int) throws(SyntaxError) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'" else {
            var previous: Character = " "
            for index in value.indices {   // an unquoted value ends at " #" (a comment)
                if value[index] == "#" && (previous == " " || previous == "\t") && index != value.startIndex {
                    return value[..<index].trimmingCharacters(in: " \t")
                }
                previous = value[index]
            }
            return String(value)
        }
        var result = ""
        var escaped = false
        for character in value.dropFirst() {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" && quote == "\"" {
                escaped = true
            } else if character == quote {
                return result
            } else {
                result.append(character)
            }
        }
        throw SyntaxError(path: path, line: line, message: "unterminated \(quote == "\"" ? "double" : "single") quote")
    }
}
