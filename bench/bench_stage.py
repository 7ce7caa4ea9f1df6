"""Benchmark: rows per second and peak memory of staging calls into DuckDB.

Usage: ``python bench/bench_stage.py [--world DIR | --scale small|medium|large] [--seed N]``.
Without ``--world`` a world is simulated into a scratch directory first. Stages the
world's ``calls.parquet``, then a CSV copy of it (written by DuckDB, as a switch export
would be), each in a fresh process with a fresh in-memory database, and prints one JSON
line per file: {"bench", "value" (rows/s), "unit", "rows", "rejected", "seconds",
"peak_rss_mb", "cores", "world", "seconds_for_150m"}. ``seconds_for_150m`` extrapolates
to 150 million call records, the day the SIM-box finder must get through.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from qorgan.core.rejects import RejectSink
from qorgan.sim.world import simulate
from qorgan.store.columnar import stage

DAY_OF_CALLS = 150_000_000


def _stage_once(path: str, answers: multiprocessing.Queue[dict[str, float]]) -> None:
    db = duckdb.connect()
    db.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    stats = stage(db, Path(path), "calls", "calls", RejectSink())
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    answers.put(
        {"rows": stats.rows, "rejected": stats.rejected, "seconds": seconds, "peak_kb": peak_kb}
    )


def _measure(path: Path) -> dict[str, float]:
    """Stage ``path`` in a child process, so that its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    answers: multiprocessing.Queue[dict[str, float]] = context.Queue()
    child = context.Process(target=_stage_once, args=(str(path), answers))
    child.start()
    figures = answers.get()
    child.join()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, default=None, help="a simulated world to stage")
    parser.add_argument("--scale", default="small", choices=("small", "medium", "large"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        world = args.world
        if world is None:
            world = Path(scratch) / "world"
            simulate(world, seed=args.seed, scale=args.scale)
        parquet = world / "calls.parquet"
        copy = Path(scratch) / "calls.csv"
        db = duckdb.connect()
        db.execute("SET enable_progress_bar = false")
        db.execute(f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{copy}' (HEADER)")
        db.close()
        for path in (parquet, copy):
            figures = _measure(path)
            rate = figures["rows"] / figures["seconds"]
            line = {
                "bench": f"stage.calls{path.suffix}",
                "value": round(rate),
                "unit": "rows/s",
                "rows": figures["rows"],
                "rejected": figures["rejected"],
                "seconds": round(figures["seconds"], 2),
                "peak_rss_mb": round(figures["peak_kb"] / 1024),
                "cores": os.cpu_count(),
                "world": str(args.world) if args.world else f"{args.scale}, seed {args.seed}",
                "seconds_for_150m": round(DAY_OF_CALLS / rate),
            }
            sys.stdout.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
