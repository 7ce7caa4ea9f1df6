"""The SIM-box finder: which SIM cards are gateways, with reasons, and which share a box.

Three layers over the per-SIM, per-window features of :mod:`qorgan.telecom.simbox_features`:

1. **Rules** (``SimBoxRules``, thresholds documented there) raise reason-coded ``Signal``s
   with the counts and window that triggered them; their noisy-OR is the rule score, so a SIM
   is flagged with reasons before any model exists.
2. **Model** (``SimBoxModel``): gradient boosting (LightGBM) over the same features, trained on
   simulator truth with splits grouped by box and handset, and calibrated (isotonic, fitted on
   out-of-fold scores) to a probability in [0, 1]. Stored as JSON (LightGBM's own text
   format inside), never pickle.
3. **Grouping** (``group_boxes``): flagged SIMs that shared a handset (IMEI), or called from
   the same cell in the same clock hours, are joined into one ``box``.

A SIM's finding is its highest-scoring window; its reasons are the rules that fired there
(the model's score is added as ``SIMBOX_MODEL`` with its top features).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from qorgan.core.decisions import Signal, combine
from qorgan.core.errors import InvalidInput
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorSink, IndicatorStatus
from qorgan.telecom.simbox_features import FEATURES

FORMAT = "qorgan.simbox-model"
VERSION = 1
SOURCE = "simbox_finder"
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SimBoxRules:
    """Rule thresholds of the SIM-box finder, with their documented defaults.

    No rule fires on a SIM with fewer than ``min_out_calls`` calls in the window: too little
    to judge. The strengths combine by noisy-OR; a SIM is flagged at ``flag_score``.

    Attributes:
        min_out_calls: calls placed in the window before any rule looks at a SIM.
        shared_imei_sims: SIMs seen in one handset within the window that make a GSM module
            (dual-SIM phones carry two) — ``SIMBOX_SHARED_IMEI``, strength 0.6 rising by
            0.05 a SIM to 0.9.
        min_strangers: distinct callees needed for the behaviour rules below.
        max_reciprocity: at most this share of callees ever calling back —
            ``SIMBOX_NO_CALLBACK`` (0.5).
        max_in_out_ratio: at most this many received calls per placed call —
            ``SIMBOX_NO_INCOMING`` (0.3).
        max_repeat_callee_share: at most this share of calls to a number called before —
            ``SIMBOX_STRANGERS`` (0.2).
        max_cells: calling from at most this many cells, ``min_top_cell_share`` of the calls
            from one, while busy (``min_calls_per_active_hour``) — ``SIMBOX_STATIC`` (0.15).
        no_sms: with an SMS feed, a SIM that neither sends nor receives any SMS —
            ``SIMBOX_NO_SMS`` (0.15).
        behaviour_cap: the most the behaviour rules (all but ``SIMBOX_SHARED_IMEI``) add up
            to on their own: call centres place as many calls to as many strangers from one
            office and hear back as rarely, so only the hardware — a GSM module cycling SIMs
            — takes a SIM past ``flag_score``; behaviour alone ranks it for review.
        flag_score: the combined rule score from which a SIM is flagged.
    """

    min_out_calls: int = 30
    shared_imei_sims: int = 3
    min_strangers: int = 25
    max_reciprocity: float = 0.01
    max_in_out_ratio: float = 0.05
    max_repeat_callee_share: float = 0.1
    max_cells: int = 3
    min_top_cell_share: float = 0.5
    min_calls_per_active_hour: float = 2.0
    no_sms: bool = True
    behaviour_cap: float = 0.55
    flag_score: float = 0.6


def rule_signals(
    row: dict[str, Any], rules: SimBoxRules, window: str, with_sms: bool
) -> list[Signal]:
    """The rules that fire on one SIM's features in one window, with their evidence."""
    out_calls = int(row["out_calls"])
    if out_calls < rules.min_out_calls:
        return []
    where = (("window", window), ("window_start", _iso(row["window_start"])),
             ("out_calls", str(out_calls)))  # fmt: skip
    signals: list[Signal] = []
    shared = int(row["imsis_per_imei"])
    if shared >= rules.shared_imei_sims:
        strength = min(0.9, 0.6 + 0.05 * (shared - rules.shared_imei_sims))
        signals.append(
            Signal(
                "SIMBOX_SHARED_IMEI", round(strength, 3), (*where, ("imsis_per_imei", str(shared)))
            )
        )
    strangers = int(row["distinct_callees"])
    evidence: tuple[tuple[str, str], ...]
    if strangers >= rules.min_strangers:
        if float(row["reciprocity"]) <= rules.max_reciprocity:
            evidence = (("distinct_callees", str(strangers)),
                        ("reciprocity", f"{float(row['reciprocity']):.3f}"))  # fmt: skip
            signals.append(Signal("SIMBOX_NO_CALLBACK", 0.5, (*where, *evidence)))
        if float(row["in_out_ratio"]) <= rules.max_in_out_ratio:
            evidence = (("in_calls", str(int(row["in_calls"]))),
                        ("in_out_ratio", f"{float(row['in_out_ratio']):.3f}"))  # fmt: skip
            signals.append(Signal("SIMBOX_NO_INCOMING", 0.3, (*where, *evidence)))
        if float(row["repeat_callee_share"]) <= rules.max_repeat_callee_share:
            share = f"{float(row['repeat_callee_share']):.3f}"
            evidence = (("distinct_callees", str(strangers)), ("repeat_callee_share", share))
            signals.append(Signal("SIMBOX_STRANGERS", 0.2, (*where, *evidence)))
    cells = int(row["distinct_cells"])
    busy = float(row["calls_per_active_hour"])
    if (
        0 < cells <= rules.max_cells
        and float(row["top_cell_share"]) >= rules.min_top_cell_share
        and busy >= rules.min_calls_per_active_hour
    ):
        evidence = (("distinct_cells", str(cells)),
                    ("top_cell_share", f"{float(row['top_cell_share']):.3f}"),
                    ("calls_per_active_hour", f"{busy:.2f}"))  # fmt: skip
        signals.append(Signal("SIMBOX_STATIC", 0.2, (*where, *evidence)))
    if with_sms and rules.no_sms and int(row["sms_out"]) == 0 and int(row["sms_in"]) == 0:
        signals.append(Signal("SIMBOX_NO_SMS", 0.15, (*where, ("sms_out", "0"), ("sms_in", "0"))))
    return signals


