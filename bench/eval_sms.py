"""How well the SMS filter separates smishing from the rest, and the text model on real spam.

(a) Trains the text model on a ``default`` world (``--train-seed``), screens every SMS of a
``shifted`` world with another seed (``--eval-seed``) with the full ``SmsScreener``, and
prints precision, recall, F1 (flag or block counts as positive) and PR-AUC (the decision's
score) for smishing (``smishing_bank``, ``smishing_link``) against everything else, for the
rules alone, the text model alone and both, plus how often each reason fired. The shifted
world's SMS bodies come from the same templates as the training world's, so the text model
is also scored on that world's ``texts`` feed (phishing against benign posts, other
templates, transliteration and homoglyphs): the harder test.

(b) The text pipeline on the public sets of ``../shared/data/sms`` (texts deduplicated):
*transfer* (the simulator-trained model scoring real messages) and a *5-fold CV* of the same
TF-IDF features with a logistic regression and a linear SVM fitted on each set. These sets
are spam versus ham, not fraud: the figures measure the text pipeline and language handling.

    .venv/bin/python bench/eval_sms.py [--scale small] [--data ../shared/data/sms]

Prints one JSON line per figure set, and last the summary line of ``bench/``: ``value`` the
full filter's F1 on the shifted world, ``p50``/``p99`` its milliseconds per SMS.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from qorgan.core.decisions import Decision
from qorgan.core.readers import read_feed
from qorgan.core.records import SmsRecord
from qorgan.core.rejects import RejectSink
from qorgan.sim.world import simulate
from qorgan.telecom.links import extract_links, lookalike_of
from qorgan.telecom.smsfilter import SmsScreener
from qorgan.telecom.textmodel import POSITIVE_KINDS, TextModel, features, train_text_model

PUBLISHED = {
    "uci_sms_spam": "linear SVM ≈ 97.6% accuracy (Almeida et al. 2011); BiLSTM 98.6% "
    "(Abayomi-Alli et al. 2022); word+char TF-IDF linear SVM spam-F1 ≈ 0.97 (5-fold CV)",
    "telegram_spam_ru": "none published; TF-IDF linear SVM spam-F1 ≈ 0.98 (5-fold CV)",
}


def emit(**figures: Any) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def scores(y: Sequence[int], predicted: Sequence[int], ranking: Sequence[float]) -> dict[str, Any]:
    p, r, f, _ = precision_recall_fscore_support(y, predicted, average="binary", zero_division=0)
    return {
        "precision": round(float(p), 4),
        "recall": round(float(r), 4),
        "f1": round(float(f), 4),
        "pr_auc": round(float(average_precision_score(y, ranking)), 4),
        "positives": int(sum(y)),
        "n": len(y),
    }


def read_sms(world: Path) -> list[SmsRecord]:
    records: list[SmsRecord] = []
    with RejectSink() as rejects:
        for batch in read_feed(world / "sms.parquet", "sms", rejects=rejects):
            records += [r for r in batch if isinstance(r, SmsRecord)]
    if rejects.lines:
        emit(bench="sms_filter_rejects", rejected=len(rejects.lines), first=str(rejects.lines[0]))
    return records


def screen_timed(
    screener: SmsScreener, messages: list[SmsRecord]
) -> tuple[list[Decision], list[float]]:
    """Decisions and the milliseconds each one took."""
    decisions, took = [], []
    for message in messages:
        t0 = time.perf_counter_ns()
        decisions.append(screener.screen(message))
        took.append((time.perf_counter_ns() - t0) / 1e6)
    return decisions, took


def simulator_eval(
    scale: str, train_seed: int, eval_seed: int, tmp: Path
) -> tuple[TextModel, dict[str, float]]:
    started = time.perf_counter()
    simulate(tmp / "train", seed=train_seed, scale=scale, profile="default")
    model = train_text_model(
        pq.read_table(tmp / "train/sms.parquet"), pq.read_table(tmp / "train/truth/sms.parquet")
    )
    simulate(tmp / "eval", seed=eval_seed, scale=scale, profile="shifted")
    kinds = _kinds(tmp / "eval/truth/sms.parquet")
    messages = read_sms(tmp / "eval")
    y = [int(kinds[m.sms_id] in POSITIVE_KINDS) for m in messages]
    setups = {"rules": SmsScreener(None, None), "text_only": None, "full": SmsScreener(None, model)}
    for name, screener in setups.items():
        if screener is None:
            ranking = [model.score(m.text) for m in messages]
            emit(bench="sms_filter", setup=name, train=f"default seed {train_seed}",
                 evaluate=f"shifted seed {eval_seed}", scale=scale,
                 **scores(y, [int(s >= 0.5) for s in ranking], ranking))  # fmt: skip
            continue
        decisions, took = screen_timed(screener, messages)
        flagged = [int(d.action.value != "allow") for d in decisions]
        reasons: dict[str, Counter[str]] = {"smishing": Counter(), "rest": Counter()}
        flagged_kinds: Counter[str] = Counter()
        for d, m, label in zip(decisions, messages, y, strict=True):
            reasons["smishing" if label else "rest"].update(set(d.reasons))
            if d.action.value != "allow":
                flagged_kinds[f"{kinds[m.sms_id]}:{d.action.value}"] += 1
        figures = scores(y, flagged, [d.score for d in decisions])
        latency = {"f1": figures["f1"], "p50": float(np.percentile(took, 50)),
                   "p99": float(np.percentile(took, 99))}  # fmt: skip
        emit(bench="sms_filter", setup=name, train=f"default seed {train_seed}",
             evaluate=f"shifted seed {eval_seed}", scale=scale, **figures,
             block=scores(y, [int(d.action.value == "block") for d in decisions],
                          [d.score for d in decisions]),
             reasons={k: dict(sorted(v.items())) for k, v in reasons.items()},
             actions_by_kind=dict(sorted(flagged_kinds.items())),
             ms_p50=round(latency["p50"], 4), ms_p99=round(latency["p99"], 4))  # fmt: skip
    texts_eval(model, tmp / "eval", eval_seed)
    emit(bench="sms_filter_run", seconds=round(time.perf_counter() - started, 1),
         text_model=dict(model.trained_on), terms=len(model.terms))  # fmt: skip
    return model, latency


def texts_eval(model: TextModel, world: Path, seed: int) -> None:
    """The text model on the shifted world's ``texts`` feed: phishing against benign posts.

    These texts come from other templates (family B, transliteration, homoglyphs), so they
    test the text model off the templates it was trained on.
    """
    labels = _labels(world / "truth/texts.parquet")
    items = [json.loads(line) for line in (world / "texts.jsonl").read_text("utf-8").splitlines()]
    picked = [(i["text"], labels[i["item_id"]]) for i in items
              if labels[i["item_id"]] in ("phishing", "benign")]  # fmt: skip
    y = [int(label == "phishing") for _, label in picked]
    links = [int(any(lookalike_of(link.host) for link in extract_links(t))) for t, _ in picked]
    ranking = [model.score(t) for t, _ in picked]
    on_phishing = sum(a and b for a, b in zip(links, y, strict=True))
    on_benign = sum(a and not b for a, b in zip(links, y, strict=True))
    emit(bench="sms_text_shifted_texts", evaluate=f"texts feed of shifted seed {seed}",
         task="phishing vs benign posts and messages, other templates",
         **scores(y, [int(s >= 0.5) for s in ranking], ranking),
         lookalike_link_recall=round(on_phishing / max(1, sum(y)), 4),
         lookalike_link_on_benign=on_benign)  # fmt: skip


def _labels(path: Path) -> dict[str, str]:
    table = pq.read_table(path, columns=["item_id", "label"])
    return dict(zip(table["item_id"].to_pylist(), table["label"].to_pylist(), strict=True))


def _kinds(path: Path) -> dict[str, str]:
    table = pq.read_table(path, columns=["sms_id", "kind"])
    return dict(zip(table["sms_id"].to_pylist(), table["kind"].to_pylist(), strict=True))


def public_set(path: Path) -> tuple[list[str], list[int]]:
    """Distinct texts (first label kept) and labels (1 = spam) of a public set."""
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as stream:
        if path.suffix == ".tsv":
            rows = (
                (label == "spam", text)
                for label, text in csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
            )
        else:
            reader = csv.reader(stream)
            next(reader)
            rows = ((label == "1", text) for label, text in reader)
        for spam, text in rows:
            seen.setdefault(text, int(spam))
    return list(seen), list(seen.values())


def cross_validate(
    texts: list[str], y: list[int], make: Callable[[], Any], folds: int, seed: int
) -> dict[str, Any]:
    """k-fold CV of TF-IDF (the text model's features) and a linear classifier."""
    feats = [features(t) for t in texts]
    labels = np.asarray(y)
    f1s, precisions, recalls, accuracies, aucs = [], [], [], [], []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(feats, labels):
        vec = TfidfVectorizer(analyzer=lambda f: f, min_df=2, sublinear_tf=True)
        x_train = vec.fit_transform([feats[i] for i in train])
        x_test = vec.transform([feats[i] for i in test])
        clf = make().fit(x_train, labels[train])
        margin = clf.decision_function(x_test)
        predicted = (margin > 0).astype(int)
        p, r, f, _ = precision_recall_fscore_support(labels[test], predicted, average="binary")
        f1s.append(f), precisions.append(p), recalls.append(r)
        accuracies.append(float((predicted == labels[test]).mean()))
        aucs.append(average_precision_score(labels[test], margin))
    return {
        name: {"mean": round(float(np.mean(v)), 4), "std": round(float(np.std(v)), 4)}
        for name, v in (("spam_f1", f1s), ("precision", precisions), ("recall", recalls),
                        ("accuracy", accuracies), ("pr_auc", aucs))
    }  # fmt: skip


def public_eval(model: TextModel, data: Path, folds: int, seed: int) -> None:
    for name, file in (
        ("uci_sms_spam", "uci_sms_spam.tsv"),
        ("telegram_spam_ru", "telegram_spam_ru.csv"),
    ):
        path = data / file
        if not path.exists():
            emit(bench="sms_text_public", dataset=name, skipped=f"{path} not found")
            continue
        texts, y = public_set(path)
        ranking = [model.score(t) for t in texts]
        emit(bench="sms_text_public", dataset=name, task="spam vs ham (not fraud)",
             setup="transfer: simulator-trained text model, threshold 0.5",
             distinct_texts=len(texts),
             **scores(y, [int(s >= 0.5) for s in ranking], ranking))  # fmt: skip
        for clf_name, make in (
            ("logistic regression", lambda: LogisticRegression(C=4.0, solver="liblinear")),
            ("linear SVM", lambda: LinearSVC(C=1.0)),
        ):
            emit(bench="sms_text_public", dataset=name, task="spam vs ham (not fraud)",
                 setup=f"{folds}-fold CV, word 1-2 + char 2-5 TF-IDF, {clf_name}",
                 distinct_texts=len(texts), spam=sum(y),
                 **cross_validate(texts, y, make, folds, seed),
                 published=PUBLISHED[name])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=("small", "medium", "large"))
    parser.add_argument("--train-seed", type=int, default=1)
    parser.add_argument("--eval-seed", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/sms"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qorgan-eval-sms-") as tmp:
        model, full = simulator_eval(args.scale, args.train_seed, args.eval_seed, Path(tmp))
    public_eval(model, args.data, args.folds, seed=0)
    emit(bench="eval_sms", value=full["f1"], unit="F1, smishing vs rest, shifted world",
         p50=round(full["p50"], 4), p99=round(full["p99"], 4), latency_unit="ms per SMS",
         cores=1)  # fmt: skip


if __name__ == "__main__":
    main()
