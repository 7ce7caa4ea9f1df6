"""Report-to-freeze-orders latency over a world's history, and over a 100M-transfer history.

Usage::

    python bench/bench_trace.py --world DIR [--pad 97_500_000] [--reports 500] [--rule fifo]
                                [--json FILE]

Indexes the world's transfers (plus ``--pad`` background transfers between the world's own
accounts, spread over its weeks, so every account's timeline is as much denser as a bigger
history makes it), then times, per report, the trace up to the report's time and the freeze
orders made from it: p50, p90, p99 and max over the reports. Also prints the index build time
and the process's peak RSS. The index makes a report's cost depend on the accounts the money
reaches and their activity after it arrived, not on the size of the history: each account's
transfers are one CSR slice found by binary search, and transfer ids are found by binary
search over a sorted order.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.freeze import orders_from_trace
from qorgan.tracing import ReportSeed, Rule, TransferIndex, bank_resolver, trace_report
from qorgan.tracing.index import OUTSIDE_NONE


def padded_index(world: Path, pad: int, seed: int = 7) -> TransferIndex:
    """The world's transfers and ``pad`` background transfers among its accounts."""
    columns = ["transfer_id", "ts", "from_account", "to_account", "amount"]
    table = pq.read_table(world / "transfers.parquet", columns=columns)
    accounts = pq.read_table(world / "accounts.parquet", columns=["account", "kind"])
    business = pc.filter(accounts["account"], pc.equal(accounts["kind"], "business"))
    small = TransferIndex.build(table, business.combine_chunks())
    if not pad:
        return small
    rng = np.random.default_rng(seed)
    people = np.flatnonzero(small.outside == OUTSIDE_NONE).astype(np.int32)
    chunk = 10_000_000
    ids, ts, src, dst, amount = [small.ids], [small.ts_ms], [small.src], [small.dst], [small.amount]
    lo, hi = int(small.ts_ms.min()), int(small.ts_ms.max())
    for start in range(0, pad, chunk):
        n = min(chunk, pad - start)
        number = pc.cast(pa.array(np.arange(start, start + n, dtype=np.int64)), pa.string())
        ids.append(pc.binary_join_element_wise("B", number, ""))
        ts.append(rng.integers(lo, hi, n, dtype=np.int64))
        src.append(people[rng.integers(0, len(people), n)])
        dst.append(people[rng.integers(0, len(people), n)])
        amount.append((rng.lognormal(9.5, 1.2, n) * 100).astype(np.int64))
    return TransferIndex.from_codes(
        pa.concat_arrays(ids), np.concatenate(ts), np.concatenate(src), np.concatenate(dst),
        np.concatenate(amount), small.accounts, business.combine_chunks(),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--pad", type=int, default=0, help="Background transfers to add.")
    parser.add_argument("--reports", type=int, default=500, help="Reports to time (a sample).")
    parser.add_argument("--rule", type=Rule, default=Rule.FIFO)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    index = padded_index(args.world, args.pad)
    built = time.perf_counter() - started
    accounts = pq.read_table(args.world / "accounts.parquet", columns=["account", "bank"])
    bank_of = bank_resolver(dict(zip(*accounts.to_pydict().values(), strict=True)))
    reports = pq.read_table(args.world / "reports.parquet").to_pylist()
    step = max(1, len(reports) // args.reports)
    times = []
    for r in reports[::step]:
        seed = ReportSeed(r["report_id"], r["ts"], r["victim_account"], tuple(r["transfer_ids"]))
        t0 = time.perf_counter()
        trace = trace_report(index, seed, args.rule, bank_of)
        orders_from_trace(trace, "C-" + r["report_id"], "bench", r["ts"], KAZAKHSTAN)
        times.append((time.perf_counter() - t0) * 1000)
    ms = np.asarray(times)
    result = {
        "world": str(args.world), "transfers": len(index), "reports": len(ms),
        "rule": args.rule.value, "index_s": round(built, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p90_ms": round(float(np.percentile(ms, 90)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 1), "max_ms": round(float(ms.max()), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }  # fmt: skip
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
