import Glibc
import Tina4

// `tina4` — the demo server of the chapter "Real-time with WebSocket", and a terminal client.
//   tina4 serve [--host H] [--port P]
//   tina4 listen ws://localhost:7149/ws/notifications/7
//   tina4 send ws://localhost:7149/ws/echo "hello"
//   tina4 chat ws://localhost:7149/ws/livechat/general
//   tina4 stats ws://localhost:7149

let exitCode = CommandLine.run(Array(CommandLine.arguments.dropFirst()))
exit(exitCode)
