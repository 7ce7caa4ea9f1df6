"""Call screening at set-up: spoofed, unallocated and withheld CLIs, registry hits, mass
dialling and wangiri, and STIR/SHAKEN.

Each rule is a small pure function of the call (and, for mass dialling, the caller's keyed
state) returning ``Signal``s with evidence; ``CallScreener`` combines them into a
``Decision``. Time comes from the call, never the wall clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from qorgan.core.decisions import Action, Decision, Signal, combine, decide
from qorgan.core.ports import IndicatorKind, IndicatorLookup, IndicatorStatus, InMemoryIndicators
from qorgan.core.records import CallRecord, Ingress
from qorgan.telecom.numbering import NumberClass, classify, is_kazakh
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.stir import PassportCheck

EXTERNAL = (Ingress.INTERNATIONAL, Ingress.VOIP)
PRUNE_EVERY = 100_000  # calls between sweeps of silent callers' windows
UNVERIFIABLE = frozenset({"unknown certificate", "unsupported form"})
HARD = frozenset({"CLI_SPOOF_INTL", "CLI_SPOOF_VOIP", "CLI_BLOCKED", "STIR_INVALID"})


@dataclass(frozen=True, slots=True)
class ScreeningConfig:
    """Thresholds of call screening, with their documented defaults.

    Attributes:
        mass_window_s: the sliding window for mass dialling and wangiri, seconds.
        mass_distinct_callees: distinct callees within the window that make mass dialling.
        wangiri_rings: unanswered zero-length calls within the window that make wangiri.
        block_score: a combined score at or above this blocks the call.
        flag_score: a combined score at or above this flags it.
        attestation_trust: factor applied to the score for a verified PASSporT, by level.
    """

    mass_window_s: int = 600
    mass_distinct_callees: int = 25
    wangiri_rings: int = 20
    block_score: float = 0.85
    flag_score: float = 0.45
    attestation_trust: tuple[tuple[str, float], ...] = (("A", 0.5), ("B", 0.8), ("C", 1.0))


@dataclass(frozen=True, slots=True)
class CallVerdict:
    """A decision plus what the SIP front needs: the STIR/SHAKEN verification status."""

    decision: Decision
    verstat: str | None = None  # TN-Validation-Passed / -Failed / No-TN-Validation


def spoofed_cli(call: CallRecord, roaming: RoamingIndex, acquainted: bool = False) -> list[Signal]:
    """A Kazakh CLI arriving from abroad is spoofed unless its owner is roaming; on VoIP
    ingress it is spoofed whether or not the owner is roaming.

    ``acquainted``: caller and callee have talked before over trusted (domestic) routes. A
    fraudster presenting a stranger's number almost never picks the victim's own contact,
    while a roamer whose stay the roaming feed has not caught up with calls exactly them:
    such a call is flagged rather than blocked.
    """
    if call.ingress not in EXTERNAL or call.caller is None:
        return []
    number = classify(call.caller)
    if not is_kazakh(number):
        return []
    # Roaming excuses international ingress only: a roamer's calls come home over the
    # roaming interconnect, never through a VoIP carrier's trunk.
    abroad = roaming.abroad(call.caller, call.ts)
    if abroad and call.ingress is Ingress.INTERNATIONAL:
        return []
    evidence = (
        ("caller", call.caller),
        ("ingress", call.ingress.value),
        ("roaming", "yes" if abroad else "no"),
    )
    if acquainted:
        return [Signal("CLI_SPOOF_INTL", 0.6, (*evidence, ("acquainted", "yes")))]
    if call.ingress is Ingress.INTERNATIONAL:
        return [Signal("CLI_SPOOF_INTL", 0.97, evidence)]
    if number is NumberClass.KZ_MOBILE:
        return [Signal("CLI_SPOOF_VOIP", 0.95, evidence)]
    return [Signal("CLI_SPOOF_VOIP", 0.5, evidence)]  # fixed lines do move to VoIP


def invalid_cli(call: CallRecord) -> list[Signal]:
    """Unallocated numbers anywhere; withheld numbers on international or VoIP ingress."""
    number = classify(call.caller)
    if number is NumberClass.UNALLOCATED:
        return [Signal("CLI_UNALLOCATED", 0.9, (("caller", call.caller or ""),))]
    if number is NumberClass.WITHHELD and call.ingress in EXTERNAL:
        return [Signal("CLI_WITHHELD_INTL", 0.5, (("ingress", call.ingress.value),))]
    return []


def registry_hits(call: CallRecord, indicators: IndicatorLookup) -> list[Signal]:
    """The caller's number, SIM or handset known to the shared registry."""
    signals: list[Signal] = []
    if call.caller:
        hit = indicators.lookup(IndicatorKind.MSISDN, call.caller)
        if hit is not None and hit.status is not IndicatorStatus.CLEARED:
            hard = hit.status in (IndicatorStatus.BLOCKED, IndicatorStatus.CONFIRMED)
            code = "CLI_BLOCKED" if hard else "CLI_SUSPECTED"
            evidence = (
                ("caller", call.caller),
                ("status", hit.status.value),
                ("sources", ",".join(hit.sources)),
            )
            signals.append(Signal(code, 0.97 if hard else min(0.8, hit.confidence), evidence))
    for kind, value in ((IndicatorKind.IMSI, call.imsi), (IndicatorKind.IMEI, call.imei)):
        if value:
            hit = indicators.lookup(kind, value)
            if hit is not None and hit.status is not IndicatorStatus.CLEARED:
                evidence = (
                    (kind.value, value),
                    ("status", hit.status.value),
                    ("sources", ",".join(hit.sources)),
                )
                signals.append(Signal("SIM_FLAGGED", max(0.6, min(0.95, hit.confidence)), evidence))
    return signals


