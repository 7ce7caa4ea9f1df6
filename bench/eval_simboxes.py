"""SIM-box finder quality on a world the rules and the model were not tuned on.

Usage::

    python bench/eval_simboxes.py [--scale small|medium] [--train-seed 1] [--eval-seed 2]
                                  [--train-world DIR] [--eval-world DIR] [--window week]

Trains the model on a default-profile world (``--train-seed``), evaluates rules only and the
model on a *shifted*-profile world from another seed (smaller, stealthier boxes with more
IMEIs, busier call centres and couriers), and prints one JSON line per setup: precision,
recall, PR-AUC, precision at the top k (k = the number of box SIMs, and 100), recall on
stealthy and on plain boxes, the false positives by what they really are, and box grouping
purity (share of grouped SIMs whose predicted box's majority is their true box) and
completeness (true boxes split over how many predicted boxes, on average).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score

from qorgan.sim.world import simulate
from qorgan.store.simboxes import SimBoxRun, connect, load_parquet, train_from_world
from qorgan.telecom.simboxes import SimBoxModel


def _world(given: Path | None, scratch: Path, seed: int, scale: str, profile: str) -> Path:
    if given is not None:
        return given
    out = scratch / f"{profile}-{seed}"
    simulate(out, seed=seed, scale=scale, profile=profile)
    return out


def evaluate(world: Path, window: str, model: SimBoxModel | None) -> dict[str, object]:
    started = time.perf_counter()
    db = connect()
    load_parquet(db, "calls", world / "calls.parquet")
    load_parquet(db, "sms", world / "sms.parquet")
    run = SimBoxRun(db, window, True, model=model, flag_at=0.5 if model is not None else None)
    run.score()
    findings = run.findings()
    seconds = time.perf_counter() - started
    truth = dict(
        db.execute(
            "select s.imsi, s.box from read_parquet(?) s",
            [str(world / "truth/simbox_sims.parquet")],
        ).fetchall()
    )
    stealthy = {
        b for b, s in db.execute(
            "select box, stealthy from read_parquet(?)", [str(world / "truth/simboxes.parquet")]
        ).fetchall() if s
    }  # fmt: skip
    roles = dict(
        db.execute(
            "select imsi, role from read_parquet(?)", [str(world / "truth/lines.parquet")]
        ).fetchall()
    )
    imsis = sorted(run.scores)
    y = np.array([i in truth for i in imsis])
    s = np.array([run.scores[i][0] for i in imsis])
    flagged = s >= run.threshold
    tp = int((flagged & y).sum())
    order = np.argsort(-s, kind="stable")

    def at_k(k: int) -> float:
        return round(float(y[order[:k]].mean()), 4) if k else 0.0

    def recall_of(sel: np.ndarray) -> float | None:
        return round(float((flagged & sel).sum() / sel.sum()), 4) if sel.sum() else None

    in_stealthy = np.array([truth.get(i) in stealthy for i in imsis]) & y
    false = Counter(roles.get(i, "subscriber") for i in np.array(imsis)[flagged & ~y])
    grouped: dict[str, list[int]] = defaultdict(list)
    for f in findings:
        if f.imsi in truth:
            grouped[f.box].append(truth[f.imsi])
    pure = sum(Counter(v).most_common(1)[0][1] for v in grouped.values())
    split: dict[int, set[str]] = defaultdict(set)
    for box, members in grouped.items():
        for true_box in members:
            split[true_box].add(box)
    return {
        "sims": len(imsis),
        "box_sims": int(y.sum()),
        "flagged": int(flagged.sum()),
        "precision": round(tp / max(1, int(flagged.sum())), 4),
        "recall": round(tp / max(1, int(y.sum())), 4),
        "pr_auc": round(float(average_precision_score(y, s)), 4) if y.any() else None,
        "precision_at_box_sims": at_k(int(y.sum())),
        "precision_at_100": at_k(100),
        "recall_stealthy": recall_of(in_stealthy),
        "recall_plain": recall_of(y & ~in_stealthy),
        "false_positives_by_role": dict(false),
        "true_boxes": len({truth[i] for i in imsis if i in truth}),
        "predicted_boxes_with_box_sims": len(grouped),
        "grouping_purity": round(pure / max(1, sum(len(v) for v in grouped.values())), 4),
        "predicted_boxes_per_true_box": round(float(np.mean([len(v) for v in split.values()])), 3)
        if split
        else None,
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--train-seed", type=int, default=1)
    parser.add_argument("--eval-seed", type=int, default=2)
    parser.add_argument("--train-world", type=Path, default=None)
    parser.add_argument("--eval-world", type=Path, default=None)
    parser.add_argument("--window", default="week")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        train_world = _world(args.train_world, scratch, args.train_seed, args.scale, "default")
        eval_world = _world(args.eval_world, scratch, args.eval_seed, args.scale, "shifted")
        started = time.perf_counter()
        model = train_from_world(train_world, args.window)
        trained = round(time.perf_counter() - started, 2)
        scale = args.scale if args.eval_world is None else str(args.eval_world)
        base = {"bench": "simbox_finder", "window": args.window, "scale": scale,
                "train": f"default seed {args.train_seed}",
                "evaluate": f"shifted seed {args.eval_seed}"}  # fmt: skip
        for setup, used in (("rules", None), ("model", model)):
            row = {**base, "setup": setup, **evaluate(eval_world, args.window, used)}
            if used is not None:
                row["train_seconds"] = trained
                row["trained_on"] = {k: v for k, v in model.trained_on.items() if k != "world"}
            sys.stdout.write(json.dumps(row) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
