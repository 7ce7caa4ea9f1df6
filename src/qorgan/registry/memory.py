"""The registry in memory: the full lifecycle behind the core ports, for tests and one process.

:class:`Registry` implements :class:`~qorgan.core.ports.IndicatorLookup` and
:class:`~qorgan.core.ports.IndicatorSink`; the relational one
(:class:`qorgan.store.sql.registry.SqlRegistry`) follows the same rules and adds storage,
roles and the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from qorgan.core.errors import NotFound
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorStatus
from qorgan.registry.indicator import Claim, Indicator, claims_of
from qorgan.registry.lifecycle import absorb, transition
from qorgan.registry.values import normalise

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The wall clock, in UTC (the default clock)."""
    return datetime.now(UTC)


def normalised(claim: Claim, card_key: bytes | None = None) -> Claim:
    """``claim`` with its value in normal form (raises ``InvalidValue`` naming the kind)."""
    value = normalise(claim.kind, claim.value, card_key)
    if value == claim.value:
        return claim
    return Claim(
        claim.kind, value, claim.source, claim.confidence, claim.at, claim.status, claim.evidence
    )


def as_claims(items: Iterable[Claim | IndicatorHit], at: datetime) -> list[Claim]:
    """Claims and port hits as claims (a hit without a time is dated ``at``)."""
    claims: list[Claim] = []
    for item in items:
        claims.extend(claims_of(item, at) if isinstance(item, IndicatorHit) else [item])
    return claims


class Registry:
    """Indicators in a dict keyed by ``(kind, value)``: O(1) lookups.

    Args:
        card_key: reduces full card numbers to tokens; without it only tokens are taken.
        clock: the time of status changes made by hand and of hits without a time.
    """

    def __init__(self, card_key: bytes | None = None, clock: Clock = utc_now) -> None:
        self._items: dict[tuple[IndicatorKind, str], Indicator] = {}
        self._card_key = card_key
        self._clock = clock

    def __len__(self) -> int:
        return len(self._items)

    def lookup(self, kind: IndicatorKind, value: str) -> IndicatorHit | None:
        """The port's read: ``value`` must be normalised already."""
        known = self._items.get((kind, value))
        return known.hit() if known is not None else None

    def assert_indicator(self, hit: IndicatorHit) -> None:
        """The port's write: one hit, one claim per source."""
        self.assert_many([hit])

    def assert_many(self, items: Iterable[Claim | IndicatorHit]) -> list[Indicator]:
        """Fold claims in; returns the indicators that changed (idempotent)."""
        changed: dict[tuple[IndicatorKind, str], Indicator] = {}
        for claim in as_claims(items, self._clock()):
            claim = normalised(claim, self._card_key)
            key = (claim.kind, claim.value)
            before = self._items.get(key)
            after = absorb(before, claim)
            if after != before:
                self._items[key] = changed[key] = after
        return list(changed.values())

    def get(self, kind: IndicatorKind, value: str) -> Indicator:
        """The indicator for ``value`` (normalised here).

        Raises:
            InvalidValue: ``value`` is not a valid ``kind``.
            NotFound: the registry does not know it.
        """
        value = normalise(kind, value, self._card_key)
        known = self._items.get((kind, value))
        if known is None:
            raise NotFound(f"no {kind.value} indicator {value}")
        return known

    def set_status(self, kind: IndicatorKind, value: str, status: IndicatorStatus) -> Indicator:
        """Move an indicator by hand (see :data:`~qorgan.registry.lifecycle.TRANSITIONS`).

        Raises:
            NotFound: unknown value.
            IllegalTransition: the move is not allowed.
        """
        moved = transition(self.get(kind, value), status, self._clock())
        self._items[(moved.kind, moved.value)] = moved
        return moved