@dataclass
class CallerWindow:
    """Keyed state of one caller: attempts inside the sliding window, with running counts."""

    attempts: deque[tuple[float, str, bool]] = field(default_factory=deque)  # ts, callee, rang
    callees: dict[str, int] = field(default_factory=dict)  # callee -> attempts in the window
    rings: int = 0  # unanswered zero-length attempts in the window

    def to_json(self) -> list[list[object]]:
        """Plain data for a state store (the counts are derived on load)."""
        return [[t, c, r] for t, c, r in self.attempts]

    @classmethod
    def from_json(cls, rows: list[list[object]]) -> CallerWindow:
        window = cls()
        for t, callee, rang in rows:
            window.push(float(t), str(callee), bool(rang))  # type: ignore[arg-type]
        return window

    def push(self, t: float, callee: str, rang: bool) -> None:
        self.attempts.append((t, callee, rang))
        self.callees[callee] = self.callees.get(callee, 0) + 1
        self.rings += rang

    def expire(self, before: float) -> None:
        attempts, callees = self.attempts, self.callees
        while attempts and attempts[0][0] < before:
            _, callee, rang = attempts.popleft()
            left = callees[callee] - 1
            if left:
                callees[callee] = left
            else:
                del callees[callee]
            self.rings -= rang


class MassDialling:
    """One caller reaching many distinct callees, or ringing many times briefly, in a window."""

    name = "telecom.mass_dialling"

    def __init__(self, config: ScreeningConfig) -> None:
        self.config = config

    def key(self, call: CallRecord) -> str:
        return call.imsi or call.caller or ""

    def init(self) -> CallerWindow:
        return CallerWindow()

    def step(self, state: CallerWindow, call: CallRecord) -> tuple[CallerWindow, list[Signal]]:
        t = call.ts.timestamp()
        state.push(t, call.callee, not call.answered and call.duration_s == 0)
        state.expire(t - self.config.mass_window_s)
        distinct, limit = len(state.callees), self.config.mass_distinct_callees
        if distinct < limit and state.rings < self.config.wangiri_rings:
            return state, []
        window = ("window_s", str(self.config.mass_window_s))
        signals = []
        if distinct >= limit:
            strength = round(min(0.9, 0.5 + 0.4 * (distinct - limit) / limit), 3)
            signals.append(
                Signal("MASS_DIALLING", strength, (("distinct_callees", str(distinct)), window))
            )
        if state.rings >= self.config.wangiri_rings:
            signals.append(Signal("WANGIRI", 0.7, (("short_rings", str(state.rings)), window)))
        return state, signals


