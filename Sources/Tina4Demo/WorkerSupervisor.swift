import Glibc
import Tina4

/// `tina4 serve --workers N`: N worker processes share the port (SO_REUSEPORT, the kernel
/// spreads new connections across them), one event loop each; this process only supervises.
///
/// ```
/// tina4 serve --workers 2          supervisor: reserves the port, starts the workers, waits
///  ├─ worker 1: tina4 serve …       TINA4_WORKER=1, listens with SO_REUSEPORT, joins the backplane
///  └─ worker 2: tina4 serve …       TINA4_WORKER=2
/// ```
/// A worker that dies is logged and started again (after a second's pause if it died within a
/// second of starting, so a crash loop does not spin). SIGTERM or SIGINT to the supervisor is
/// passed to every worker, which shut down gracefully (``Server/shutDown(then:)``); stragglers are
/// killed 5 s after their grace; the supervisor then exits 0.
/// Workers share nothing but the port, so the Redis backplane is required: without it a
/// broadcast would reach only the clients of the worker it started on.
enum WorkerSupervisor {
    /// The environment variable that marks a worker (its number), and makes it use SO_REUSEPORT.
    static let workerVariable = "TINA4_WORKER"

    /// Why `--workers` is refused without the backplane (one line).
    static let refusal = "--workers needs the Redis backplane (TINA4_WS_BACKPLANE=redis): each worker has only its own clients, so without it a broadcast would reach a fraction of them"

    private struct Worker {
        var number: Int
        var pid: pid_t
        var startedAt: UInt64
    }

    static func run(count: Int, host: String, port: Int, graceMilliseconds: UInt64, log: Log) -> Int32 {
        // Reserve the port (bound with SO_REUSEPORT, not listening: it gets no connections),
        // so a port in use is one clear error here, and port 0 picks one port for all workers.
        let reservation: PortReservation
        do {
            reservation = try PortReservation(host: host, port: port)
        } catch {
            printError(error.isAddressInUse
                ? "port \(port) on \(host) is already in use. Stop the other server or pass --port."
                : "cannot listen on \(host):\(port): \(error)")
            return 1
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGCHLD, SIGTERM, SIGINT] { sigaddset(&signals, number) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let executable = readLink("/proc/self/exe") ?? CommandLine.arguments[0]
        var workers: [Worker] = []
        for number in 1...count {
            guard let pid = spawn(executable, number: number, host: host, port: reservation.port) else {
                printError("cannot start worker \(number): \(String(cString: strerror(errno)))")
                stopAll(&workers, waitMilliseconds: graceMilliseconds + 5_000, log: log)
                return 1
            }
            workers.append(Worker(number: number, pid: pid, startedAt: MonotonicClock.milliseconds()))
        }
        log.info("[workers] \(count) workers on \(host):\(reservation.port): \(workers.map { "#\($0.number) pid \($0.pid)" }.joined(separator: ", "))")

        while true {
            var received: Int32 = 0
            sigwait(&signals, &received)
            if received == SIGTERM || received == SIGINT {
                log.info("[workers] stopping \(workers.count) workers")
                stopAll(&workers, waitMilliseconds: graceMilliseconds + 5_000, log: log)
                reservation.release()
                return 0
            }
            var status: Int32 = 0
            while case let pid = waitpid(-1, &status, WNOHANG), pid > 0 {
                guard let index = workers.firstIndex(where: { $0.pid == pid }) else { continue }
                let worker = workers[index]
                let lived = MonotonicClock.milliseconds() - worker.startedAt
                log.warn("[workers] worker #\(worker.number) (pid \(pid)) \(describe(status)) after \(lived) ms; restarting it")
                if lived < 1_000 { usleep(1_000_000) }   // a crash loop must not spin
                guard let replacement = spawn(executable, number: worker.number, host: host, port: reservation.port) else {
                    log.error("[workers] cannot restart worker #\(worker.number): \(String(cString: strerror(errno)))")
                    workers.remove(at: index)
                    continue
                }
                workers[index] = Worker(number: worker.number, pid: replacement, startedAt: MonotonicClock.milliseconds())
                log.info("[workers] worker #\(worker.number) restarted as pid \(replacement)")
            }
        }
    }

    /// SIGTERM to every worker, then waits up to `waitMilliseconds` for them, then SIGKILL.
    private static func stopAll(_ workers: inout [Worker], waitMilliseconds: UInt64, log: Log) {
        for worker in workers { kill(worker.pid, SIGTERM) }
        let deadline = MonotonicClock.milliseconds() + waitMilliseconds
        while !workers.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 {
                workers.removeAll { $0.pid == pid }
            } else if pid < 0 && errno == ECHILD {
                break
            } else if MonotonicClock.milliseconds() > deadline {
                for worker in workers {
                    log.warn("[workers] worker #\(worker.number) (pid \(worker.pid)) did not stop in \(waitMilliseconds) ms; killing it")
                    kill(worker.pid, SIGKILL)
                }
                for worker in workers { waitpid(worker.pid, &status, 0) }
                break
            } else {
                usleep(20_000)
            }
        }
        workers.removeAll()
    }

    /// Starts `executable serve --host … --port …` with `TINA4_WORKER=number` and no blocked signals.
    private static func spawn(_ executable: String, number: Int, host: String, port: Int) -> pid_t? {
        let arguments = [executable, "serve", "--host", host, "--port", String(port)]
        var environment = Environment.current
        environment[workerVariable] = String(number)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, nil, &attributes, argv, envp)
        guard result == 0 else {
            errno = result
            return nil
        }
        return pid
    }

    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        return signal == 0 ? "exited with status \((status >> 8) & 0xFF)" : "was killed by signal \(signal)"
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
