"""A linear text model that scores how much an SMS reads like fraud or phishing (kk/ru/en).

Features are word uni- and bigrams plus character 2-5-grams inside word boundaries, taken
from a normalised text (:func:`normalise`: case folded, Cyrillic and Latin look-alike letters
folded together, digits to ``0``, links replaced by one token, since links are judged by
:mod:`qorgan.telecom.links`), weighted by sublinear TF-IDF and L2-normalised; a logistic
regression scores them and a Platt sigmoid fitted on out-of-fold scores maps the margin to a
probability in [0, 1]. Training needs scikit-learn; scoring is plain Python and NumPy.

Artefact format (``TextModel.save``; one UTF-8 JSON object, never pickle)::

    {"format": "qorgan.sms-text-model", "version": 1,
     "features": {"word_ngrams": [1, 2], "char_ngrams": [2, 5], "normalise": "v1"},
     "terms": ["w:<word>", "w:<word> <word>", "c:<chars>", ...],  # column i is terms[i]
     "idf": [...], "coef": [...],              # one float per term
     "intercept": float, "calibration": [a, b],   # score = 1 / (1 + exp(-(a * margin + b)))
     "trained_on": {"texts": n, "positives": n, "source": "..."}}
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from qorgan.core.errors import InvalidInput
from qorgan.telecom.links import extract_links

FORMAT = "qorgan.sms-text-model"
VERSION = 1
POSITIVE_KINDS = frozenset({"smishing_bank", "smishing_link"})
NEGATIVE_KINDS = frozenset({"personal", "bank_notice", "spam"})

_LINK_TOKEN = " httplink "
_FOLD = str.maketrans("аеорсухкіјѕһ", "aeopcyxkijsh")  # Cyrillic letters that read as Latin
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"(?u)\b\w\w+\b")


def normalise(text: str) -> str:
    """The text as the model reads it: links as one token, look-alikes folded, digits ``0``.

    >>> normalise("Kaspi: код 4821, см. kaspi.kz/pay")
    'kaspi: koд 0000, cм. httplink'
    >>> normalise("КАSРI") == normalise("kaspi")  # Cyrillic К, А, Р among Latin letters
    True
    """
    out, last = [], 0
    for link in extract_links(text):
        out += [text[last : link.start], _LINK_TOKEN]
        last = link.end
    out.append(text[last:])
    return _SPACE.sub(" ", _DIGIT.sub("0", fold("".join(out)))).strip()


def fold(text: str) -> str:
    """NFKC, case-folded, with Cyrillic letters that read as Latin made Latin (``а``→``a``).

    Fraudsters swap such letters to slip past keyword filters (``Kаspi`` with a Cyrillic
    ``а``); folding makes both spellings one.
    """
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)


def features(text: str) -> list[str]:
    """The model's features of one raw text: ``w:`` word 1-2-grams, ``c:`` char 2-5-grams."""
    norm = normalise(text)
    words = _WORD.findall(norm)
    out = [f"w:{w}" for w in words]
    out += [f"w:{a} {b}" for a, b in itertools.pairwise(words)]
    for word in norm.split():
        padded = f" {word} "
        for n in range(2, 6):
            if len(padded) < n:
                break
            out += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    return out


