"""Benchmark: payments scored per second by the HTTP API under open-loop load on loopback.

Usage::

    python bench/bench_api.py --world DIR [--steps 500,1000,2000,3000,4000,5000,6000,8000]
        [--duration 5] [--connections 32] [--port 0]

Starts ``uvicorn --factory qorgan.api.app:create_app`` (uvloop, httptools, no access log)
as a child process with ``QORGAN_ACCOUNTS`` = the world's accounts and the decision log
in a scratch directory, waits for ``/v1/health``, then posts the world's transfers, in
time order, to ``/v1/payments/score`` from this process over ``--connections`` keep-alive
connections (raw asyncio streams, no pipelining). The load is open-loop: request ``i`` of a
step is due at ``start + i / rate`` and its latency is measured from that due time, not from
when it was sent, so a server (or client) that falls behind shows its queueing in the
latency instead of slowing the load down (no coordinated omission). When the world's
transfers run out they are posted again, a lap later in event time under new ids.

Each step (``--steps``, each ``--duration`` seconds, after a ``--warmup``) prints one JSON
line on stderr: target and achieved rate, errors (non-200 answers, broken connections,
requests unanswered ``--grace`` seconds after the step), p50/p99 latency from the due time
and p99 from the actual send, and the CPU time per request of the server and of this load
generator. Stepping stops after the first step that has errors or achieves less than 95 %
of its target. The last line, on stdout, gives ``value``: the highest target rate with no
error and p99 within ``--p99-goal-ms``, with its p50/p99; the goal is 3,000/s at p99 <= 10 ms.

The load generator costs about 80-150 us of CPU per request (a quarter of a core at
3,000/s) and shares the machine with the server: on a small or busy machine the latencies
include that contention, so ``server_cpu_us`` (per request; ``1e6 / server_cpu_us`` is what
one core of the server can take, whatever else runs) is the figure to compare across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import uvloop

from qorgan.core.readers import read_all
from qorgan.core.records import TransferRecord

HOST = "127.0.0.1"
PATH = "/v1/payments/score"
GOAL_RATE = 3_000
GOAL_P99_MS = 10.0
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


@dataclass
class Step:
    """One rate's outcome (latencies in milliseconds, CPU in microseconds per request)."""

    rate: int
    requests: int
    ok: int
    errors: int
    achieved: float
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    service_p99_ms: float | None  # from the actual send: no time queued in the client
    server_cpu_us: float | None
    client_cpu_us: float

    def sustained(self) -> bool:
        return self.errors == 0 and self.ok > 0 and self.achieved >= 0.95 * self.rate

    def within(self, p99_goal_ms: float) -> bool:
        return self.sustained() and self.p99_ms is not None and self.p99_ms <= p99_goal_ms


class Bodies:
    """The world's transfers as request bytes, lap after lap, each lap later in event time."""

    def __init__(self, transfers: Sequence[TransferRecord], port: int) -> None:
        self.transfers = transfers
        self.lap_span = transfers[-1].ts - transfers[0].ts + timedelta(days=1)
        self.head = f"POST {PATH} HTTP/1.1\r\nHost: {HOST}:{port}\r\n".encode()
        self.cursor = 0

    def take(self, n: int) -> list[bytes]:
        """The next ``n`` requests."""
        start, self.cursor = self.cursor, self.cursor + n
        return [self._request(start + i) for i in range(n)]

    def _request(self, index: int) -> bytes:
        lap, i = divmod(index, len(self.transfers))
        transfer = self.transfers[i]
        ts = (transfer.ts + lap * self.lap_span).astimezone(UTC)
        body = json.dumps(
            {
                "transfer_id": transfer.transfer_id + (f"-r{lap}" if lap else ""),
                "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "from_account": transfer.from_account,
                "to_account": transfer.to_account,
                "amount": str(transfer.amount),
                "currency": transfer.currency,
                "channel": transfer.channel.value,
                "device_id": transfer.device_id,
                "ip": transfer.ip,
            },
            separators=(",", ":"),
        ).encode()
        return (
            self.head
            + b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )


