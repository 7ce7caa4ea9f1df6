"""Dropper finder quality on a world the rules and the model were not tuned on.

Usage::

    python bench/eval_droppers.py [--scale small|medium] [--train-seed 1] [--eval-seed 2]
                                  [--train-world DIR] [--eval-world DIR] [--window week]
                                  [--top-k 100] [--json FILE]

Trains the model on a default-profile world (``--train-seed``), then scores a *shifted*-profile
world from another seed (deeper, slower rings that split more, fewer fresh accounts and shared
devices, more students and merchants) with rules only and with the model, each with and
without the victim reports feed. Per setup it prints precision (any dropper flagged counts as
right), first-layer precision (deeper droppers set aside) and recall per layer, recall on
fresh and on rented first-layer accounts, PR-AUC over every account, precision at the top k
(an analyst team's day of reviews), and how many hard negatives were flagged: merchants and
marketplaces, students supported by relatives, employers, banks' loan accounts, and fraud
victims (a loan victim passes the bank's credit on at the fraudster's word).

A dropper counts only when it moved fraud money in the evaluated world.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from sklearn.metrics import average_precision_score

from qorgan.banking.dropper_model import DropperModel
from qorgan.banking.droppers import DropperRules, rule_scores
from qorgan.sim.world import simulate
from qorgan.store.droppers import DropperRun, train_from_world, world_run


def _world(given: Path | None, scratch: Path, seed: int, scale: str, profile: str) -> Path:
    if given is not None:
        return given
    out = scratch / f"{profile}-{seed}"
    simulate(out, seed=seed, scale=scale, profile=profile)
    return out


def _account_max(features: pa.Table, scores: np.ndarray) -> dict[str, float]:
    best: dict[str, float] = {}
    for account, score in zip(features.column("account").to_pylist(), scores.tolist(), strict=True):
        if score > best.get(account, -1.0):
            best[account] = score
    return best


def _truth(world: Path) -> tuple[dict[str, tuple[int, bool]], dict[str, str], set[str]]:
    db = duckdb.connect()
    t = world / "truth"
    droppers = {
        a: (int(layer), bool(fresh))
        for a, layer, fresh in db.execute(
            """with moved as (
                   select x.from_account as account from read_parquet(?) k
                   join read_parquet(?) x using (transfer_id)
                   union
                   select x.to_account from read_parquet(?) k
                   join read_parquet(?) x using (transfer_id))
               select d.account, d.layer, d.fresh from read_parquet(?) d
               where d.account in (select account from moved)""",
            [str(t / "transfers.parquet"), str(world / "transfers.parquet")] * 2
            + [str(t / "droppers.parquet")],
        ).fetchall()
    }  # fmt: skip
    roles = dict(
        db.execute("select account, role from read_parquet(?)", [str(t / "roles.parquet")])
        .fetchall()
    )  # fmt: skip
    victims = {
        a for (a,) in db.execute(
            "select distinct account from read_parquet(?)", [str(t / "victims.parquet")]
        ).fetchall()
    }  # fmt: skip
    return droppers, roles, victims


def measure(
    scores: dict[str, float],
    threshold: float,
    droppers: dict[str, tuple[int, bool]],
    roles: dict[str, str],
    victims: set[str],
    top_k: int,
) -> dict[str, object]:
    accounts = sorted(scores)
    s = np.asarray([scores[a] for a in accounts])
    y = np.asarray([a in droppers for a in accounts])
    flagged = {a for a in accounts if scores[a] >= threshold}
    right = flagged & set(droppers)
    deeper = {a for a in flagged if a in droppers and droppers[a][0] > 1}
    first = {a for a, (layer, _) in droppers.items() if layer == 1}
    out: dict[str, object] = {
        "flagged": len(flagged),
        "precision": round(len(right) / max(1, len(flagged)), 4),
        "first_layer_precision": round(len(flagged & first) / max(1, len(flagged - deeper)), 4),
    }
    for layer in (1, 2, 3, 4):
        members = {a for a, (lay, _) in droppers.items() if lay == layer}
        if members:
            out[f"recall_layer{layer}"] = round(len(members & flagged) / len(members), 4)
            out[f"n_layer{layer}"] = len(members)
    for name, fresh in (("fresh", True), ("rented", False)):
        members = {a for a in first if droppers[a][1] is fresh}
        out[f"recall_layer1_{name}"] = round(len(members & flagged) / max(1, len(members)), 4)
    out["pr_auc"] = round(float(average_precision_score(y, s)), 4)
    keep = np.asarray([not (a in droppers and droppers[a][0] > 1) for a in accounts])
    out["pr_auc_layer1"] = round(
        float(average_precision_score(np.asarray([a in first for a in accounts])[keep], s[keep])), 4
    )
    order = np.argsort(-s, kind="stable")
    for k in sorted({50, top_k, 500}):
        out[f"precision_at_{k}"] = round(float(y[order[:k]].mean()), 4)
    wrong = [a for a in flagged if a not in droppers]
    out["false_positives"] = dict(
        Counter("victim" if a in victims else roles.get(a, "unknown") for a in wrong)
    )
    hard = Counter(roles.get(a, "unknown") for a in flagged if a not in droppers)
    out["merchants_flagged"] = hard.get("merchant", 0)
    out["students_flagged"] = hard.get("student", 0)
    out["employers_flagged"] = hard.get("employer", 0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium", choices=("small", "medium"))
    parser.add_argument("--train-seed", type=int, default=1)
    parser.add_argument("--eval-seed", type=int, default=2)
    parser.add_argument("--train-world", type=Path)
    parser.add_argument("--eval-world", type=Path)
    parser.add_argument("--model", type=Path, help="a trained model instead of training one")
    parser.add_argument("--window", default="week")
    parser.add_argument("--top-k", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        if args.model is not None:
            model = DropperModel.load(args.model)
        else:
            train_world = _world(args.train_world, tmp, args.train_seed, args.scale, "default")
            started = time.perf_counter()
            model = train_from_world(train_world, args.window)
            print(json.dumps({"trained_on": model.trained_on,
                              "seconds": round(time.perf_counter() - started, 1)}))  # fmt: skip
        world = _world(args.eval_world, tmp, args.eval_seed, args.scale, "shifted")
        droppers, roles, victims = _truth(world)
        results = []
        for reports in (True, False):
            run = world_run(world, args.window)
            run = DropperRun(run.db, args.window, run.with_accounts, reports and run.with_reports)
            started = time.perf_counter()
            features = run.features()
            rules = DropperRules()
            setups = (
                ("rules", _account_max(features, rule_scores(features, rules)), rules.flag_score),
                ("model", _account_max(features, model.score(features)), 0.5),
            )
            seconds = round(time.perf_counter() - started, 1)
            for name, scores, threshold in setups:
                quality = measure(scores, threshold, droppers, roles, victims, args.top_k)
                row = {"setup": name, "reports": reports, "world": str(world),
                       "accounts": len(scores), "seconds": seconds, **quality}  # fmt: skip
                print(json.dumps(row))
                results.append(row)
        if args.json is not None:
            args.json.write_text(json.dumps(results, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
