"""Fund-trace quality: is the money located on the right accounts at the report's time?

Usage::

    python bench/eval_trace.py [--scale small|medium] [--seed 2] [--profile shifted]
                               [--world DIR] [--rule fifo ...] [--json FILE]

Simulates a world (by default the *shifted* profile, seed 2: deeper, slower rings that split
more, fewer fresh accounts) or reads one, traces every report with each rule, and compares
with the simulator's truth (``truth/holdings.parquet``: where each reporter's money sat when
they reported, followed as parcels inside the droppers). Per rule it prints

- located: of the money still in accounts at report time (truth), the share the trace puts
  on the right account for the right report (per report and account, the lesser of the two);
- wrong: of the money the trace says is held, the share not on a right account (what a
  freeze would block in error);
- cash-outs: traced against true cash and crypto cash-outs;
- latency of one report's trace and orders (p50, p99) on this machine;
- where the errors sit: wrongly placed and missed money on fresh droppers, rented droppers
  and other accounts (the truth's dropper list), as shares of the money truly held.

The tracer does not read the truth and has no parameters tuned on a world.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.freeze import orders_from_trace
from qorgan.sim.world import simulate
from qorgan.tracing import ReportSeed, Rule, TransferIndex, bank_resolver, trace_report


def truth(world: Path) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Per report: tiyn held per account, and tiyn cashed out, at the report's time."""
    held: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cashed: dict[str, int] = defaultdict(int)
    for row in pq.read_table(world / "truth" / "holdings.parquet").to_pylist():
        tiyn = int(row["amount"] * 100)
        if row["kind"] == "account":
            held[row["report_id"]][row["holder"]] += tiyn
        else:
            cashed[row["report_id"]] += tiyn
    return held, cashed


def evaluate(world: Path, rules: list[Rule]) -> dict[str, object]:
    started = time.perf_counter()
    columns = ["transfer_id", "ts", "from_account", "to_account", "amount"]
    accounts = pq.read_table(world / "accounts.parquet", columns=["account", "bank", "kind"])
    business = pc.filter(accounts["account"], pc.equal(accounts["kind"], "business"))
    index = TransferIndex.build(
        pq.read_table(world / "transfers.parquet", columns=columns), business.combine_chunks()
    )
    built = time.perf_counter() - started
    reports = pq.read_table(world / "reports.parquet").to_pylist()
    accounts = accounts.select(["account", "bank"])
    bank_of = bank_resolver(dict(zip(*accounts.to_pydict().values(), strict=True)))
    held, cashed = truth(world)
    true_held = sum(sum(a.values()) for a in held.values())
    true_cashed = sum(cashed.values())
    out: dict[str, object] = {
        "world": str(world), "transfers": len(index), "reports": len(reports),
        "index_s": round(built, 2), "true_held": true_held / 100, "true_cashed": true_cashed / 100,
    }  # fmt: skip
    kind_of = dropper_kinds(world)
    for rule in rules:
        located = traced = cash = unresolved = loss = 0
        wrong_at: dict[str, int] = defaultdict(int)
        missed_at: dict[str, int] = defaultdict(int)
        times = []
        for r in reports:
            seed = ReportSeed(
                r["report_id"], r["ts"], r["victim_account"], tuple(r["transfer_ids"])
            )
            t0 = time.perf_counter()
            trace = trace_report(index, seed, rule, bank_of)
            orders_from_trace(trace, "C-" + r["report_id"], "eval", r["ts"], KAZAKHSTAN)
            times.append(time.perf_counter() - t0)
            right = held.get(r["report_id"], {})
            located += sum(min(h.amount, right.get(h.account, 0)) for h in trace.holdings)
            got = {h.account: h.amount for h in trace.holdings}
            for account, amount in got.items():
                wrong_at[kind_of.get(account, "other")] += max(0, amount - right.get(account, 0))
            for account, amount in right.items():
                missed_at[kind_of.get(account, "other")] += max(0, amount - got.get(account, 0))
            traced += trace.held
            cash += trace.cashed_out
            unresolved += trace.unresolved
            loss += trace.loss
        times.sort()
        out[rule.value] = {
            "located": round(located / max(true_held, 1), 4),
            "wrong": round((traced - located) / max(traced, 1), 4),
            "traced_held": traced / 100,
            "traced_cashed": cash / 100,
            "unresolved": unresolved / 100,
            "loss": loss / 100,
            "p50_ms": round(times[len(times) // 2] * 1000, 2),
            "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 1),
            "wrong_at": {k: round(v / max(true_held, 1), 4) for k, v in sorted(wrong_at.items())},
            "missed_at": {k: round(v / max(true_held, 1), 4) for k, v in sorted(missed_at.items())},
        }
        print(
            f"{rule.value:>12}: located {located / max(true_held, 1):6.1%}  wrong "
            f"{(traced - located) / max(traced, 1):6.1%}  | held {traced / 100:>14,.0f} "
            f"(truth {true_held / 100:,.0f})  cashed out {cash / 100:>14,.0f} (truth "
            f"{true_cashed / 100:,.0f})  | p50 {times[len(times) // 2] * 1000:.2f} ms  "
            f"p99 {times[int(len(times) * 0.99)] * 1000:.1f} ms"
        )
        print(
            f"{'':>12}  of the money truly held — placed wrongly on "
            + ", ".join(f"{k} {v / max(true_held, 1):.1%}" for k, v in sorted(wrong_at.items()))
            + "; missed on "
            + ", ".join(f"{k} {v / max(true_held, 1):.1%}" for k, v in sorted(missed_at.items()))
        )
    return out


def dropper_kinds(world: Path) -> dict[str, str]:
    """Truth: which accounts are fresh or rented droppers (for the breakdown of errors)."""
    path = world / "truth" / "droppers.parquet"
    if not path.exists():
        return {}
    rows = pq.read_table(path, columns=["account", "fresh"]).to_pylist()
    return {r["account"]: "fresh droppers" if r["fresh"] else "rented droppers" for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path, action="append", help="A simulated world (again).")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--profile", default="shifted")
    parser.add_argument("--rule", type=Rule, action="append", help="Default: all four.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rules = args.rule or list(Rule)
    with tempfile.TemporaryDirectory() as scratch:
        worlds = args.world
        if not worlds:
            world = Path(scratch) / f"{args.profile}-{args.seed}"
            simulate(world, seed=args.seed, scale=args.scale, profile=args.profile)
            worlds = [world]
        results = []
        for world in worlds:
            print(f"{world}:")
            results.append(evaluate(world, rules))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