class Load:
    """One step: ``requests`` due at ``rate`` per second, over keep-alive connections."""

    def __init__(self, port: int, requests: list[bytes], rate: int) -> None:
        self.port = port
        self.requests = requests
        self.rate = rate
        self.latencies: list[float] = []  # seconds from the due time to the answer
        self.service: list[float] = []  # seconds from the send to the answer
        self.ok = 0
        self.errors = 0
        self.sample: str | None = None  # the first error, for the report
        self.start = 0.0
        self.last_done = 0.0
        self._next = 0
        self._writers: set[asyncio.StreamWriter] = set()

    async def run(self, connections: int, grace_s: float) -> None:
        """Send every request on schedule; give up ``grace_s`` after the last is due."""
        streams = await asyncio.gather(*(self._connect() for _ in range(connections)))
        self.start = time.perf_counter() + 0.01
        tasks = [asyncio.create_task(self._worker(*stream)) for stream in streams]
        try:
            async with asyncio.timeout(len(self.requests) / self.rate + grace_s):
                await asyncio.gather(*tasks)
        except TimeoutError:
            pass
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for writer in self._writers:
                writer.close()
        unanswered = len(self.requests) - self.ok - self.errors
        if unanswered:
            self.errors += unanswered
            self.sample = self.sample or f"{unanswered} unanswered {grace_s:g} s after the step"

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._writers.add(writer)
        return reader, writer

    async def _worker(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        clock = time.perf_counter  # uvloop's loop.time() counts whole milliseconds
        stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = (reader, writer)
        while self._next < len(self.requests):
            i = self._next
            self._next += 1
            due = self.start + i / self.rate
            delay = due - clock()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                if stream is None:
                    stream = await self._connect()
                sent = clock()
                stream[1].write(self.requests[i])
                status, body, close = await _response(stream[0])
            except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as error:
                self._fail(f"{type(error).__name__}: {error}")
                self._drop(stream)
                stream = None
                continue
            done = clock()
            if close:
                self._drop(stream)
                stream = None
            if status != 200:
                self._fail(f"HTTP {status}: {body[:300].decode(errors='replace')}")
                continue
            self.ok += 1
            self.latencies.append(done - min(due, sent))  # a timer may fire a little early
            self.service.append(done - sent)
            self.last_done = done

    def _fail(self, what: str) -> None:
        self.errors += 1
        self.sample = self.sample or what

    def _drop(self, stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None) -> None:
        if stream is not None:
            stream[1].close()
            self._writers.discard(stream[1])


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server closes: an HTTP/1.1 answer with Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, close = None, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            close = value.strip().lower() == b"close"
    if length is None:
        raise ValueError(f"HTTP {status} without Content-Length")
    return status, await reader.readexactly(length), close


def _ms(values: list[float], q: float) -> float | None:
    """The ``q`` quantile of sorted ``values`` (seconds), in milliseconds."""
    if not values:
        return None
    return round(values[min(len(values) - 1, int(len(values) * q))] * 1000, 3)


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user and system) of process ``pid`` so far, from ``/proc``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * TICK_S


async def run_step(
    port: int, requests: list[bytes], rate: int, args: argparse.Namespace, pid: int
) -> Step:
    """Drive one step and summarise it."""
    load = Load(port, requests, rate)
    client, server = time.process_time(), cpu_seconds(pid)
    await load.run(args.connections, args.grace)
    client = time.process_time() - client
    server_after = cpu_seconds(pid)
    load.latencies.sort()
    load.service.sort()
    n = len(requests)
    elapsed = max(load.last_done - load.start, n / rate)
    if load.sample:
        print(f"rate {rate}: first error: {load.sample}", file=sys.stderr)
    return Step(
        rate=rate,
        requests=n,
        ok=load.ok,
        errors=load.errors,
        achieved=round(load.ok / elapsed, 1),
        p50_ms=_ms(load.latencies, 0.5),
        p99_ms=_ms(load.latencies, 0.99),
        max_ms=_ms(load.latencies, 1.0),
        service_p99_ms=_ms(load.service, 0.99),
        server_cpu_us=(
            round((server_after - server) / n * 1e6, 1)
            if server is not None and server_after is not None
            else None
        ),
        client_cpu_us=round(client / n * 1e6, 1),
    )


