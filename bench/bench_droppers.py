"""Dropper finder throughput and peak memory.

Usage::

    python bench/bench_droppers.py --world DIR [--window week] [--model FILE]
                                   [--memory-limit 6GB] [--threads N] [--repeat 3]

Runs the whole finder over ``DIR/transfers.parquet`` with ``accounts`` and ``reports``: the
feature query, the transfer graph (edges in SQL, walks in NumPy/SciPy), rule (and model)
scores, and the evidence transfers of every flagged account. Prints one JSON line per run
and a summary line with the medians: transfers/s, accounts/s, the time of each stage, and
the process's peak RSS (DuckDB's memory included).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa

from qorgan.banking.dropper_model import DropperModel
from qorgan.store.droppers import DropperRun
from qorgan.store.simboxes import connect, load_parquet


def one_run(args: argparse.Namespace, model: DropperModel | None) -> dict[str, object]:
    db = connect(args.memory_limit, args.threads)
    for name in ("transfers", "accounts", "reports"):
        load_parquet(db, name, args.world / f"{name}.parquet")
    (rows,) = db.execute("select count(*) from transfers").fetchall()[0]
    run = DropperRun(db, args.window, True, True, model=model)
    started = time.perf_counter()
    base = run.base_features()
    features_s = time.perf_counter() - started
    graph = run.graph_features(base)
    graph_s = time.perf_counter() - started - features_s
    for name, values in graph.items():
        base = base.append_column(name, pa.array(values, pa.float64()))
    findings = run.findings(base)
    seconds = time.perf_counter() - started
    accounts = len(set(base.column("account").to_pylist()))
    return {
        "bench": "dropper_finder",
        "world": str(args.world),
        "window": args.window,
        "model": model is not None,
        "transfers": rows,
        "accounts": accounts,
        "account_windows": base.num_rows,
        "suspected": len(findings),
        "features_s": round(features_s, 2),
        "graph_s": round(graph_s, 2),
        "score_and_evidence_s": round(seconds - features_s - graph_s, 2),
        "seconds": round(seconds, 2),
        "transfers_per_s": round(rows / seconds),
        "accounts_per_s": round(accounts / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--window", default="week")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = DropperModel.load(args.model) if args.model is not None else None
    runs = []
    for _ in range(args.repeat):
        result = one_run(args, model)
        sys.stdout.write(json.dumps(result) + "\n")
        runs.append(result)
    median = {
        key: statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]
        for key in ("seconds", "transfers_per_s", "accounts_per_s", "features_s", "graph_s")
    }
    sys.stdout.write(json.dumps({"bench": "dropper_finder", "median_of": len(runs), **median,
                                 "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)})  # type: ignore[type-var]
                     + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
