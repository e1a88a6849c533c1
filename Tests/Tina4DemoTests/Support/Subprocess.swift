import Glibc

/// The built `tina4` executable run as a child process, its standard output and error on pipes.
/// Blocking: use it from ``offMain(_:)``, one thread at a time.
final class Subprocess: @unchecked Sendable {
    let pid: pid_t
    private let output: Int32
    private let errors: Int32
    private let directory: String
    private let files: [String]
    private var exitStatus: Int32?
    /// Standard output read so far.
    private(set) var stdout: [UInt8] = []
    /// Standard error read so far.
    private(set) var stderr: [UInt8] = []
    /// The write end of the child's standard input, with `input: .pipe`; -1 once closed.
    private var input: Int32 = -1

    /// What the child reads on standard input.
    enum Input { case devNull, pipe }

    /// `tina4` next to the test bundle (both are products of the same build), else in `.build/debug`.
    static let tina4: String = {
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        if length > 0 {
            let exe = String(decoding: path[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let candidate = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]) + "/tina4"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        // Tests/Tina4DemoTests/Support/Subprocess.swift → the package root.
        var root = "\(#filePath)"
        for _ in 0..<4 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        return root + "/.build/debug/tina4"
    }()

    /// Starts `tina4 arguments…` in a temporary directory holding only `files` (name → text; so
    /// no `.env` is read unless given) with a minimal environment plus `environment`
    /// (`NAME=value` entries) and standard input from /dev/null, or (`input: .pipe`) a pipe that
    /// ``writeInput(_:)`` writes to and ``closeInput()`` ends.
    /// `openFileLimit` runs it under `prlimit --nofile=N:N` (soft and hard limit N).
    init(_ arguments: [String], files: [String: String] = [:], environment extra: [String] = [], input inputKind: Input = .devNull,
         openFileLimit: Int? = nil) throws {
        guard access(Self.tina4, X_OK) == 0 else { throw TestFailure("no executable at \(Self.tina4): run swift build first") }
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw TestFailure("pipe: errno \(errno)") }
        // Close-on-exec, so the child keeps only the copies dup2 gives it (Swift's Glibc has no pipe2).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var template = Array("/tmp/tina4-demotests-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw TestFailure("mkdtemp: errno \(errno)") }
        let directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for (name, text) in files {
            let fd = open(directory + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw TestFailure("cannot create \(name): errno \(errno)") }
            let bytes = Array(text.utf8)
            let wrote = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard wrote == bytes.count else { throw TestFailure("cannot write \(name)") }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var inPipe: [Int32] = [-1, -1]
        if inputKind == .pipe {
            guard pipe(&inPipe) == 0 else { throw TestFailure("pipe: errno \(errno)") }
            for fd in inPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        guard Self.addChdir(&actions, directory) == 0 else { throw TestFailure("posix_spawn_file_actions_addchdir_np failed") }

        let launcher = openFileLimit.map { ["/usr/bin/prlimit", "--nofile=\($0):\($0)"] } ?? []
        let program = launcher.first ?? Self.tina4
        let argv: [UnsafeMutablePointer<CChar>?] = (launcher + [Self.tina4] + arguments).map { strdup($0) } + [nil]
        let variables: [String] = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"] + extra
        let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { (argv + environment).forEach { free($0) } }
        var pid = pid_t()
        // No blocked signals, as a shell starts it (a dispatch worker thread, which spawns it,
        // blocks them all, and the child would inherit that mask).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, environment)
        close(outPipe[1])
        close(errPipe[1])
        if inPipe[0] >= 0 { close(inPipe[0]) }
        guard result == 0 else {
            if inPipe[1] >= 0 { close(inPipe[1]) }
            close(outPipe[0])
            close(errPipe[0])
            for name in files.keys { unlink(directory + "/" + name) }
            rmdir(directory)
            throw TestFailure("posix_spawn \(Self.tina4): error \(result)")
        }
        self.pid = pid
        self.directory = directory
        self.files = Array(files.keys)
        output = outPipe[0]
        errors = errPipe[0]
        input = inPipe[1]
    }

    /// Writes `text` to the child's standard input (a pipe: `input: .pipe`).
    func writeInput(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TestFailure("writing to the child's standard input: errno \(errno)") }
            offset += n
        }
    }

    /// Ends the child's standard input (what Ctrl+D does at a terminal).
    func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)  // only after a failed test: the child we started, by its pid
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(output)
        close(errors)
        closeInput()
        for name in files { unlink(directory + "/" + name) }
        rmdir(directory)  // now empty: the child writes nothing there
    }

    /// glibc ≥ 2.29 has `posix_spawn_file_actions_addchdir_np`; Swift's Glibc module hides it.
    private static func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return -1 }
        return unsafeBitCast(symbol, to: AddChdir.self)(actions, path)
    }

    /// Reads standard output until it holds a line for which `matches` is true; returns that line,
    /// or nil when `timeout` seconds pass or the output ends first.
    func line(timeout: Double = 10, where matches: (String) -> Bool) -> String? {
        let deadline = now() + timeout
        var searched = 0
        while true {
            while let newline = stdout[searched...].firstIndex(of: 10) {
                let line = String(decoding: stdout[searched..<newline], as: UTF8.self)
                searched = newline + 1
                if matches(line) { return line }
            }
            guard readSome(output, into: &stdout, deadline: deadline) else { return nil }
        }
    }

    /// Reads standard output to its end; nil when the child still holds it open after `timeout`.
    func readOutputToEnd(timeout: Double = 10) -> String? {
        let deadline = now() + timeout
        while readSome(output, into: &stdout, deadline: deadline) {}
        return isEnded(output) ? String(decoding: stdout, as: UTF8.self) : nil
    }

    /// Reads standard error to its end; nil when the child still holds it open after `timeout`.
    func readErrorsToEnd(timeout: Double = 10) -> String? {
        let deadline = now() + timeout
        while readSome(errors, into: &stderr, deadline: deadline) {}
        return isEnded(errors) ? String(decoding: stderr, as: UTF8.self) : nil
    }

    /// Reads standard error until it holds a line for which `matches` is true; returns that line,
    /// or nil when `timeout` seconds pass or the stream ends first.
    func errorLine(timeout: Double = 10, where matches: (String) -> Bool) -> String? {
        let deadline = now() + timeout
        var searched = 0
        while true {
            while let newline = stderr[searched...].firstIndex(of: 10) {
                let line = String(decoding: stderr[searched..<newline], as: UTF8.self)
                searched = newline + 1
                if matches(line) { return line }
            }
            guard readSome(errors, into: &stderr, deadline: deadline) else { return nil }
        }
    }

    /// True while the child has not exited (and so has not been reaped).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exitStatus = status
            return false
        }
        return true
    }

    /// Waits for the child to exit; its exit code, or nil when a signal ended it.
    func waitForExit() -> Int32? {
        if exitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitStatus = status
        }
        let status = exitStatus!
        return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }

    private var ended: Set<Int32> = []

    private func isEnded(_ fd: Int32) -> Bool { ended.contains(fd) }

    /// Appends what `fd` has; false at end of stream or at the deadline.
    private func readSome(_ fd: Int32, into bytes: inout [UInt8], deadline: Double) -> Bool {
        guard !ended.contains(fd) else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - now()
            guard remaining > 0 else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return false }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                ended.insert(fd)
                return false
            }
            bytes += buffer[..<n]
            return true
        }
    }

    private func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
