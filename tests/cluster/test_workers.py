"""`tina4 serve --workers N`: worker processes sharing one port through the backplane."""
import json
import os
import re
import signal
import subprocess

from cluster_support import Tina, wait_until
from cluster_helpers import Client


def worker_pids(supervisor_pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(supervisor_pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def server_pid_of(client, port):
    """The pid of the worker holding this client's connection (from `ss -tnp`)."""
    local_port = client.ws.sock.getsockname()[1]
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} and dport = :{local_port} )"],
                         capture_output=True, text=True).stdout
    match = re.search(r"pid=(\d+)", out)
    return int(match.group(1)) if match else None


def clients_on_each_worker(server, pids, path="/ws/chat/general", limit=60):
    """Opens clients until every worker holds at least one; returns {pid: [clients]}."""
    by_pid = {pid: [] for pid in pids}
    for _ in range(limit):
        client = Client(server.ws + path)
        pid = wait_until(lambda: server_pid_of(client, server.port), 5, "the connection to show in ss")
        by_pid.setdefault(pid, []).append(client)
        if all(by_pid[p] for p in pids):
            return by_pid
    raise AssertionError(f"{limit} connections never reached every worker: {({p: len(c) for p, c in by_pid.items()})}")


def test_a_room_spans_both_workers_and_a_killed_worker_is_restarted(binary, redis, processes):
    server = Tina(binary, "tina4-workers", redis.url)
    processes.append(server)
    server.start(["--workers", "2"], wait_for_backplane=False)
    server.wait_log("[backplane] connected to Redis", count=2)
    pids = wait_until(lambda: len(worker_pids(server.proc.pid)) == 2 and worker_pids(server.proc.pid), 10, "2 workers")
    by_pid = clients_on_each_worker(server, pids)
    first, second = by_pid[pids[0]][0], by_pid[pids[1]][0]
    first.send(json.dumps({"username": "w1", "text": "from worker 1"}))
    second.wait_json(lambda m: m.get("text") == "from worker 1")
    second.send(json.dumps({"username": "w2", "text": "from worker 2"}))
    first.wait_json(lambda m: m.get("text") == "from worker 2")

    os.kill(pids[0], signal.SIGKILL)
    server.wait_log("was killed by signal 9")
    server.wait_log("restarted as pid")
    server.wait_log("[backplane] connected to Redis", count=3)
    assert server.running, "the supervisor survives a worker's death"
    new_pids = wait_until(lambda: len(worker_pids(server.proc.pid)) == 2 and worker_pids(server.proc.pid), 10, "2 workers again")
    assert pids[0] not in new_pids and pids[1] in new_pids
    # The killed worker's clients reconnect, and the room spans both workers again.
    by_pid = clients_on_each_worker(server, new_pids)
    a, b = by_pid[new_pids[0]][-1], by_pid[new_pids[1]][-1]
    a.send(json.dumps({"username": "x", "text": "after restart"}))
    b.wait_json(lambda m: m.get("text") == "after restart")

    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=15) == 0
    for pid in new_pids:
        wait_until(lambda pid=pid: not os.path.exists(f"/proc/{pid}") or
                   open(f"/proc/{pid}/stat").read().split()[2] == "Z", 10, f"worker {pid} to stop")


def test_workers_are_refused_without_the_backplane(binary, processes):
    server = Tina(binary, "tina4-workers-alone", None)
    processes.append(server)
    server.spawn([binary, "serve", "--host", "127.0.0.1", "--port", str(server.port), "--workers", "2"],
                 env={k: v for k, v in os.environ.items() if not k.startswith("TINA4_WS_BACKPLANE")})
    assert server.proc.wait(timeout=10) == 2
    lines = [l for l in server.text().splitlines() if l.startswith("tina4:")]
    assert lines == ["tina4: --workers needs the Redis backplane (TINA4_WS_BACKPLANE=redis): each worker has only "
                     "its own clients, so without it a broadcast would reach a fraction of them"]


def test_sigterm_shuts_every_worker_down_gracefully(binary, redis, processes):
    """SIGTERM to the supervisor reaches every worker; each closes its WebSockets with 1001
    "server shutting down" (the client's answer is awaited), and the supervisor exits 0."""
    server = Tina(binary, "tina4-workers-shutdown", redis.url)
    processes.append(server)
    server.start(["--workers", "2"], wait_for_backplane=False)
    server.wait_log("[backplane] connected to Redis", count=2)
    pids = wait_until(lambda: len(worker_pids(server.proc.pid)) == 2 and worker_pids(server.proc.pid), 10, "2 workers")
    by_pid = clients_on_each_worker(server, pids)
    clients = [by_pid[pids[0]][0], by_pid[pids[1]][0]]

    server.proc.send_signal(signal.SIGTERM)
    for client in clients:
        data = client.wait_for(lambda opcode, data: opcode == 0x8, what="the close frame")
        assert data == b"\x03\xe9server shutting down"
    assert server.proc.wait(timeout=15) == 0
    server.wait_log("[server] shutting down: closing", count=2)
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    assert "did not stop" not in server.text(), "no worker needed SIGKILL"
