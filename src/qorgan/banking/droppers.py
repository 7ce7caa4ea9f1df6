"""The dropper finder: which accounts are money mules, with reasons and the transfers behind them.

Three layers over the per-account, per-window features of :mod:`.dropper_features` and the
graph features of :mod:`.dropper_graph`:

1. **Rules** (``DropperRules``, thresholds documented there) raise reason-coded signals; their
   noisy-OR is the rule score. The behaviour rules alone give the *base* score, whose suspects
   seed the graph features (so the graph never depends on a trained model).
2. **Model** (``DropperModel``, :mod:`.dropper_model`): LightGBM over every feature, trained
   on simulator truth with a time-respecting split (earlier weeks train, later weeks test)
   grouped so that one ring never sits on both sides, and calibrated (isotonic, fitted on
   that held-out part) to a probability. Stored as JSON, never pickle.
3. **Findings** (``DropperFinding``): an account's highest-scoring window, its reasons (the
   rules that fired there, and ``DROP_MODEL`` with the features that pushed the model up) and
   the transfers that make it suspicious (the adapter fetches them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from qorgan.banking.dropper_features import FEATURES
from qorgan.banking.dropper_graph import GRAPH_FEATURES
from qorgan.banking.dropper_model import DropperModel, column
from qorgan.core.decisions import Signal
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorSink, IndicatorStatus

SOURCE: Final = "dropper_finder"
F64 = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

REASONS: Final[dict[str, str]] = {
    "DROP_PASS_THROUGH": "passed on most of what it received from strangers within a day",
    "DROP_FAST_FORWARD": "passed money on within an hour of receiving it",
    "DROP_CASH_OUT": "sent what it received to cash (ATM) or crypto",
    "DROP_STRANGER_FAN_IN": "received from many payers it had never dealt with, and passed it on",
    "DROP_NEW_ACCOUNT": "received strangers' money within days of being opened",
    "DROP_SHARED_DEVICE": "paid from a device that several other accounts pay from",
    "DROP_FROM_VICTIM": "received a reported fraud victim's payment",
    "DROP_NEAR_VICTIM": "received money that left a reported victim's payee hours before",
    "DROP_FROM_DROPPER": "most of what it received came from suspected droppers",
    "DROP_RING": "one of a group of suspected droppers paying each other",
    "DROP_MODEL": "the trained model's probability, with the features that raised it most",
}
"""Every reason code of the dropper finder, with its meaning."""


@dataclass(frozen=True, slots=True)
class DropperRules:
    """Rule thresholds of the dropper finder, with their documented defaults.

    No behaviour rule looks at an account that received less than ``min_in_value`` in the
    window; the pass-through rules also need the account to be a *conduit*: what it sent
    within ``conduit_margin`` of what it received (someone spending savings sends far more).
    Strengths combine by noisy-OR; an account is flagged at ``flag_score``.

    Attributes:
        min_in_value: value received in the window before the behaviour rules look.
        max_payers: distinct payers in the window beyond which the behaviour rules stop
            looking: a merchant's customer base (its daily sweep to settlement passes
            everything on); the model and the graph rules still score it.
        passthrough: share of the value received passed on within a day, from at least
            ``min_strangers`` strangers who brought ``min_stranger_share`` of the value —
            ``DROP_PASS_THROUGH`` (0.45), no single payer bringing more than
            ``top_payer_share``: a loan victim passing on the bank's credit at the fraudster's
            word is a conduit of one payer, a mule of many.
        fast: share passed on within an hour — ``DROP_FAST_FORWARD`` (0.25), with pass-through.
        cash_out: share of the value sent that went to ATM or crypto, with at least half of
            the inflow passed on — ``DROP_CASH_OUT`` (0.25).
        fan_in: distinct strangers paying it, with at least half passed on —
            ``DROP_STRANGER_FAN_IN`` (0.15). A marketplace's thousands of customers pass nothing.
        new_account_days: age at the first stranger's money, with strangers bringing half the
            value — ``DROP_NEW_ACCOUNT`` (0.3); needs the accounts feed.
        shared_device: accounts paying from one of its devices in the window —
            ``DROP_SHARED_DEVICE`` (0.3); a household shares a tablet, a ring a phone farm.
        from_dropper: share received from suspects, with half passed on —
            ``DROP_FROM_DROPPER`` (0.35).
        ring: suspects in its group — ``DROP_RING`` (0.15).
        victim: ``DROP_FROM_VICTIM`` (0.6) at one hop from a reported fraud transfer,
            ``DROP_NEAR_VICTIM`` (0.35) at two to four.
        suspect_at: base (behaviour-only) score from which an account is a suspect for the
            graph features.
        flag_score: the combined score from which an account is reported.
    """

    min_in_value: float = 20_000.0
    max_payers: int = 300
    conduit_margin: float = 0.5
    passthrough: float = 0.8
    min_strangers: int = 2
    min_stranger_share: float = 0.5
    top_payer_share: float = 0.8
    fast: float = 0.5
    cash_out: float = 0.8
    fan_in: int = 3
    new_account_days: float = 30.0
    shared_device: int = 3
    from_dropper: float = 0.5
    ring: int = 3
    suspect_at: float = 0.5
    flag_score: float = 0.6


def rule_hits(
    features: pa.Table, rules: DropperRules, graph: bool = True
) -> list[tuple[str, float, Mask, tuple[str, ...]]]:
    """Every rule as (code, strength, rows where it fires, features that show why).

    One definition serves both the scores of whole columns and the signals of single rows.
    ``graph=False`` leaves out the rules over graph features (the base score).
    """
    c = {name: np.nan_to_num(column(features, name)) for name in (*FEATURES, *GRAPH_FEATURES)}
    age = column(features, "age_days", np.nan)
    judged = c["in_value"] >= rules.min_in_value
    # Money out about equals money in: the account holds nothing of its own (spending from
    # savings sends out far more than comes in).
    conduit = (c["out_in_ratio"] >= 1 - rules.conduit_margin) & (
        c["out_in_ratio"] <= 1 + rules.conduit_margin
    )
    # A business serving a customer base (a marketplace sweeping its takings to settlement
    # every day) is a conduit of thousands; the pass-through rules leave it to the model.
    judged &= c["payers"] <= rules.max_payers
    passing = judged & conduit & (c["passthrough_24h"] >= 0.5)
    strangers = (c["stranger_payers"] >= rules.min_strangers) & (
        c["stranger_share"] >= rules.min_stranger_share
    )
    cashed = c["atm_share"] + c["crypto_share"]
    hits = [
        ("DROP_PASS_THROUGH", 0.45,
         judged & conduit & strangers & (c["passthrough_24h"] >= rules.passthrough)
         & (c["top_payer_share"] <= rules.top_payer_share),
         ("passthrough_24h", "out_in_ratio", "stranger_payers", "stranger_share",
          "top_payer_share", "in_value")),
        ("DROP_FAST_FORWARD", 0.25, passing & (c["passthrough_1h"] >= rules.fast),
         ("passthrough_1h", "forward_delay_min")),
        ("DROP_CASH_OUT", 0.25, passing & (cashed >= rules.cash_out),
         ("atm_share", "crypto_share", "out_value")),
        ("DROP_STRANGER_FAN_IN", 0.15, passing & (c["stranger_payers"] >= rules.fan_in),
         ("stranger_payers", "payers")),
        ("DROP_NEW_ACCOUNT", 0.3,
         judged & (age <= rules.new_account_days) & (c["stranger_share"] >= 0.5),
         ("age_days", "stranger_share")),
        ("DROP_SHARED_DEVICE", 0.3, c["device_accounts"] >= rules.shared_device,
         ("device_accounts",)),
    ]  # fmt: skip
    if graph:
        hits += [
            ("DROP_FROM_VICTIM", 0.6, c["victim_reach"] >= 1.0, ("victim_reach",)),
            ("DROP_NEAR_VICTIM", 0.35, (c["victim_reach"] > 0) & (c["victim_reach"] < 1.0),
             ("victim_reach",)),
            ("DROP_FROM_DROPPER", 0.35, passing & (c["suspect_in_share"] >= rules.from_dropper),
             ("suspect_in_share", "chain_layer")),
            ("DROP_RING", 0.15, c["ring_size"] >= rules.ring, ("ring_size", "chain_layer")),
        ]  # fmt: skip
    return [
        (code, strength, np.asarray(mask, dtype=bool), why) for code, strength, mask, why in hits
    ]


def rule_scores(features: pa.Table, rules: DropperRules, graph: bool = True) -> F64:
    """Noisy-OR of the rules that fire, per row."""
    keep = np.ones(features.num_rows)
    for _, strength, fired, _ in rule_hits(features, rules, graph):
        keep = np.where(fired, keep * (1.0 - strength), keep)
    return np.round(1.0 - keep, 6)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.4g}"
    iso = getattr(value, "isoformat", None)
    return str(iso()) if iso is not None else str(value)


def row_signals(features: pa.Table, row: int, rules: DropperRules, window: str) -> list[Signal]:
    """The rules that fire on one row, each with the feature values that show why."""
    one = features.slice(row, 1)
    values = one.to_pylist()[0]
    where = (("window", window), ("window_start", _fmt(values.get("window_start"))))
    return [
        Signal(code, strength, (*where, *((name, _fmt(values.get(name))) for name in why)))
        for code, strength, fired, why in rule_hits(one, rules)
        if fired[0]
    ]


@dataclass(frozen=True, slots=True)
class DropperFinding:
    """One suspected account: its score, best window, reasons and the transfers behind them."""

    account: str
    score: float
    window_start: str
    signals: tuple[Signal, ...]
    transfers: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(s.code for s in sorted(self.signals, key=lambda s: (-s.score, s.code)))


def best_rows(account: pa.ChunkedArray | pa.Array, score: F64) -> npt.NDArray[np.int64]:
    """Per account, the row with the highest score; on ties the last such row (rows come in
    time order, and account-wide graph signals tie every window: the latest is the news)."""
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64)
    codes = pc.dictionary_encode(account).combine_chunks().indices.to_numpy(zero_copy_only=False)
    order = np.lexsort((-np.arange(len(score)), -score, codes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = codes[order][1:] != codes[order][:-1]
    return np.asarray(order[first], dtype=np.int64)


def score_accounts(
    features: pa.Table,
    rules: DropperRules,
    window: str,
    model: DropperModel | None = None,
    flag_at: float | None = None,
) -> list[DropperFinding]:
    """The accounts whose best window scores at least ``flag_at`` (default: 0.5 with a model,
    else the rules' ``flag_score``), highest first, with their signals (no transfers yet)."""
    if features.num_rows == 0:
        return []
    ruled = rule_scores(features, rules)
    scores = ruled if model is None else np.round(model.score(features), 6)
    threshold = flag_at if flag_at is not None else (0.5 if model is not None else rules.flag_score)
    best = best_rows(features.column("account"), scores)
    found: list[DropperFinding] = []
    for row in best[scores[best] >= threshold].tolist():
        signals = row_signals(features, row, rules, window)
        score = float(scores[row])
        start = _fmt(features.column("window_start")[row].as_py())
        if model is not None:
            top = model.top_features(features, row)
            evidence = (("window", window), ("window_start", start),
                        ("probability", f"{score:.3f}"),
                        *((n, _fmt(features.column(n)[row].as_py())) for n in top))  # fmt: skip
            signals.append(Signal("DROP_MODEL", round(score, 6), evidence))
        account = str(features.column("account")[row].as_py())
        found.append(DropperFinding(account, score, start, tuple(signals)))
    return sorted(found, key=lambda f: (-f.score, f.account))


def to_registry(findings: Iterable[DropperFinding], sink: IndicatorSink, at: Any = None) -> int:
    """Write each finding's account (IBAN) to the registry as suspected; returns how many."""
    written = 0
    for f in findings:
        sink.assert_indicator(
            IndicatorHit(IndicatorKind.IBAN, f.account, IndicatorStatus.SUSPECTED, f.score,
                         (SOURCE,), at)
        )  # fmt: skip
        written += 1
    return written