async def drive(port: int, bodies: Bodies, args: argparse.Namespace, pid: int) -> list[Step]:
    """The warm-up, then each step until one is not sustained."""
    rates = [int(r) for r in args.steps.split(",")]
    if args.warmup > 0:
        warm = await run_step(port, bodies.take(round(rates[0] * args.warmup)), rates[0], args, pid)
        print(json.dumps({"warmup": True, **asdict(warm)}), file=sys.stderr)
    gc.collect()
    gc.freeze()
    steps: list[Step] = []
    for rate in rates:
        requests = bodies.take(round(rate * args.duration))
        gc.collect()
        step = await run_step(port, requests, rate, args, pid)
        print(json.dumps(asdict(step)), file=sys.stderr)
        steps.append(step)
        if not step.sustained():
            break
    return steps


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def post(port: int, request: bytes) -> tuple[int, bytes]:
    """Send one raw request (as the load sends it) and read the answer."""
    with socket.create_connection((HOST, port), timeout=5) as conn:
        conn.sendall(request)
        answer = http.client.HTTPResponse(conn)
        answer.begin()
        return answer.status, answer.read()


@contextlib.contextmanager
def server(world: Path, port: int, scratch: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The API in a child process, healthy; stopped on the way out, whatever happened."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QORGAN_")}
    env["QORGAN_ACCOUNTS"] = str(world / "accounts.parquet")
    env["QORGAN_DECISION_LOG"] = str(scratch / "decisions.jsonl")
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "qorgan.api.app:create_app",
        "--host", HOST, "--port", str(port), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    log_path = scratch / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_healthy(process, port, log_path)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if process.returncode not in (0, -signal.SIGTERM):
        print(f"server exited {process.returncode}:\n{_tail(log_path)}", file=sys.stderr)


def wait_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited {process.returncode} at start:\n{_tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, "/v1/health")[0] == 200:
                return
        time.sleep(0.1)
    sys.exit(f"server not healthy after 120 s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def summary(steps: list[Step], args: argparse.Namespace, extra: dict[str, Any]) -> dict[str, Any]:
    within = [s for s in steps if s.within(args.p99_goal_ms)]
    best = max(within, key=lambda s: s.rate) if within else None
    sustained = [s.rate for s in steps if s.sustained()]
    return {
        "bench": "api_payments_score_http",
        "value": best.rate if best else 0,
        "unit": "requests/s",
        "achieved": best.achieved if best else None,
        "p50_ms": best.p50_ms if best else None,
        "p99_ms": best.p99_ms if best else None,
        "server_cpu_us_per_request": best.server_cpu_us if best else None,
        "max_sustained_rate": max(sustained) if sustained else 0,
        "goal_rate": GOAL_RATE,
        "goal_p99_ms": GOAL_P99_MS,
        "meets_goal": bool(best and best.rate >= GOAL_RATE and args.p99_goal_ms <= GOAL_P99_MS),
        "connections": args.connections,
        "duration_s": args.duration,
        **extra,
        "python": platform.python_version(),
        "cores": os.cpu_count(),
    }


def _stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True, help="a simulated world")
    parser.add_argument("--steps", default="500,1000,2000,3000,4000,5000,6000,8000")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per step")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds at the first rate")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for answers")
    parser.add_argument("--p99-goal-ms", type=float, default=GOAL_P99_MS)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    transfers = [
        r
        for r in read_all(args.world / "transfers.parquet", "transfers")[0]
        if isinstance(r, TransferRecord)
    ]
    transfers.sort(key=lambda r: r.ts)
    if not transfers:
        sys.exit(f"{args.world / 'transfers.parquet'}: no transfers")
    port = args.port or free_port()
    bodies = Bodies(transfers, port)
    with (
        tempfile.TemporaryDirectory(prefix="bench-api-") as tmp,
        server(args.world, port, Path(tmp)) as process,
    ):
        status, answer = post(port, bodies.take(1)[0])
        if status != 200 or b'"action"' not in answer:
            sys.exit(f"first payment answered {status}: {answer[:500].decode(errors='replace')}")
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            steps = runner.run(drive(port, bodies, args, process.pid))
        health: dict[str, Any] = {}
        with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
            health = json.loads(get(port, "/v1/health")[1])
    extra = {
        "requests_sent": bodies.cursor,
        "transfers_seen": health.get("transfers_seen"),
        "decisions_logged": health.get("decisions_logged"),
        "world_transfers": len(transfers),
    }
    sys.stdout.write(json.dumps(summary(steps, args, extra)) + "\n")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
