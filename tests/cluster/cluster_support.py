"""Real processes for the multi-instance tests: redis-server and `tina4 serve`, with their logs.

Run from the repository root:

    TINA4_BIN=.build/debug/tina4 python3 -m pytest tests/cluster -q

Every process binds 127.0.0.1 on a free port and is stopped at teardown. Needs Debian's
`redis-server` (scripts/test installs it) and the `websocket-client` Python package.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout, what):
    """Polls `predicate` (cheap, local) until it is truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Process:
    """A child process whose output goes to a log file we can wait on."""

    def __init__(self, name):
        self.name = name
        self.proc = None
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def spawn(self, argv, env=None, cwd=REPO):
        self.log.write(f"--- {' '.join(argv)} ---\n".encode())
        self.log.flush()
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def text(self):
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def wait_log(self, needle, timeout=10.0, count=1):
        """Waits until `needle` appears `count` times in the output; returns the output."""
        return wait_until(lambda: self.text().count(needle) >= count and self.text(), timeout,
                          f"{needle!r} ×{count} in the {self.name} log:\n{self.tail()}")

    def tail(self, lines=40):
        return "\n".join(self.text().splitlines()[-lines:])

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None


class Redis(Process):
    """redis-server on a free loopback port, no persistence; stop() and start() keep the port."""

    def __init__(self, password=None, extra_args=()):
        super().__init__("redis")
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.password = password
        self.dir = tempfile.mkdtemp(prefix="tina4-redis-")

    @property
    def url(self):
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}"

    def start(self):
        argv = [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self.dir]
        if self.password:
            argv += ["--requirepass", self.password]
        self.spawn(argv + self.extra_args)
        wait_until(lambda: port_accepts(self.port) or (self.proc.poll() is not None and
                   pytest.fail(f"redis-server exited:\n{self.tail()}")), START_TIMEOUT, "redis-server")

    def cli(self, *args):
        argv = ["redis-cli", "-p", str(self.port)]
        if self.password:
            argv += ["-a", self.password, "--no-auth-warning"]
        return subprocess.run(argv + list(args), capture_output=True, text=True, timeout=5).stdout.strip()


class Tina(Process):
    """`tina4 serve` with the backplane pointed at a Redis URL (or off when url is None)."""

    def __init__(self, binary, name, url, extra_env=None, port=None):
        super().__init__(name)
        self.binary = binary
        self.port = port or free_port()
        self.url = url
        self.extra_env = extra_env or {}
        self.http = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}"

    def start(self, args=(), wait_for_backplane=True):
        env = dict(os.environ)
        for key in ("TINA4_WS_BACKPLANE", "TINA4_WS_BACKPLANE_URL", "TINA4_WS_BACKPLANE_QUEUE"):
            env.pop(key, None)
        if self.url is not None:
            env["TINA4_WS_BACKPLANE"] = "redis"
            env["TINA4_WS_BACKPLANE_URL"] = self.url
        env.setdefault("TINA4_LOG_LEVEL", "debug")
        env.update(self.extra_env)
        self.spawn([self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), *args], env=env)
        wait_until(lambda: port_accepts(self.port) or (self.proc.poll() is not None and
                   pytest.fail(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")),
                   START_TIMEOUT, f"{self.name} to accept connections")
        if self.url is not None and wait_for_backplane:
            self.wait_log("[backplane] connected to Redis")


