"""The dropper finder's model: calibrated LightGBM over every feature, stored as JSON.

Trained on simulator truth with a time-respecting split (earlier windows train, the last one
tests) grouped so that one ring never sits on both sides; isotonic calibration fitted on the
held-out part. LightGBM's own text format inside JSON, never pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from qorgan.banking.dropper_features import FEATURES
from qorgan.banking.dropper_graph import GRAPH_FEATURES
from qorgan.core.errors import InvalidInput

FORMAT: Final = "qorgan.dropper-model"
VERSION: Final = 1
MODEL_FEATURES: Final = (*FEATURES, *GRAPH_FEATURES)
F64 = npt.NDArray[np.float64]


def column(features: pa.Table, name: str, missing: float = 0.0) -> F64:
    """A feature column as floats (nulls NaN); ``missing`` fills a column the table lacks."""
    if name not in features.column_names:
        return np.full(features.num_rows, missing)
    values = features.column(name).to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=np.float64)


def matrix(features: pa.Table) -> F64:
    """The model's input: one row per account and window, one column per model feature
    (missing values stay NaN: LightGBM routes them)."""
    missing = [name for name in FEATURES if name not in features.column_names]
    if missing:
        raise InvalidInput(f"features table lacks {', '.join(missing)}")
    return np.column_stack([column(features, name, np.nan) for name in MODEL_FEATURES])


@dataclass
class DropperModel:
    """A calibrated gradient-boosting model over ``MODEL_FEATURES``.

    Attributes:
        booster: LightGBM's model in its own text format.
        calibration: isotonic map from raw score to probability, as (x, y) knots.
        window: the feature window the model was trained on.
        trained_on: what it was trained on and how it did on the held-out split.
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

    def raw(self, features: pa.Table) -> F64:
        if features.num_rows == 0:
            return np.zeros(0)
        return np.asarray(self._booster().predict(matrix(features)), dtype=np.float64)

    def score(self, features: pa.Table) -> F64:
        """Calibrated probability per row of ``features``."""
        xs, ys = (np.asarray(v, dtype=np.float64) for v in self.calibration)
        return np.clip(np.interp(self.raw(features), xs, ys), 0.0, 1.0)

    def top_features(self, features: pa.Table, row: int, k: int = 3) -> list[str]:
        """The ``k`` features that pushed row ``row``'s score up the most (SHAP values)."""
        contrib = self._booster().predict(matrix(features.slice(row, 1)), pred_contrib=True)[0]
        order = np.argsort(-np.asarray(contrib[: len(MODEL_FEATURES)]))[:k]
        return [MODEL_FEATURES[i] for i in order if contrib[i] > 0]

    def save(self, path: Path) -> None:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "features": list(MODEL_FEATURES),
            "window": self.window,
            "calibration": [list(self.calibration[0]), list(self.calibration[1])],
            "trained_on": self.trained_on,
            "booster": self.booster,
        }
        path.write_text(json.dumps(doc), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> DropperModel:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"{path}: not a dropper model ({exc})") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise InvalidInput(f"{path}: not a {FORMAT} file")
        if doc.get("version") != VERSION:
            raise InvalidInput(f"{path}: {FORMAT} version {doc.get('version')}, need {VERSION}")
        if doc.get("features") != list(MODEL_FEATURES):
            raise InvalidInput(f"{path}: trained on other features than this version computes")
        try:
            import lightgbm

            xs, ys = doc["calibration"]
            model = cls(doc["booster"], (tuple(float(x) for x in xs), tuple(float(y) for y in ys)),
                        str(doc["window"]), dict(doc.get("trained_on", {})))  # fmt: skip
            model._model = lightgbm.Booster(model_str=model.booster)
        except (KeyError, TypeError, ValueError, lightgbm.basic.LightGBMError) as exc:
            raise InvalidInput(f"{path}: a damaged {FORMAT} file ({exc})") from exc
        return model


LGBM_PARAMS: Final[dict[str, Any]] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS: Final = 200


def held_out_split(
    window_start: Sequence[Any], groups: Sequence[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows to train on and rows to test on: training takes the windows before the last
    one, testing the last window, and each group (a ring, or an account) goes to one side
    only, by a stable hash of its name — so neither time nor a ring leaks across."""
    import hashlib

    starts = np.asarray([str(w) for w in window_start])
    last = max(starts) if len(starts) else ""
    side = np.asarray([hashlib.sha256(g.encode()).digest()[0] % 2 for g in groups], dtype=np.int64)
    train_rows = np.flatnonzero((starts < last) & (side == 0))
    test_rows = np.flatnonzero((starts == last) & (side == 1))
    return train_rows, test_rows


def _pr(y: npt.NDArray[np.int64], p: F64, at: float) -> dict[str, float]:
    from sklearn.metrics import average_precision_score  # type: ignore[import-untyped]

    flagged = p >= at
    tp = int((flagged & (y == 1)).sum())
    return {
        "precision": round(tp / max(1, int(flagged.sum())), 4),
        "recall": round(tp / max(1, int(y.sum())), 4),
        "pr_auc": round(float(average_precision_score(y, p)), 4) if y.any() else 0.0,
        "positives": int(y.sum()),
        "rows": len(y),
    }


def train(
    features: pa.Table,
    labels: Sequence[bool] | npt.NDArray[np.bool_],
    groups: Sequence[str],
    window: str,
    seed: int = 0,
    trained_on: dict[str, Any] | None = None,
) -> DropperModel:
    """Fit LightGBM on the earlier windows, calibrate and measure on the last one (groups
    apart, see :func:`held_out_split`), then refit on every row with that calibration."""
    import lightgbm
    from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped]

    x = matrix(features)
    y = np.asarray(labels, dtype=np.int64)
    fit_rows, test_rows = held_out_split(features.column("window_start").to_pylist(), groups)
    for name, rows in (("training", fit_rows), ("held-out", test_rows)):
        positives = int(y[rows].sum())
        if positives < 5 or len(rows) - positives < 5:
            raise InvalidInput(
                f"the {name} split needs at least 5 droppers and 5 other accounts, got "
                f"{positives} and {len(rows) - positives}: a world of two weeks or more is needed"
            )
    params = {**LGBM_PARAMS, "seed": seed}
    early = lightgbm.train(params, lightgbm.Dataset(x[fit_rows], y[fit_rows]), ROUNDS)
    held = np.asarray(early.predict(x[test_rows]), dtype=np.float64)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(held, y[test_rows])
    booster = lightgbm.train(params, lightgbm.Dataset(x, y), ROUNDS)
    knots = (tuple(float(v) for v in iso.X_thresholds_), tuple(float(v) for v in iso.y_thresholds_))
    info = {
        "rows": len(y),
        "positives": int(y.sum()),
        "held_out": _pr(y[test_rows], np.asarray(iso.predict(held), dtype=np.float64), 0.5),
        **(trained_on or {}),
    }
    return DropperModel(booster.model_to_string(), knots, window, info)
