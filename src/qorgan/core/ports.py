"""Ports: the narrow interfaces through which domains reach shared state.

Domains never import the registry or a store; they are handed an object that satisfies a
port. ``InMemoryIndicators`` is the test double shipped with the library (and the default
for single-process runs); the registry package implements the same port at scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class IndicatorKind(StrEnum):
    """What an indicator identifies."""

    MSISDN = "msisdn"
    IMSI = "imsi"
    IMEI = "imei"
    IBAN = "iban"
    CARD = "card"
    WALLET = "wallet"
    DOMAIN = "domain"
    URL = "url"
    DEVICE = "device"


class IndicatorStatus(StrEnum):
    """An indicator's lifecycle: suspected -> confirmed -> blocked -> cleared."""

    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"
    BLOCKED = "blocked"
    CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    """What the registry knows about one value."""

    kind: IndicatorKind
    value: str
    status: IndicatorStatus
    confidence: float
    sources: tuple[str, ...]
    since: datetime | None = None


class IndicatorLookup(Protocol):
    """Read side of the registry: O(1) lookups by normalised value."""

    def lookup(self, kind: IndicatorKind, value: str) -> IndicatorHit | None:
        """The registry's entry for ``value``, or ``None`` when it knows nothing."""
        ...


class IndicatorSink(Protocol):
    """Write side of the registry: detectors assert what they found."""

    def assert_indicator(self, hit: IndicatorHit) -> None:
        """Record (or strengthen) an indicator; sources accumulate."""
        ...


class InMemoryIndicators:
    """A dict-backed registry port for tests and single-process runs."""

    def __init__(self, hits: tuple[IndicatorHit, ...] = ()) -> None:
        self._hits: dict[tuple[IndicatorKind, str], IndicatorHit] = {}
        for hit in hits:
            self.assert_indicator(hit)

    def lookup(self, kind: IndicatorKind, value: str) -> IndicatorHit | None:
        return self._hits.get((kind, value))

    def assert_indicator(self, hit: IndicatorHit) -> None:
        known = self._hits.get((hit.kind, hit.value))
        if known is not None:
            sources = tuple(dict.fromkeys(known.sources + hit.sources))
            hit = IndicatorHit(
                hit.kind, hit.value, hit.status, max(hit.confidence, known.confidence), sources,
                known.since or hit.since,
            )  # fmt: skip
        self._hits[(hit.kind, hit.value)] = hit

    def __len__(self) -> int:
        return len(self._hits)
