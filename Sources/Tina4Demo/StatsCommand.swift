import Glibc
import Tina4

/// `tina4 stats URL [--plain]`: the dashboard for a terminal. Connects to the dashboard's
/// WebSocket (`ws://HOST:PORT/ws/dashboard`; a URL without a path gets that one) and prints each
/// snapshot: at a terminal a compact table redrawn in place (cursor home, clear screen), with
/// `--plain` or into a pipe or file one line per snapshot (about one a second).
///
/// ```sh
/// tina4 stats ws://localhost:7149 --plain
/// # 14:02:07 connections=3 rooms=2 in/s=1.0 out/s=2.0 http=41 backplane=off top=/ws/chat/general:2,/ws/room/test:1
/// ```
/// Room names are user input: control characters in them are shown as `?`, never written raw
/// to the terminal.
enum StatsCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let (options, positional) = parseOptions(arguments, allowed: [], flags: ["plain"]), positional.count == 1 else {
            printError("usage: tina4 stats ws://HOST:PORT[/ws/dashboard] [--plain]")
            return 2
        }
        let url = dashboardURL(positional[0])
        let plain = options["plain"] != nil || isatty(1) == 0
        let client: WebSocketClient
        do {
            client = try WebSocketClient(url: url)
        } catch {
            printError(ClientCommands.describe(error, url: url))
            return 1
        }
        while true {
            do {
                guard let event = try client.receive(timeout: 3600) else { continue }
                guard case .text(let text) = event, let stats = try? JSON.parse(text), stats["type"]?.string == "stats" else { continue }
                if plain {
                    printLine(line(stats))
                } else {
                    let screen = "\u{1B}[H\u{1B}[2J" + table(stats, url: url)
                    screen.utf8CString.withUnsafeBufferPointer { _ = write(1, $0.baseAddress, $0.count - 1) }
                }
            } catch {
                return ClientCommands.ended(by: error)
            }
        }
    }

    /// `ws://host:port` and `ws://host:port/` mean the dashboard's socket.
    static func dashboardURL(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return text + DashboardFeed.path }
        return rest[slash...] == "/" ? String(text.dropLast()) + DashboardFeed.path : text
    }

    /// One line: time, totals, rates, backplane, the busiest rooms.
    static func line(_ stats: JSON) -> String {
        let (inbound, outbound) = latestRates(stats)
        let rooms = (stats["rooms"]?.array ?? []).map { "\(shown($0["path"]?.string ?? "")):\(int($0["members"]))" }
        return "\(clock(stats["time"]?.double ?? 0)) connections=\(int(stats["connections"])) rooms=\(int(stats["open_paths"]))"
            + " in/s=\(rate(inbound)) out/s=\(rate(outbound)) http=\(int(stats["http_requests"])) backplane=\(backplane(stats["backplane"]))"
            + " top=\(rooms.isEmpty ? "-" : rooms.joined(separator: ","))"
    }

    /// The screen: totals, then routes, rooms and the last disconnects, each as aligned columns.
    static func table(_ stats: JSON, url: String) -> String {
        let (inbound, outbound) = latestRates(stats)
        var out = "tina4 stats  \(url)  \(clock(stats["time"]?.double ?? 0))\n\n"
        out += "connections \(int(stats["connections"]))   rooms \(int(stats["open_paths"]))   in \(rate(inbound))/s   out \(rate(outbound))/s"
            + "   http \(int(stats["http_requests"]))   backplane \(backplane(stats["backplane"]))\n\n"
        out += columns(["ROUTE", "OPEN"], (stats["routes"]?.array ?? []).map { [shown($0["route"]?.string ?? ""), "\(int($0["open"]))"] })
        out += "\n" + columns(["ROOM", "MEMBERS"], (stats["rooms"]?.array ?? []).map { [shown($0["path"]?.string ?? ""), "\(int($0["members"]))"] })
        out += "\n" + columns(["LEFT", "PATH", "CODE", "WHY"], (stats["disconnects"]?.array ?? []).prefix(8).map {
            [clock($0["time"]?.double ?? 0), shown($0["path"]?.string ?? ""), $0["code"]?.int.map { String($0) } ?? "-",
             shown($0["reason"]?.string ?? "")]
        })
        return out
    }

    private static func columns(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + (rows.isEmpty ? [header.map { _ in "-" }] : rows)
        let widths = header.indices.map { column in min(all.map { $0[column].count }.max() ?? 0, 48) }
        return all.map { row in
            row.indices.map { column in
                let text = row[column].count > 48 ? String(row[column].prefix(47)) + "…" : row[column]
                return column == row.count - 1 ? text : text + String(repeating: " ", count: max(widths[column] - text.count, 0) + 2)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }

    private static func latestRates(_ stats: JSON) -> (Double, Double) {
        guard let last = stats["history"]?.array?.last?.array, last.count == 2 else { return (0, 0) }
        return (last[0].double ?? 0, last[1].double ?? 0)
    }

    private static func backplane(_ value: JSON?) -> String {
        guard let value, value != .null else { return "off" }
        return value["connected"]?.bool == true ? "connected" : "disconnected"
    }

    private static func int(_ value: JSON?) -> Int { Int(value?.double ?? 0) }

    private static func rate(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Control characters (C0, DEL, C1) as `?`: a room name must not drive the terminal.
    static func shown(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }))
    }

    /// `HH:MM:SS` in local time.
    private static func clock(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
