"""Call screening quality on a world the rules were not tuned on.

Usage: ``python bench/eval_calls.py [--seed 2] [--profile shifted] [--scale small]``.
Simulates the world (unless ``--world DIR`` is given), screens every call with the roaming
feed, joins the decisions with ``truth/calls`` and prints JSON lines: recall on spoofed calls
(blocked, and blocked or flagged), the false-block rate on genuine roamers calling home and
on Russian +7 9xx callers, precision of BLOCK, and one confusion row per reason code.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import duckdb

from qorgan.core.readers import read_all
from qorgan.core.records import CallRecord, RoamingRecord
from qorgan.sim.world import simulate
from qorgan.store.results import DecisionWriter
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener

SPOOF = "('fraud_spoof_intl', 'fraud_spoof_voip')"


def evaluate(world: Path) -> list[dict[str, object]]:
    roaming, _ = read_all(world / "roaming.parquet", "roaming")
    calls, _ = read_all(world / "calls.parquet", "calls")
    screener = CallScreener(
        roaming=RoamingIndex([r for r in roaming if isinstance(r, RoamingRecord)])
    )
    out = world / "eval_decisions.parquet"
    with DecisionWriter(out, "call_id") as writer:
        writer.write(screener.screen_all(c for c in calls if isinstance(c, CallRecord)))
    db = duckdb.connect()
    db.execute(
        f"""create view j as select d.call_id, d.action, d.reasons, c.caller, c.ingress, c.ts,
                   coalesce(t.kind, 'ordinary') as kind, coalesce(t.fraud, false) as fraud
            from '{out}' d join '{world}/calls.parquet' c using (call_id)
            left join '{world}/truth/calls.parquet' t using (call_id)"""
    )

    def one(query: str) -> tuple[object, ...]:
        row = db.execute(query).fetchone()
        assert row is not None
        return tuple(row)

    spoofed, blocked, caught = one(
        f"""select count(*), count(*) filter (where action = 'block'),
                   count(*) filter (where action <> 'allow') from j where kind in {SPOOF}"""
    )
    roamers, roamer_blocks = one(
        """select count(*), count(*) filter (where action = 'block') from j
           where kind = 'roaming_home'"""
    )
    russians, russian_blocks = one(
        """select count(*), count(*) filter (where action = 'block') from j
           where caller like '+79%' and kind = 'foreign_relative'"""
    )
    (roamer_spoofs,) = one(
        f"""select count(*) from j where kind in {SPOOF} and ingress = 'international'
           and exists (select 1 from '{world}/roaming.parquet' r where r.msisdn = j.caller
                       and j.ts >= r.since and (r."until" is null or j.ts < r."until"))"""
    )
    blocks, true_blocks = one(
        "select count(*), count(*) filter (where fraud) from j where action = 'block'"
    )
    rows: list[dict[str, object]] = [
        {
            "metric": "calls",
            "spoofed_calls": spoofed,
            "spoof_recall_block": round(int(blocked) / max(1, int(spoofed)), 4),
            "spoof_recall_block_or_flag": round(int(caught) / max(1, int(spoofed)), 4),
            # Spoofs of a subscriber who really is abroad: no contracted feed tells them apart.
            "spoofs_of_roamers_intl": roamer_spoofs,
            "roamer_calls": roamers,
            "roamer_false_block_rate": round(int(roamer_blocks) / max(1, int(roamers)), 5),
            "russian_calls": russians,
            "russian_false_block_rate": round(int(russian_blocks) / max(1, int(russians)), 5),
            "block_precision": round(int(true_blocks) / max(1, int(blocks)), 4),
            "blocks": blocks,
        }
    ]
    for code, kind, n in db.execute(
        """select r, kind, count(*) from (select unnest(reasons) as r, kind from j)
           group by all order by r, count(*) desc"""
    ).fetchall():
        rows.append({"metric": "reason", "reason": code, "truth_kind": kind, "calls": n})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--profile", default="shifted")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--world", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        world = args.world or Path(scratch)
        if args.world is None:
            simulate(world, seed=args.seed, scale=args.scale, profile=args.profile)
        for row in evaluate(world):
            sys.stdout.write(json.dumps({**row, "seed": args.seed, "profile": args.profile}) + "\n")


if __name__ == "__main__":
    main()