class Acquaintances:
    """Who has talked to whom over trusted routes (answered radio or domestic calls).

    Pairs are kept as 64-bit hashes, unordered, so memory is a few dozen bytes a pair.
    """

    def __init__(self) -> None:
        self._pairs: set[int] = set()

    @staticmethod
    def _key(a: str, b: str) -> int:
        return hash((a, b) if a < b else (b, a))

    def learn(self, call: CallRecord) -> None:
        if call.answered and call.caller and call.ingress not in EXTERNAL:
            self._pairs.add(self._key(call.caller, call.callee))

    def known(self, a: str | None, b: str) -> bool:
        return a is not None and self._key(a, b) in self._pairs


class CallScreener:
    """Decides each call at set-up. Not thread-safe: one screener per worker (keyed state).

    Args:
        config: thresholds.
        roaming: who is abroad (an empty index when no roaming feed is given).
        indicators: the registry port (numbers, SIMs, handsets).
        passports: STIR/SHAKEN verification; ``None`` ignores Identity headers.
    """

    def __init__(
        self,
        config: ScreeningConfig | None = None,
        roaming: RoamingIndex | None = None,
        indicators: IndicatorLookup | None = None,
        passports: PassportCheck | None = None,
    ) -> None:
        self.config = config or ScreeningConfig()
        self.roaming = roaming or RoamingIndex()
        self.indicators = indicators or InMemoryIndicators()
        self.passports = passports
        self.mass = MassDialling(self.config)
        self.acquaintances = Acquaintances()
        self._state: dict[str, CallerWindow] = {}
        self._seen = 0
        self._trust = dict(self.config.attestation_trust)

    def screen(self, call: CallRecord, identity: str | None = None) -> CallVerdict:
        """The verdict on one call attempt (``identity``: the SIP Identity header, if any)."""
        acquainted = call.ingress in EXTERNAL and self.acquaintances.known(call.caller, call.callee)
        self.acquaintances.learn(call)
        signals = (
            spoofed_cli(call, self.roaming, acquainted)
            + invalid_cli(call)
            + registry_hits(call, self.indicators)
        )
        key = self.mass.key(call)
        if key:
            state, found = self.mass.step(self._state.get(key) or self.mass.init(), call)
            self._state[key] = state
            signals += found
            self._seen += 1
            if self._seen % PRUNE_EVERY == 0:
                self._prune(call.ts.timestamp() - self.config.mass_window_s)
        verstat, trust = None, 1.0
        if identity is not None and self.passports is not None:
            check = self.passports.verify(identity, orig=call.caller, dest=call.callee, at=call.ts)
            if check.valid:
                verstat = "TN-Validation-Passed"
                trust = self._trust.get(check.attestation or "C", 1.0)
                signals.append(Signal("STIR_VALID", 0.0, (("attest", check.attestation or ""),)))
            elif check.reason in UNVERIFIABLE:
                # Not evidence of fraud: a signer whose certificate is not provisioned yet.
                verstat = "No-TN-Validation"
                signals.append(Signal("STIR_INVALID", 0.3, (("why", check.reason),)))
            else:
                verstat = "TN-Validation-Failed"
                signals.append(Signal("STIR_INVALID", 0.9, (("why", check.reason),)))
        elif identity is None and self.passports is not None:
            verstat = "No-TN-Validation"
        if not signals:  # most calls: nothing to combine
            return CallVerdict(Decision(call.call_id, Action.ALLOW, 0.0), verstat)
        score = round(combine(signals) * trust, 6)
        hard = any(s.code in HARD and s.score >= 0.9 for s in signals)
        action = decide(score, hard, self.config.block_score, self.config.flag_score)
        return CallVerdict(Decision(call.call_id, action, score, tuple(signals)), verstat)

    def _prune(self, before: float) -> None:
        """Forget callers silent for a whole window, so a long-running screener stays small."""
        for key in [
            k for k, w in self._state.items() if not w.attempts or w.attempts[-1][0] < before
        ]:
            del self._state[key]

    def screen_all(self, calls: Iterable[CallRecord]) -> Iterator[Decision]:
        """Decisions for calls replayed in the order given (feeds are in time order)."""
        for call in calls:
            yield self.screen(call).decision
