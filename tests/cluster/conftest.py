"""Fixtures for the multi-instance tests: a real redis-server and real `tina4 serve` processes.

Run from the repository root:

    TINA4_BIN=.build/debug/tina4 python3 -m pytest tests/cluster -q
"""
import os

import pytest

from cluster_support import REPO, Redis, Tina


@pytest.fixture
def binary():
    path = os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"server binary {path} not found or not executable (build it, or set TINA4_BIN)")
    return path


@pytest.fixture
def processes():
    """Register processes to be stopped (and their logs printed) at teardown."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()
        print(f"\n--- {process.name} log ({process.log.name}) ---\n{process.tail()}")


@pytest.fixture
def redis(processes):
    server = Redis()
    processes.append(server)
    server.start()
    return server


@pytest.fixture
def cluster(binary, redis, processes):
    """Two instances, A and B, sharing `redis`."""
    shared = {"TINA4_SECRET": "cluster-test-secret, at least 32 bytes"}   # tokens from one instance open /ws/secure on the other
    a = Tina(binary, "tina4-A", redis.url, shared)
    b = Tina(binary, "tina4-B", redis.url, shared)
    processes.extend([a, b])
    a.start()
    b.start()
    return a, b