DEVICE = frozenset({"SIMBOX_SHARED_IMEI"})


def rule_score(signals: Sequence[Signal], rules: SimBoxRules) -> float:
    """Noisy-OR of the signals, with the behaviour rules capped at ``rules.behaviour_cap``."""
    behaviour = min(rules.behaviour_cap, combine(s for s in signals if s.code not in DEVICE))
    device = combine(s for s in signals if s.code in DEVICE)
    return round(1 - (1 - behaviour) * (1 - device), 6)


def _iso(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso()) if iso is not None else str(value)


def matrix(features: pa.Table) -> F64:
    """The model's input: one row per SIM and window, one column per ``FEATURES`` entry."""
    missing = [name for name in FEATURES if name not in features.column_names]
    if missing:
        raise InvalidInput(f"features table lacks {', '.join(missing)}")
    columns = [
        np.nan_to_num(features.column(name).to_numpy(zero_copy_only=False).astype(np.float64))
        for name in FEATURES
    ]
    return np.column_stack(columns) if columns else np.zeros((0, 0))


@dataclass
class SimBoxModel:
    """A calibrated gradient-boosting model over ``FEATURES``.

    Attributes:
        booster: LightGBM's model in its own text format.
        calibration: isotonic map from raw score to probability, as (x, y) knots.
        window: the feature window the model was trained on.
        trained_on: what it was trained on (counts, world, seed), for the record.
    """

    booster: str
    calibration: tuple[tuple[float, ...], tuple[float, ...]]
    window: str
    trained_on: dict[str, Any] = field(default_factory=dict)
    _model: Any = field(default=None, repr=False, compare=False)

    def _booster(self) -> Any:
        if self._model is None:
            import lightgbm

            self._model = lightgbm.Booster(model_str=self.booster)
        return self._model

    def score(self, features: pa.Table) -> F64:
        """Calibrated probability per row of ``features``."""
        if features.num_rows == 0:
            return np.zeros(0)
        raw = np.asarray(self._booster().predict(matrix(features)), dtype=np.float64)
        xs, ys = (np.asarray(v, dtype=np.float64) for v in self.calibration)
        return np.clip(np.interp(raw, xs, ys), 0.0, 1.0)

    def top_features(self, features: pa.Table, row: int, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` features that pushed row ``row``'s score up the most (SHAP values)."""
        contrib = self._booster().predict(matrix(features.slice(row, 1)), pred_contrib=True)[0]
        names = list(FEATURES)
        order = np.argsort(-np.asarray(contrib[: len(names)]))[:k]
        return [(names[i], float(contrib[i])) for i in order if contrib[i] > 0]

    def save(self, path: Path) -> None:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "features": list(FEATURES),
            "window": self.window,
            "calibration": [list(self.calibration[0]), list(self.calibration[1])],
            "trained_on": self.trained_on,
            "booster": self.booster,
        }
        path.write_text(json.dumps(doc), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> SimBoxModel:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"{path}: not a SIM-box model ({exc})") from exc
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise InvalidInput(f"{path}: not a {FORMAT} v{VERSION} file")
        if doc.get("features") != list(FEATURES):
            raise InvalidInput(f"{path}: trained on other features than this version computes")
        xs, ys = doc["calibration"]
        return cls(doc["booster"], (tuple(xs), tuple(ys)), doc["window"], doc.get("trained_on", {}))


def train(
    features: pa.Table,
    labels: Sequence[bool] | npt.NDArray[np.bool_],
    groups: Sequence[str],
    window: str,
    folds: int = 5,
    seed: int = 0,
    trained_on: dict[str, Any] | None = None,
) -> SimBoxModel:
    """Fit LightGBM, calibrate on out-of-fold scores from splits grouped by ``groups``.

    ``groups`` keeps whole boxes (and handsets) on one side of every split, so the
    calibration never sees a box's other SIMs in training.
    """
    import lightgbm
    from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    x = matrix(features)
    y = np.asarray(labels, dtype=np.int64)
    if y.sum() < folds or (len(y) - y.sum()) < folds:
        raise InvalidInput(f"need at least {folds} positives and negatives, got {int(y.sum())}")
    params = {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 15,
        "min_data_in_leaf": 20,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
        "seed": seed,
        "deterministic": True,
        "num_threads": 1,
        "verbose": -1,
    }
    rounds = 200
    oof = np.zeros(len(y))
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(x, y, np.asarray(groups)):
        fold = lightgbm.train(params, lightgbm.Dataset(x[train_idx], y[train_idx]), rounds)
        oof[test_idx] = fold.predict(x[test_idx])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof, y)
    booster = lightgbm.train(params, lightgbm.Dataset(x, y), rounds)
    knots = (tuple(float(v) for v in iso.X_thresholds_), tuple(float(v) for v in iso.y_thresholds_))
    info = {"rows": len(y), "positives": int(y.sum()), "folds": folds, **(trained_on or {})}
    return SimBoxModel(booster.model_to_string(), knots, window, info)


@dataclass(frozen=True, slots=True)
class SimFinding:
    """One suspected SIM: its score, box and the signals of its highest-scoring window."""

    imsi: str
    msisdn: str
    score: float
    box: str
    signals: tuple[Signal, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(s.code for s in sorted(self.signals, key=lambda s: -s.score))


def _column(features: pa.Table, name: str) -> F64:
    values = features.column(name).to_numpy(zero_copy_only=False)
    return np.nan_to_num(np.asarray(values, dtype=np.float64))


def rule_scores(features: pa.Table, rules: SimBoxRules, with_sms: bool) -> F64:
    """:func:`rule_score` of :func:`rule_signals` for every row at once, over Arrow columns.

    The same thresholds and strengths, combined in the same order, so the two agree to the
    sixth decimal (a test holds them to it); used to rank rows without a Python object per
    row.
    """
    col = {name: _column(features, name) for name in (
        "out_calls", "imsis_per_imei", "distinct_callees", "reciprocity", "in_out_ratio",
        "repeat_callee_share", "distinct_cells", "top_cell_share", "calls_per_active_hour",
        "sms_out", "sms_in")}  # fmt: skip
    active = col["out_calls"] >= rules.min_out_calls
    shared = col["imsis_per_imei"]
    device = np.where(
        active & (shared >= rules.shared_imei_sims),
        np.minimum(0.9, 0.6 + 0.05 * (shared - rules.shared_imei_sims)),
        0.0,
    )
    strangers = active & (col["distinct_callees"] >= rules.min_strangers)
    cells = col["distinct_cells"]
    behaviour_rules = [
        (strangers & (col["reciprocity"] <= rules.max_reciprocity), 0.5),
        (strangers & (col["in_out_ratio"] <= rules.max_in_out_ratio), 0.3),
        (strangers & (col["repeat_callee_share"] <= rules.max_repeat_callee_share), 0.2),
        (active & (cells > 0) & (cells <= rules.max_cells)
         & (col["top_cell_share"] >= rules.min_top_cell_share)
         & (col["calls_per_active_hour"] >= rules.min_calls_per_active_hour), 0.2),
    ]  # fmt: skip
    if with_sms and rules.no_sms:
        silent = active & (col["sms_out"] == 0) & (col["sms_in"] == 0)
        behaviour_rules.append((silent, 0.15))
    keep = np.ones(features.num_rows)
    for fired, strength in behaviour_rules:
        keep = np.where(fired, keep * (1.0 - strength), keep)
    behaviour = np.minimum(rules.behaviour_cap, np.round(1.0 - keep, 6))
    return np.round(1.0 - (1.0 - behaviour) * (1.0 - np.round(device, 6)), 6)


def best_rows(imsi: pa.ChunkedArray | pa.Array, score: F64) -> npt.NDArray[np.int64]:
    """Per SIM, the row with the highest score (the first such row on ties)."""
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64)
    codes = pc.dictionary_encode(imsi).combine_chunks().indices.to_numpy(zero_copy_only=False)
    order = np.lexsort((np.arange(len(score)), -score, codes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = codes[order][1:] != codes[order][:-1]
    return np.asarray(order[first], dtype=np.int64)


def score_sims(
    features: pa.Table,
    rules: SimBoxRules,
    window: str,
    with_sms: bool,
    model: SimBoxModel | None = None,
) -> dict[str, tuple[float, str, tuple[Signal, ...]]]:
    """Each SIM's best window: imsi -> (score, msisdn, signals).

    Without a model the score is the rules' noisy-OR; with one, the model's calibrated
    probability, and the rule signals stay as the reasons. Scores are computed over whole
    columns; reasons and evidence are written only for each SIM's best row where a rule (or
    the model) speaks, so a national day's SIMs cost a Python object only when suspicious.
    """
    if features.num_rows == 0:
        return {}
    features = features.filter(pc.is_valid(features.column("imsi")))
    ruled = rule_scores(features, rules, with_sms)
    probs = model.score(features) if model is not None else None
    scores = ruled if probs is None else np.round(probs, 6)
    best = best_rows(features.column("imsi"), scores)
    imsis = features.column("imsi").take(best).to_pylist()
    msisdns = features.column("msisdn").take(best).to_pylist()
    speaking = [i for i, row in enumerate(best) if ruled[row] > 0 or scores[row] >= 0.5]
    detail = features.take(best[speaking]).to_pylist() if speaking else []
    signals_of: dict[int, tuple[Signal, ...]] = {}
    for i, row in zip(speaking, detail, strict=True):
        signals = rule_signals(row, rules, window, with_sms)
        score = float(scores[best[i]])
        if model is not None and score >= 0.5:
            top = model.top_features(features, int(best[i]))
            evidence = (("window", window), ("window_start", _iso(row["window_start"])),
                        ("probability", f"{score:.3f}"),
                        *((name, f"{row[name]:.3g}") for name, _ in top))  # fmt: skip
            signals = [*signals, Signal("SIMBOX_MODEL", round(score, 6), evidence)]
        signals_of[i] = tuple(signals)
    return {
        str(imsi): (float(scores[row]), str(msisdn or ""), signals_of.get(i, ()))
        for i, (row, imsi, msisdn) in enumerate(zip(best, imsis, msisdns, strict=True))
    }


def group_boxes(flagged: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Box ids for flagged SIMs: connected components of ``links`` (pairs of SIMs that shared
    a handset or a cell in the same hours). A box id is ``BOX-`` and a hash of its first SIM,
    so it stays the same however the SIMs are ordered; a SIM linked to none is its own box."""
    parent = {imsi: imsi for imsi in flagged}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in links:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for imsi in parent:
        members.setdefault(find(imsi), []).append(imsi)
    boxes: dict[str, str] = {}
    for sims in members.values():
        box = "BOX-" + hashlib.sha256(min(sims).encode()).hexdigest()[:10].upper()
        for imsi in sims:
            boxes[imsi] = box
    return boxes


def to_registry(findings: Iterable[SimFinding], sink: IndicatorSink, at: Any = None) -> int:
    """Write each finding's SIM (and number) to the registry as suspected; returns how many."""
    written = 0
    suspected = IndicatorStatus.SUSPECTED
    for f in findings:
        sink.assert_indicator(IndicatorHit(IndicatorKind.IMSI, f.imsi, suspected, f.score,
                                           (SOURCE,), at))  # fmt: skip
        if f.msisdn:
            sink.assert_indicator(IndicatorHit(IndicatorKind.MSISDN, f.msisdn, suspected, f.score,
                                               (SOURCE,), at))  # fmt: skip
        written += 1
    return written
