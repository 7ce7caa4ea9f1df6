"""What the registry knows about one value, and what a source tells it.

A :class:`Claim` is one source's sighting (a detector's finding, an analyst's report); the
registry folds claims into one :class:`Indicator` per ``(kind, value)`` with the rules of
:mod:`qorgan.registry.lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from qorgan.core.errors import InvalidInput
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorStatus
from qorgan.core.roles import Role, sharing

CLAIMABLE = (IndicatorStatus.SUSPECTED, IndicatorStatus.CONFIRMED)
"""What a source may claim; blocking and clearing are decisions made by hand."""


@dataclass(frozen=True, slots=True)
class Assertion:
    """One source's standing on an indicator.

    Attributes:
        source: who asserted it (``dropper_finder``, ``agency:kaspi`` ...).
        at: when it first asserted it.
        confidence: the highest confidence it gave, in [0, 1].
        status: the strongest status it claimed (suspected or confirmed).
    """

    source: str
    at: datetime
    confidence: float
    status: IndicatorStatus


@dataclass(frozen=True, slots=True)
class Claim:
    """A source says that a value is (suspected or confirmed to be) fraudulent.

    Attributes:
        kind: what the value identifies.
        value: the value, normalised (see :func:`qorgan.registry.values.normalise`).
        source: who says so.
        confidence: how sure, in [0, 1].
        at: when it was seen (the event's time, not the wall clock's).
        status: suspected (a detector) or confirmed (proven by a case).
        evidence: links to why: ``case:C-1``, ``transfer:T9``,
            ``finding:dropper_finder:2026-03-02``.
    """

    kind: IndicatorKind
    value: str
    source: str
    confidence: float
    at: datetime
    status: IndicatorStatus = IndicatorStatus.SUSPECTED
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InvalidInput("a claim needs a source")
        if not 0.0 <= self.confidence <= 1.0:
            raise InvalidInput(f"confidence {self.confidence} is outside [0, 1]")
        if self.at.tzinfo is None:
            raise InvalidInput("a claim's time must be timezone-aware")
        if self.status not in CLAIMABLE:
            raise InvalidInput(
                f"a source may claim suspected or confirmed, not {self.status.value}; "
                "blocking and clearing are set by hand"
            )


@dataclass(frozen=True, slots=True)
class Indicator:
    """A value the registry knows to be (possibly) fraudulent.

    Attributes:
        kind: what the value identifies.
        value: the normalised value.
        status: where it stands in the lifecycle.
        confidence: every source's confidence combined (noisy-or), in [0, 1].
        sources: one assertion per source, in the order they first asserted.
        first_seen: the earliest sighting.
        last_seen: the latest sighting.
        evidence: links to why, in the order they arrived, each once.
        status_at: when the status last changed.
    """

    kind: IndicatorKind
    value: str
    status: IndicatorStatus
    confidence: float
    sources: tuple[Assertion, ...]
    first_seen: datetime
    last_seen: datetime
    evidence: tuple[str, ...]
    status_at: datetime

    @property
    def shared_with(self) -> frozenset[Role]:
        """The roles that see it: by kind (:func:`qorgan.core.roles.sharing`)."""
        return sharing(self.kind)

    def hit(self) -> IndicatorHit:
        """The compact form the lookup port returns."""
        return IndicatorHit(
            self.kind,
            self.value,
            self.status,
            self.confidence,
            tuple(a.source for a in self.sources),
            self.first_seen,
        )


def claims_of(hit: IndicatorHit, at: datetime) -> list[Claim]:
    """A port's hit as one claim per source (``at`` when the hit has no ``since``).

    Raises:
        InvalidInput: the hit is blocked or cleared (those are set by hand) or its time
            is naive.
    """
    when = hit.since or at
    sources = hit.sources or ("unknown",)
    status = hit.status
    return [Claim(hit.kind, hit.value, s, hit.confidence, when, status) for s in sources]
