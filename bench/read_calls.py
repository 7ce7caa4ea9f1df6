"""How fast the calls CSV reader turns rows into records.

Writes a synthetic calls CSV (numbers drawn from a pool of subscribers, as in real
traffic, a tenth of callers in national format), reads it once with
``qorgan.core.readers.read_feed`` in a fresh process (so every distinct number is parsed
once, as in a real run) and prints one JSON line of figures: ``value`` is rows per
wall-clock second, ``rows_per_cpu_s`` per second of this process's CPU time (steadier on
a shared machine), ``p50``/``p99`` the seconds per batch of 50,000 rows.

    .venv/bin/python bench/read_calls.py --rows 500000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qorgan.core.feeds import CALLS
from qorgan.core.readers import read_feed
from qorgan.core.rejects import RejectSink

PREFIXES = ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778")


def write_calls(path: Path, rows: int, subscribers: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = [f"+7{rng.choice(PREFIXES)}{rng.randrange(10**7):07d}" for _ in range(subscribers)]
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([c.name for c in CALLS.columns])
        for i in range(rows):
            caller = rng.choice(pool)
            if i % 10 == 0:
                caller = "8" + caller[2:]  # national format, as some switches log it
            answered = rng.random() < 0.6
            ts = start + timedelta(milliseconds=i * 137)
            writer.writerow(
                [
                    f"c{i:09d}",
                    ts.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    caller,
                    rng.choice(pool),
                    rng.choice(("radio", "domestic", "international", "voip")),
                    f"40102{rng.randrange(10**10):010d}",
                    f"35{rng.randrange(10**13):013d}",
                    f"cell-{rng.randrange(5000)}",
                    "true" if answered else "false",
                    rng.randrange(1, 600) if answered else 0,
                    "kcell",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.csv"
        write_calls(path, args.rows, args.subscribers, args.seed)
        with RejectSink(Path(tmp) / "rejects.csv") as rejects:
            started = time.perf_counter()
            cpu_started = time.process_time()
            batch_seconds = []
            tick = started
            for _batch in read_feed(path, CALLS, rejects=rejects):
                now = time.perf_counter()
                batch_seconds.append(now - tick)
                tick = now
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        stats = rejects.summary()
    assert stats.accepted == args.rows, stats
    batch_seconds.sort()
    figures = {
        "bench": "read_calls_csv",
        "value": round(args.rows / seconds),
        "unit": "rows/s",
        "p50": round(batch_seconds[len(batch_seconds) // 2], 4),
        "p99": round(batch_seconds[int(len(batch_seconds) * 0.99)], 4),
        "cores": os.cpu_count(),
        "rows_per_cpu_s": round(args.rows / cpu_seconds),
        "subscribers": args.subscribers,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
