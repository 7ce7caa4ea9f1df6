"""How many calls per second the SIP front answers on loopback, driven by SIPp.

Starts the front in this process (one event loop, as ``qorgan sip`` runs it, each decision
line written to a file through a ``DecisionLog``) and drives it with SIPp
(``tests/integration/sipp/bench_302.xml``: INVITE, 302, ACK over UDP) at increasing rates,
each for ``--seconds``. Callers and callees come from an injection file of distinct Kazakh
mobiles (``--subscribers``), so the screener's keyed state and the number caches see
realistic traffic; a warm-up pass first reads every number once.

Figures: ``value`` is the highest rate sustained (no failed call, and SIPp kept within 5 % of
the rate asked); ``p50_ms`` and ``p99_ms`` are SIPp's INVITE-to-302 response times at that
rate (``-trace_rtt``, whole milliseconds); ``p99_ok_rate`` is the highest sustained rate whose
p99 was within ``--p99-goal-ms``; ``front_cpu_us_per_call`` is the CPU time this process (the
front) spent per call at that rate, so ``1e6 / front_cpu_us_per_call`` is what one core of
the front can take even on a machine shared with other work; ``service_p50_us`` and
``service_p99_us`` are the front's own time per INVITE over the whole run, from its decision
lines (``us=``; no time queued in the socket).

    .venv/bin/python bench/bench_sip.py --rates 1000,2000,3000,4000,5000,6000,8000,10000

SIPp and the front share the machine: on 2 cores, SIPp takes most of one.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import logging
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from qorgan.sipfront import BackgroundServer, DecisionLog, SipSettings
from qorgan.telecom.screening import CallScreener

SCENARIO = Path(__file__).resolve().parents[1] / "tests/integration/sipp/bench_302.xml"
PREFIXES = ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778")


@dataclass
class Step:
    """One rate's outcome."""

    rate: int
    achieved: float
    successful: int
    failed: int
    retransmissions: int
    p50_ms: float
    p99_ms: float
    front_cpu_us: float  # this process's CPU time (the front's thread) per call
    sipp_cpu_us: float  # SIPp's CPU time per call


def write_injection(path: Path, subscribers: int, calls: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = [f"+7{rng.choice(PREFIXES)}{rng.randrange(10**7):07d}" for _ in range(subscribers)]
    with path.open("w", encoding="ascii") as out:
        out.write("SEQUENTIAL\n")
        for i in range(calls):
            out.write(f"{pool[i % subscribers]};{rng.choice(pool)}\n")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_step(sipp: str, port: int, rate: int, calls: int, workdir: Path, inf: Path) -> Step:
    """Run SIPp at ``rate`` calls/s for ``calls`` calls and read its statistics."""
    workdir.mkdir(parents=True, exist_ok=True)
    stats = workdir / "stat.csv"
    command = [
        sipp, f"127.0.0.1:{port}", "-sf", str(SCENARIO), "-inf", str(inf), "-t", "u1",
        "-i", "127.0.0.1", "-p", str(free_port()), "-r", str(rate), "-m", str(calls),
        "-l", str(max(1000, rate)), "-timer_resol", "1", "-nostdin", "-buff_size", "8388608",
        "-trace_stat", "-stf", str(stats), "-fd", "1", "-trace_rtt", "-rtt_freq", "1000",
        "-timeout", f"{calls // rate * 3 + 20}s",
    ]  # fmt: skip
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    with (workdir / "sipp.out").open("wb") as out:  # not a pipe: reading it would cost CPU here
        subprocess.run(command, cwd=workdir, stdout=out, stderr=out, timeout=600, check=False)
    elapsed = time.perf_counter() - started
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    with stats.open(encoding="ascii", errors="replace") as stream:
        last = list(csv.DictReader(stream, delimiter=";"))[-1]
    successful = int(last["SuccessfulCall(C)"])
    failed = int(last["FailedCall(C)"])
    times = []
    for rtt in workdir.glob("*_rtt.csv"):
        with rtt.open(encoding="ascii") as stream:
            next(stream, None)
            times += [float(row.split(";")[1]) for row in stream if row.count(";") >= 2]
    quantiles = statistics.quantiles(times, n=100) if len(times) > 100 else [float("nan")] * 99
    return Step(
        rate=rate,
        achieved=round(successful / max(elapsed - 0.2, 1e-9), 1),
        successful=successful,
        failed=failed + max(0, calls - successful - failed),
        retransmissions=int(last.get("Retransmissions(C)", 0) or 0),
        p50_ms=round(quantiles[49], 3),
        p99_ms=round(quantiles[98], 3),
        front_cpu_us=round(cpu / max(successful, 1) * 1e6, 1),
        sipp_cpu_us=round(children / max(successful, 1) * 1e6, 1),
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sustained(step: Step) -> bool:
    """No failed call, and SIPp kept up within 5 % of the rate asked (no overload)."""
    return not step.failed and step.achieved >= 0.95 * step.rate


def service_times(log: Path) -> tuple[float | None, float | None]:
    """Median and 99th percentile of the front's own time per INVITE (``us=`` in its log)."""
    if not log.exists():
        return None, None
    with log.open(encoding="utf-8") as stream:
        times = [float(line.rsplit(" us=", 1)[1]) for line in stream if " us=" in line]
    if len(times) < 100:
        return None, None
    quantiles = statistics.quantiles(times, n=100)
    return quantiles[49], quantiles[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="1000,2000,3000,4000,5000,6000,8000,10000")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--p99-goal-ms", type=float, default=5.0)
    parser.add_argument("--no-log", action="store_true", help="Do not log each decision.")
    args = parser.parse_args()
    sipp = shutil.which("sipp")
    if sipp is None:
        sys.exit("sipp is not on PATH: apt-get install sip-tester")
    rates = [int(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-sip-") as tmp:
        work = Path(tmp)
        inf = work / "calls.csv"
        write_injection(inf, args.subscribers, max(rates) * args.seconds * 2, seed=1)
        logging.getLogger("qorgan.sipfront").setLevel(logging.WARNING)
        log = (work / "decisions.log").open("w", encoding="utf-8")
        decisions = DecisionLog(log) if not args.no_log else (lambda _line: None)
        steps: list[Step] = []
        front = BackgroundServer(SipSettings(port=0), CallScreener(), decisions=decisions)
        with front:
            run_step(sipp, front.port, 2000, args.subscribers, work / "warm", inf)
            gc.collect()
            gc.freeze()  # as ``qorgan sip`` does once started
            for rate in rates:
                step = run_step(sipp, front.port, rate, rate * args.seconds, work / str(rate), inf)
                print(json.dumps(step.__dict__), file=sys.stderr)
                steps.append(step)
                if not sustained(step):
                    break
        log.close()
        service = service_times(work / "decisions.log")
    clean = [s for s in steps if sustained(s)]
    best = max(clean, key=lambda s: s.achieved) if clean else None
    within = [s.achieved for s in clean if s.p99_ms <= args.p99_goal_ms]
    print(
        json.dumps(
            {
                "bench": "sip_front",
                "value": best.achieved if best else 0,
                "unit": "calls/s",
                "p50_ms": best.p50_ms if best else None,
                "p99_ms": best.p99_ms if best else None,
                "p99_ok_rate": max(within) if within else 0,
                "front_cpu_us_per_call": best.front_cpu_us if best else None,
                "service_p50_us": service[0],
                "service_p99_us": service[1],
                "logged": not args.no_log,
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