@dataclass(frozen=True, eq=False)
class TextModel:
    """A fitted text model: TF-IDF vocabulary, linear weights and a Platt calibration.

    Attributes:
        terms: the feature of each column.
        idf: inverse document frequency per column.
        coef: weight per column.
        intercept: the linear model's intercept.
        calibration: Platt ``(a, b)``: ``score = sigmoid(a * margin + b)``.
        trained_on: what it was fitted on (counts and source), for the record.
    """

    terms: tuple[str, ...]
    idf: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]
    intercept: float
    calibration: tuple[float, float]
    trained_on: Mapping[str, Any] = field(default_factory=dict)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not len(self.terms) == len(self.idf) == len(self.coef):
            raise InvalidInput("text model: terms, idf and coef differ in length")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.terms)})

    def _vector(self, text: str) -> dict[int, float]:
        counts = Counter(i for f in features(text) if (i := self._index.get(f)) is not None)
        weights = {i: (1.0 + math.log(n)) * float(self.idf[i]) for i, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {i: w / norm for i, w in weights.items()}

    def margin(self, text: str) -> float:
        """The linear model's raw margin (positive leans to fraud)."""
        return self.intercept + sum(w * float(self.coef[i]) for i, w in self._vector(text).items())

    def score(self, text: str) -> float:
        """How much ``text`` reads like fraud or phishing: a probability in [0, 1]."""
        a, b = self.calibration
        z = max(-50.0, min(50.0, a * self.margin(text) + b))
        return round(1.0 / (1.0 + math.exp(-z)), 6)

    def top_terms(self, text: str, k: int = 3) -> list[str]:
        """The ``k`` features that pushed ``text`` most toward fraud, for evidence."""
        parts = {i: w * float(self.coef[i]) for i, w in self._vector(text).items()}
        ranked = sorted((c, self.terms[i]) for i, c in parts.items() if c > 0)
        return [term for _, term in reversed(ranked[-k:])]

    def to_json(self) -> dict[str, Any]:
        """The artefact as a JSON-ready dict (see the module docstring for the format)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "features": {"word_ngrams": [1, 2], "char_ngrams": [2, 5], "normalise": "v1"},
            "terms": list(self.terms),
            "idf": self.idf.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "calibration": list(self.calibration),
            "trained_on": dict(self.trained_on),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TextModel:
        """Rebuild a model from :meth:`to_json` output.

        Raises:
            InvalidInput: not a text model artefact, or of another version.
        """
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise InvalidInput(
                f"not a {FORMAT} v{VERSION} artefact: format={data.get('format')!r}, "
                f"version={data.get('version')!r}"
            )
        a, b = data["calibration"]
        return cls(
            tuple(data["terms"]),
            np.asarray(data["idf"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
            (float(a), float(b)),
            dict(data.get("trained_on", {})),
        )

    def save(self, path: Path) -> None:
        """Write the artefact to ``path`` as JSON."""
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TextModel:
        """Read an artefact written by :meth:`save`."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"{path}: cannot read text model: {exc}") from exc
        return cls.from_json(data)


def fit_text_model(
    texts: Sequence[str], labels: Sequence[int], *, c: float = 4.0, seed: int = 0, source: str = ""
) -> TextModel:
    """Fit a model on labelled texts (1 = fraud/phishing, or spam for a spam corpus).

    Args:
        texts: the texts; deduplicate them first.
        labels: 0 or 1 per text; both classes must be present, the smaller at least 3 times.
        c: inverse regularisation strength of the logistic regression.
        seed: seeds the folds of the calibration.
        source: a note of what the texts are, kept in ``trained_on``.

    Raises:
        InvalidInput: lengths differ or a class is missing or too rare.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    y = np.asarray(labels, dtype=np.int64)
    positives = int(y.sum())
    if len(texts) != len(y) or min(positives, len(y) - positives) < 3:
        raise InvalidInput("text model needs as many labels as texts and 3+ of each class")
    vectoriser = TfidfVectorizer(analyzer=features, min_df=2, sublinear_tf=True)
    x = vectoriser.fit_transform(list(texts))
    coef, intercept = _logistic(x, y, c, seed)
    folds = min(5, positives, len(y) - positives)
    margins = _out_of_fold_margins(x, y, c, folds, seed)
    terms = vectoriser.get_feature_names_out()
    return TextModel(
        tuple(str(t) for t in terms),
        np.asarray(vectoriser.idf_, dtype=np.float64),
        coef,
        intercept,
        _platt(margins, y),
        {"texts": len(y), "positives": positives, "source": source},
    )


def _logistic(
    x: Any, y: npt.NDArray[np.int64], c: float, seed: int
) -> tuple[npt.NDArray[np.float64], float]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    model = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=seed
    )
    model.fit(x, y)
    return np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def _out_of_fold_margins(
    x: Any, y: npt.NDArray[np.int64], c: float, folds: int, seed: int
) -> npt.NDArray[np.float64]:
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    margins = np.zeros(len(y), dtype=np.float64)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        coef, intercept = _logistic(x[train], y[train], c, seed)
        margins[test] = x[test] @ coef + intercept
    return margins


def _platt(margins: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e6, solver="lbfgs").fit(margins.reshape(-1, 1), y)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def training_texts(sms: pa.Table, truth: pa.Table) -> tuple[list[str], list[int]]:
    """Distinct simulator SMS texts with labels: smishing 1; personal, notices, spam 0.

    Args:
        sms: the ``sms`` feed (``sms_id``, ``text``).
        truth: ``truth/sms.parquet`` (``sms_id``, ``kind``); other kinds are left out.
    """
    kinds = dict(zip(truth["sms_id"].to_pylist(), truth["kind"].to_pylist(), strict=True))
    seen: dict[str, int] = {}
    for sms_id, text in zip(sms["sms_id"].to_pylist(), sms["text"].to_pylist(), strict=True):
        kind = kinds.get(sms_id)
        if kind in POSITIVE_KINDS or kind in NEGATIVE_KINDS:
            seen.setdefault(text, int(kind in POSITIVE_KINDS))
    return list(seen), list(seen.values())


def train_text_model(sms_table: pa.Table, truth_table: pa.Table, *, seed: int = 0) -> TextModel:
    """Fit the SMS text model on a simulated world's SMS feed and its truth (distinct texts).

    Args:
        sms_table: the world's ``sms`` feed.
        truth_table: the world's ``truth/sms.parquet``.
        seed: seeds the calibration folds.
    """
    texts, labels = training_texts(sms_table, truth_table)
    return fit_text_model(texts, labels, seed=seed, source="simulator sms")
