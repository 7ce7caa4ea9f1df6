"""Ports: the narrow interfaces through which domains reach shared state.

Domains never import the registry or a store; they are handed an object that satisfies a
port. ``InMemoryIndicators`` is the test double shipped with the library (and the default
for single-process runs); the registry package implements the same port at scale.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
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


@dataclass(frozen=True, slots=True)
class CallContext:
    """One call as payment scoring sees it: the facts of the call and call screening's verdict.

    Call screening (or whatever screens calls at an operator) writes these for every call to a
    subscriber; a bank's payment scoring reads the ones to its customer's phone. Times are
    seconds since the epoch (UTC), so a lookup on the payment path costs no date arithmetic.

    Attributes:
        call_id: the call's id in the calls feed (or the SIP Call-ID).
        ts: when the call was set up.
        caller: the presented number, ``None`` when withheld.
        callee: the subscriber called (E.164).
        ingress: how the call entered the network (``radio``, ``domestic``, ``international``,
            ``voip``).
        answered: whether it was answered.
        duration_s: how long it lasted (0 while still ringing or unknown).
        action: call screening's action (``allow``, ``flag``, ``block``).
        reasons: call screening's reason codes, strongest first.
        first_time: the caller had never called this subscriber before.
    """

    call_id: str
    ts: float
    caller: str | None
    callee: str
    ingress: str
    answered: bool
    duration_s: int
    action: str
    reasons: tuple[str, ...]
    first_time: bool


class CallContextLookup(Protocol):
    """Read side of the telecom context: recent calls to one subscriber."""

    def recent(self, phone: str, since: float, until: float) -> list[CallContext]:
        """Calls to ``phone`` set up in ``[since, until]``, oldest first."""
        ...


class CallContextSink(Protocol):
    """Write side of the telecom context."""

    def record(self, call: CallContext) -> None:
        """Keep ``call`` for the subscriber it reached."""
        ...

    def seen(self, caller: str | None, callee: str) -> bool:
        """Whether ``caller`` has called ``callee`` before (withheld callers never have)."""
        ...

    def finish(self, callee: str, call_id: str, answered: bool, duration_s: int) -> bool:
        """Record how a call kept since its set-up ended; ``False`` when it is not kept."""
        ...


class InMemoryCallContext:
    """Recent calls per subscriber, in memory: the default for single-process runs and tests.

    Keeps each subscriber's calls of the last ``retention_s`` seconds (measured from the
    newest call recorded for them) and, to tell first-time callers, a 64-bit hash of every
    caller-callee pair seen — a few dozen bytes a pair.
    """

    def __init__(self, retention_s: float = 6 * 3600) -> None:
        self.retention_s = retention_s
        self._calls: dict[str, deque[CallContext]] = {}
        self._pairs: set[int] = set()

    def seen(self, caller: str | None, callee: str) -> bool:
        return caller is not None and hash((caller, callee)) in self._pairs

    def record(self, call: CallContext) -> None:
        if call.caller is not None:
            self._pairs.add(hash((call.caller, call.callee)))
        calls = self._calls.get(call.callee)
        if calls is None:
            self._calls[call.callee] = deque((call,))
            return
        calls.append(call)
        keep = call.ts - self.retention_s
        while calls[0].ts < keep:
            calls.popleft()

    def finish(self, callee: str, call_id: str, answered: bool, duration_s: int) -> bool:
        calls = self._calls.get(callee)
        if calls is None:
            return False
        for i in range(len(calls) - 1, -1, -1):
            if calls[i].call_id == call_id:
                calls[i] = replace(calls[i], answered=answered, duration_s=duration_s)
                return True
        return False

    def recent(self, phone: str, since: float, until: float) -> list[CallContext]:
        calls = self._calls.get(phone)
        if not calls:
            return []
        return [c for c in calls if since <= c.ts <= until]
