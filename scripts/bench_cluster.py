#!/usr/bin/env python3
"""Two-instance fan-out through the Redis backplane, against a one-instance baseline.

  fan-out   R receivers in one /ws/chat/{room}, half on instance A, half on B, the sender on A;
            M messages. Server CPU (A + B, and Redis separately) per delivered message, with the
            backplane on; the same R receivers on one instance with it off, for comparison.
  latency   one message at a time from a client on A; the time until a receiver on A (local)
            and one on B (through Redis) have it: p50/p99 of each, and of the difference.

Usage: bench_cluster.py --on-a PID:PORT --on-b PID:PORT --redis PID --off PID:PORT [--quick]
"""
import argparse
import asyncio
import os
import statistics
import time

from bench_ws import Client, server_cpu_seconds


def endpoint(text):
    pid, port = text.split(":")
    return int(pid), int(port)


async def connect_room(ports, room, count):
    clients = []
    for i in range(count):
        clients.append(await Client.connect(ports[i % len(ports)], room))
    return clients


async def settle(clients, quiet=0.3):
    """Reads join notices until nobody has received anything for `quiet` seconds."""
    async def drain(c):
        while True:
            try:
                await asyncio.wait_for(c.next_message(), quiet)
            except asyncio.TimeoutError:
                return
    await asyncio.gather(*(drain(c) for c in clients))


async def fan_out(pids, ports, receivers, messages, extra_pids=()):
    room = f"/ws/chat/bench-cluster-{os.getpid()}-{len(ports)}"
    clients = await connect_room(ports, room, receivers)
    await settle(clients)
    sender = clients[0]
    watched = list(pids) + list(extra_pids)
    cpu0 = [server_cpu_seconds(p) for p in watched]
    t0 = time.perf_counter()
    readers = [asyncio.create_task(c.count_frames(messages)) for c in clients[1:]]
    sent, window = 0, 500
    while sent < messages:
        batch = min(window, messages - sent)
        for _ in range(batch):
            sender.send('{"username":"bench","text":"hello, everyone in the room"}')
        await sender.writer.drain()
        await sender.count_frames(batch)
        sent += batch
    await asyncio.gather(*readers)
    wall = time.perf_counter() - t0
    cpu = [server_cpu_seconds(p) - c for p, c in zip(watched, cpu0)]
    for c in clients:
        c.close()
    delivered = receivers * messages
    return {"servers_us": sum(cpu[:len(pids)]) * 1e6 / delivered,
            "redis_us": sum(cpu[len(pids):]) * 1e6 / delivered,
            "per_second": delivered / wall, "delivered": delivered}


async def latency(port_a, port_b, rounds):
    room = f"/ws/chat/bench-latency-{os.getpid()}"
    sender = await Client.connect(port_a, room)
    local = await Client.connect(port_a, room)
    remote = await Client.connect(port_b, room)
    await settle([sender, local, remote])
    local_times, remote_times = [], []
    for i in range(rounds):
        t0 = time.perf_counter()
        sender.send('{"username":"bench","text":"ping %d"}' % i)
        await sender.writer.drain()
        async def arrival(c):
            await c.next_message()
            return time.perf_counter() - t0
        lt, rt, _ = await asyncio.gather(arrival(local), arrival(remote), sender.next_message())
        local_times.append(lt * 1e6)
        remote_times.append(rt * 1e6)
    for c in (sender, local, remote):
        c.close()
    def pct(values, q):
        return statistics.quantiles(values, n=100)[q - 1]
    added = [r - l for l, r in zip(local_times, remote_times)]
    return {"local_p50": pct(local_times, 50), "local_p99": pct(local_times, 99),
            "remote_p50": pct(remote_times, 50), "remote_p99": pct(remote_times, 99),
            "added_p50": pct(added, 50), "added_p99": pct(added, 99)}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--on-a", type=endpoint, required=True)
    parser.add_argument("--on-b", type=endpoint, required=True)
    parser.add_argument("--redis", type=int, required=True)
    parser.add_argument("--off", type=endpoint, required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    receivers, messages = 100, 10000 // scale
    (pa, a), (pb, b), (poff, off) = args.on_a, args.on_b, args.off
    on = await fan_out([pa, pb], [a, b], receivers, messages, extra_pids=[args.redis])
    baseline = await fan_out([poff], [off], receivers, messages)
    print(f"cluster    backplane on, 2 instances: {on['servers_us']:.2f} µs server CPU per delivered message "
          f"(+ {on['redis_us']:.3f} µs in redis-server), {on['per_second']:,.0f} deliveries/s; "
          f"off, 1 instance: {baseline['servers_us']:.2f} µs, {baseline['per_second']:,.0f} deliveries/s "
          f"({messages} messages × {receivers} receivers)")
    lat = await latency(a, b, 2000 // scale)
    print(f"cluster    latency local p50 {lat['local_p50']:.0f} µs p99 {lat['local_p99']:.0f} µs; "
          f"across instances p50 {lat['remote_p50']:.0f} µs p99 {lat['remote_p99']:.0f} µs; "
          f"added by the backplane p50 {lat['added_p50']:.0f} µs p99 {lat['added_p99']:.0f} µs")


if __name__ == "__main__":
    asyncio.run(main())
