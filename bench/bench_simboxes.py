"""SIM-box finder throughput and peak memory.

Usage::

    python bench/bench_simboxes.py --world DIR [--window week] [--copies 1] [--memory-limit 6GB]
                                   [--partitions N]

Runs the finder (rules) over ``DIR/calls.parquet`` and ``DIR/sms.parquet``: features, scores,
box grouping. ``--copies N`` streams the calls N times over with every SIM, number, handset
and cell renamed per copy (N countries side by side, read straight from the Parquet file,
nothing materialised), to measure a national day's volume — about 150M CDRs — on this
machine. Prints one JSON line: rows, seconds, rows/s, SIMs scored, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from qorgan.store.simboxes import SimBoxRun, connect


def calls_view(world: Path, copies: int) -> str:
    """One copy per value of ``k``, with identifiers made distinct per copy."""
    path = str(world / "calls.parquet").replace("'", "''")
    if copies == 1:
        return f"create view calls as select * from read_parquet('{path}')"
    return f"""
create view calls as
select call_id || '-' || k as call_id, ts,
       case when caller is null then null else caller || k end as caller,
       callee || k as callee, ingress,
       case when imsi is null then null else imsi || k end as imsi,
       case when imei is null then null else imei || k end as imei,
       case when cell_id is null then null else cell_id || '-' || k end as cell_id,
       answered, duration_s
from read_parquet('{path}'), range({copies}) r(k)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--window", default="week")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--partitions", type=int, default=1)
    args = parser.parse_args()
    db = connect(args.memory_limit, args.threads)
    db.execute(calls_view(args.world, args.copies))
    (rows,) = db.execute("select count(*) from calls").fetchall()[0]
    started = time.perf_counter()
    run = SimBoxRun(db, args.window)
    scored = run.score(partitions=args.partitions)
    scored_at = time.perf_counter() - started
    findings = run.findings()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(
        json.dumps(
            {
                "bench": "simbox_finder",
                "world": str(args.world),
                "copies": args.copies,
                "window": args.window,
                "rows": rows,
                "sims_scored": scored,
                "suspected": len(findings),
                "score_seconds": round(scored_at, 1),
                "seconds": round(seconds, 1),
                "rows_per_s": round(rows / seconds),
                "peak_rss_mb": round(peak_mb),
                "memory_limit": args.memory_limit,
                "partitions": args.partitions,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
