"""Payment scoring quality on a world the rules were not tuned on, with and without the phone.

Usage::

    python bench/eval_payments.py --world DIR [--warmup-days 2] [--no-telecom-only]

Replays ``DIR``'s calls (screened with the roaming feed) and transfers in event-time order
through :class:`qorgan.engine.payments.PaymentFlow`, once with the telecom context and once
without, joins the decisions with ``truth/transfers`` and ``truth/victims`` and prints one
JSON line per run:

- fraud-induced transfers (``victim_payment``): share of their *value* held, share held or
  sent to review, and the same per victim channel (spoofed call, SIM-box, messenger, no call);
- legitimate transfers (everything the truth does not mark as fraud): share held, share sent
  to review;
- precision of ``hold`` and PR-AUC of the score, fraud-induced against legitimate.

Money moved by droppers themselves (forwards, ATM, crypto) and loan disbursals are neither
fraud-induced nor legitimate here; how many of them were held is printed apart. Transfers in
the first ``--warmup-days`` are decided (and learned) but not counted: a bank scores against
years of history, a simulated world starts with none.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
from sklearn.metrics import average_precision_score  # type: ignore[import-untyped]

from qorgan.banking.payments import PaymentScorer
from qorgan.core.ports import InMemoryCallContext
from qorgan.core.readers import read_all, read_feed
from qorgan.core.records import AccountRecord, CallRecord, RoamingRecord, TransferRecord
from qorgan.core.rejects import RejectSink
from qorgan.engine.payments import PaymentFlow
from qorgan.store.results import DecisionWriter
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener


def records(path: Path, feed: str) -> Iterator[object]:
    for batch in read_feed(path, feed, rejects=RejectSink(None)):
        yield from batch


def run(world: Path, telecom: bool, out: Path) -> float:
    accounts, _ = read_all(world / "accounts.parquet", "accounts")
    book = {a.account: a for a in accounts if isinstance(a, AccountRecord)}
    context = InMemoryCallContext()
    screener = None
    calls: Iterator[CallRecord] = iter(())
    if telecom:
        roaming, _ = read_all(world / "roaming.parquet", "roaming")
        index = RoamingIndex([r for r in roaming if isinstance(r, RoamingRecord)])
        screener = CallScreener(roaming=index)
        calls = (c for c in records(world / "calls.parquet", "calls") if isinstance(c, CallRecord))
    flow = PaymentFlow(
        PaymentScorer(accounts=book, context=context if telecom else None), screener, context
    )
    feed = records(world / "transfers.parquet", "transfers")
    transfers = (t for t in feed if isinstance(t, TransferRecord))
    started = time.perf_counter()
    with DecisionWriter(out, "transfer_id") as writer:
        writer.write(flow.replay(calls, transfers))
    return time.perf_counter() - started


def metrics(world: Path, decisions: Path, warmup_days: float) -> dict[str, object]:
    db = duckdb.connect()
    db.execute(
        f"""create view j as
            select d.transfer_id, d.action, d.score, d.reasons, f.amount::double as amount,
                   coalesce(t.kind, 'legit') as kind, v.channel as victim_channel
            from '{decisions}' d join '{world}/transfers.parquet' f using (transfer_id)
            left join '{world}/truth/transfers.parquet' t using (transfer_id)
            left join '{world}/truth/victims.parquet' v
                   on t.kind = 'victim_payment' and v.victim = t.ref
            where f.ts >= (select min(ts) from '{world}/transfers.parquet')
                          + to_milliseconds({int(warmup_days * 86_400_000)})"""
    )

    def one(query: str) -> tuple[float, ...]:
        row = db.execute(query).fetchone()
        assert row is not None
        return tuple(float(v or 0) for v in row)

    fraud_n, fraud_value, held_value, flagged_value, held_n = one(
        """select count(*), sum(amount), sum(amount) filter (where action = 'hold'),
                  sum(amount) filter (where action <> 'allow'),
                  count(*) filter (where action = 'hold')
           from j where kind = 'victim_payment'"""
    )
    legit_n, legit_held, legit_review = one(
        """select count(*), count(*) filter (where action = 'hold'),
                  count(*) filter (where action = 'review') from j where kind = 'legit'"""
    )
    by_channel = {
        str(channel): {"transfers": int(n), "value_held": round(held / value, 4)}
        for channel, n, value, held in db.execute(
            """select victim_channel, count(*), sum(amount),
                      coalesce(sum(amount) filter (where action = 'hold'), 0)
               from j where kind = 'victim_payment' group by 1 order by 1"""
        ).fetchall()
    }
    mules = {
        str(kind): {"transfers": int(n), "held": int(h)}
        for kind, n, h in db.execute(
            """select kind, count(*), count(*) filter (where action = 'hold') from j
               where kind not in ('legit', 'victim_payment') group by 1 order by 1"""
        ).fetchall()
    }
    labels = db.execute(
        """select kind = 'victim_payment', score from j
           where kind in ('legit', 'victim_payment')"""
    ).fetchnumpy()
    y = np.asarray(labels[next(iter(labels))], dtype=bool)
    scores = np.asarray(labels["score"], dtype=float)
    legit_top = db.execute(
        """select unnest(reasons) as r, count(*) from j
           where kind = 'legit' and action = 'hold' group by 1 order by 2 desc limit 6"""
    ).fetchall()
    return {
        "fraud_transfers": int(fraud_n),
        "fraud_value_held": round(held_value / fraud_value, 4) if fraud_value else None,
        "fraud_value_caught": round(flagged_value / fraud_value, 4) if fraud_value else None,
        "legit_transfers": int(legit_n),
        "legit_held": round(legit_held / legit_n, 5) if legit_n else None,
        "legit_review": round(legit_review / legit_n, 5) if legit_n else None,
        "hold_precision": round(held_n / (held_n + legit_held), 4) if held_n else None,
        "pr_auc": round(float(average_precision_score(y, scores)), 4) if y.any() else None,
        "by_victim_channel": by_channel,
        "dropper_flows": mules,
        "legit_hold_reasons": {str(r): int(n) for r, n in legit_top},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--warmup-days", type=float, default=2.0)
    parser.add_argument("--no-telecom-only", action="store_true")
    parser.add_argument("--telecom-only", action="store_true")
    args = parser.parse_args()
    modes = [True, False]
    if args.no_telecom_only:
        modes = [False]
    if args.telecom_only:
        modes = [True]
    for telecom in modes:
        out = args.world / f"eval_payments_{'telecom' if telecom else 'bank_only'}.parquet"
        seconds = run(args.world, telecom, out)
        result = {
            "bench": "eval_payments",
            "world": str(args.world),
            "telecom_context": telecom,
            "warmup_days": args.warmup_days,
            "seconds": round(seconds, 1),
            **metrics(args.world, out, args.warmup_days),
        }
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
