"""Benchmark: in-process call decisions per second on one core.

Usage: ``python bench/bench_screen.py [--world DIR] [--repeat 3]``. Reads the calls (and
roaming) of a simulated world into memory first, then times ``CallScreener.screen`` alone,
per call, and prints one JSON line with the median rate over the repeats and the p50/p99
latency of a single decision in microseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from qorgan.core.readers import read_all
from qorgan.core.records import CallRecord, RoamingRecord
from qorgan.sim.world import simulate
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        world = args.world or Path(scratch)
        if args.world is None:
            simulate(world, seed=3, scale="small")
        calls = [
            c for c in read_all(world / "calls.parquet", "calls")[0] if isinstance(c, CallRecord)
        ]
        stays = [
            r
            for r in read_all(world / "roaming.parquet", "roaming")[0]
            if isinstance(r, RoamingRecord)
        ]
    rates, latencies = [], []
    for _ in range(args.repeat):
        screener = CallScreener(roaming=RoamingIndex(stays))
        started = time.perf_counter()
        for call in calls:
            screener.screen(call)
        rates.append(len(calls) / (time.perf_counter() - started))
    screener = CallScreener(roaming=RoamingIndex(stays))
    clock = time.perf_counter_ns
    for call in calls[:50_000]:
        t = clock()
        screener.screen(call)
        latencies.append((clock() - t) / 1000)
    latencies.sort()
    figures = {
        "bench": "screen_calls_in_process",
        "value": round(statistics.median(rates)),
        "unit": "decisions/s",
        "p50": round(latencies[len(latencies) // 2], 2),
        "p99": round(latencies[int(len(latencies) * 0.99)], 2),
        "latency_unit": "us",
        "calls": len(calls),
        "cores": os.cpu_count(),
    }
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
