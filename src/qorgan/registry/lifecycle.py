"""The lifecycle of an indicator: which status moves are legal, and how claims fold in.

::

    suspected ──► confirmed ──► blocked
        │             │            │
        └─────────────┴────────────┴──► cleared ──► suspected (on new evidence)

Rules:
- a move by hand must be one of :data:`TRANSITIONS`; anything else is a :class:`Conflict`;
- a source's claim never demotes: a confirmed or blocked indicator stays so whatever a
  detector later says; a suspected one is promoted by a ``confirmed`` claim;
- a cleared indicator is reopened (suspected) only by a claim seen *after* it was cleared,
  so replaying old findings cannot undo an analyst's decision;
- sources accumulate, one :class:`Assertion` per source (earliest time, highest confidence,
  strongest status); evidence links accumulate, each once;
- confidence is the noisy-or of the sources' confidences, ``1 - Π(1 - c)``: two independent
  sources at 0.6 make 0.84, and the same source repeating itself adds nothing. It is rounded
  to 6 places so it survives every engine's float column unchanged.

Folding the same claim in twice changes nothing (idempotent ingestion).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from qorgan.core.errors import Conflict
from qorgan.core.ports import IndicatorStatus
from qorgan.registry.indicator import Assertion, Claim, Indicator

S = IndicatorStatus
TRANSITIONS: dict[IndicatorStatus, frozenset[IndicatorStatus]] = {
    S.SUSPECTED: frozenset({S.CONFIRMED, S.CLEARED}),
    S.CONFIRMED: frozenset({S.BLOCKED, S.CLEARED}),
    S.BLOCKED: frozenset({S.CLEARED}),
    S.CLEARED: frozenset({S.SUSPECTED}),
}
"""The legal moves by hand, from each status."""

_STRENGTH = {S.CLEARED: 0, S.SUSPECTED: 1, S.CONFIRMED: 2, S.BLOCKED: 3}


class IllegalTransition(Conflict):
    """A status move the lifecycle does not allow."""

    def __init__(self, current: IndicatorStatus, target: IndicatorStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing"
        super().__init__(
            f"an indicator cannot move from {current.value} to {target.value} "
            f"(from {current.value}: {allowed})"
        )
        self.current = current
        self.target = target


def transition(indicator: Indicator, target: IndicatorStatus, at: datetime) -> Indicator:
    """``indicator`` moved to ``target`` at ``at``.

    Raises:
        IllegalTransition: the move is not in :data:`TRANSITIONS`.
    """
    if target not in TRANSITIONS[indicator.status]:
        raise IllegalTransition(indicator.status, target)
    return replace(indicator, status=target, status_at=at)


def noisy_or(confidences: list[float]) -> float:
    """``1 - Π(1 - c)`` over ``confidences``, in a fixed order, rounded to 6 places."""
    remaining = 1.0
    for c in sorted(confidences):
        remaining *= 1.0 - c
    return round(1.0 - remaining, 6)


def _assertion(known: Assertion | None, claim: Claim) -> Assertion:
    if known is None:
        return Assertion(claim.source, claim.at, claim.confidence, claim.status)
    status = max(known.status, claim.status, key=_STRENGTH.__getitem__)
    return Assertion(
        known.source, min(known.at, claim.at), max(known.confidence, claim.confidence), status
    )


def absorb(indicator: Indicator | None, claim: Claim) -> Indicator:
    """``indicator`` (``None``: not known yet) with ``claim`` folded in."""
    if indicator is None:
        return Indicator(
            kind=claim.kind,
            value=claim.value,
            status=claim.status,
            confidence=noisy_or([claim.confidence]),
            sources=(_assertion(None, claim),),
            first_seen=claim.at,
            last_seen=claim.at,
            evidence=tuple(dict.fromkeys(claim.evidence)),
            status_at=claim.at,
        )
    by_source = {a.source: a for a in indicator.sources}
    by_source[claim.source] = _assertion(by_source.get(claim.source), claim)
    status, status_at = indicator.status, indicator.status_at
    if status is S.CLEARED and claim.at > status_at:
        status, status_at = S.SUSPECTED, claim.at
    if status is S.SUSPECTED and claim.status is S.CONFIRMED:
        status, status_at = S.CONFIRMED, max(status_at, claim.at)
    return replace(
        indicator,
        status=status,
        status_at=status_at,
        confidence=noisy_or([a.confidence for a in by_source.values()]),
        sources=tuple(by_source.values()),
        first_seen=min(indicator.first_seen, claim.at),
        last_seen=max(indicator.last_seen, claim.at),
        evidence=tuple(dict.fromkeys(indicator.evidence + claim.evidence)),
    )
