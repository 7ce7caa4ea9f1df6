"""Benchmark: records per second and peak memory of ``qorgan simulate`` at one scale.

Usage: ``python bench/bench_simulate.py --scale small|medium|large [--out DIR]``.
Ends with one JSON line: {"bench", "value" (records/s), "unit", "records", "seconds",
"peak_rss_mb", "cores", "scale"}.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from qorgan.sim.world import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="small", choices=("small", "medium", "large"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch) / "world"
        started = time.perf_counter()
        summary = simulate(out, seed=args.seed, scale=args.scale)
        seconds = time.perf_counter() - started
    records = sum(summary.rows.values())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "bench": f"simulate.{args.scale}",
        "value": round(records / seconds),
        "unit": "records/s",
        "records": records,
        "calls": summary.rows.get("calls", 0),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "cores": os.cpu_count(),
        "scale": args.scale,
    }
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
