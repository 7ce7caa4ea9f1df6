"""Benchmark: in-process payment decisions per second on one core.

Usage::

    python bench/bench_payments.py --world DIR [--telecom] [--repeat 3]

(make a world with ``qorgan simulate --out DIR --seed 3 --scale small``). Reads the world's
transfers and accounts into memory first (not timed), then times
:meth:`PaymentScorer.decide` over every transfer in time order, ``--repeat`` times, each
on a fresh scorer without the telecom context (behaviour and payee rules only). ``value`` is
the median rate; ``p50``/``p99`` the latency of a single decision in microseconds (one more
pass, each decision timed alone).

With ``--telecom`` it also reads calls and roaming and times
:meth:`PaymentFlow.replay` (calls screened by :class:`CallScreener` into the telecom context
that the scorer reads, merged with the transfers by event time), ``--repeat`` times on a
fresh flow, and reports its median ``telecom_transfers_per_s`` (transfers decided per
second of the whole replay) and ``telecom_events_per_s`` (calls and transfers per second).

One JSON line at the end; ``goal`` is 50,000 decisions/s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from qorgan.banking.payments import PaymentScorer
from qorgan.core.ports import InMemoryCallContext
from qorgan.core.readers import read_all
from qorgan.core.records import AccountRecord, CallRecord, RoamingRecord, TransferRecord
from qorgan.engine.payments import PaymentFlow
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener

GOAL = 50_000  # decisions/s on one core


def time_decide(transfers: list[TransferRecord], accounts: Mapping[str, AccountRecord]) -> float:
    """Seconds to decide every transfer on a fresh scorer (no telecom context)."""
    scorer = PaymentScorer(accounts=accounts, context=None)
    decide = scorer.decide
    started = time.perf_counter()
    for transfer in transfers:
        decide(transfer)
    return time.perf_counter() - started


def decide_latencies(
    transfers: list[TransferRecord], accounts: Mapping[str, AccountRecord]
) -> list[float]:
    """Each decision's own time in microseconds, sorted."""
    scorer = PaymentScorer(accounts=accounts, context=None)
    clock = time.perf_counter_ns
    latencies = []
    for transfer in transfers:
        t = clock()
        scorer.decide(transfer)
        latencies.append((clock() - t) / 1000)
    latencies.sort()
    return latencies


def time_replay(
    calls: list[CallRecord],
    transfers: list[TransferRecord],
    accounts: Mapping[str, AccountRecord],
    stays: list[RoamingRecord],
) -> float:
    """Seconds to replay calls and transfers through a fresh flow (telecom context on)."""
    context = InMemoryCallContext()
    scorer = PaymentScorer(accounts=accounts, context=context)
    flow = PaymentFlow(scorer, CallScreener(roaming=RoamingIndex(stays)), context)
    started = time.perf_counter()
    decided = sum(1 for _ in flow.replay(calls, transfers))
    elapsed = time.perf_counter() - started
    if decided != len(transfers):
        sys.exit(f"replay decided {decided:,} transfers of {len(transfers):,}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True, help="a simulated world")
    parser.add_argument("--telecom", action="store_true", help="also time the replay")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    world: Path = args.world
    transfers = [
        r
        for r in read_all(world / "transfers.parquet", "transfers")[0]
        if isinstance(r, TransferRecord)
    ]
    transfers.sort(key=lambda r: r.ts)  # stable: the feed's order within an instant
    accounts = {
        r.account: r
        for r in read_all(world / "accounts.parquet", "accounts")[0]
        if isinstance(r, AccountRecord)
    }
    if not transfers:
        sys.exit(f"{world / 'transfers.parquet'}: no transfers")
    rates = [len(transfers) / time_decide(transfers, accounts) for _ in range(args.repeat)]
    latencies = decide_latencies(transfers, accounts)
    figures: dict[str, object] = {
        "bench": "payment_decisions_in_process",
        "value": round(statistics.median(rates)),
        "unit": "decisions/s",
        "p50": round(latencies[len(latencies) // 2], 2),
        "p99": round(latencies[int(len(latencies) * 0.99)], 2),
        "latency_unit": "us",
        "runs": [round(r) for r in rates],
        "transfers": len(transfers),
        "accounts": len(accounts),
        "goal": GOAL,
        "meets_goal": statistics.median(rates) >= GOAL,
    }
    if args.telecom:
        calls = [
            r for r in read_all(world / "calls.parquet", "calls")[0] if isinstance(r, CallRecord)
        ]
        calls.sort(key=lambda r: r.ts)
        stays = [
            r
            for r in read_all(world / "roaming.parquet", "roaming")[0]
            if isinstance(r, RoamingRecord)
        ]
        seconds = statistics.median(
            time_replay(calls, transfers, accounts, stays) for _ in range(args.repeat)
        )
        figures["telecom_transfers_per_s"] = round(len(transfers) / seconds)
        figures["telecom_events_per_s"] = round((len(calls) + len(transfers)) / seconds)
        figures["calls"] = len(calls)
    figures["python"] = platform.python_version()
    figures["cores"] = os.cpu_count()
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
