"""What detectors say: ``Signal`` (one detector's finding) and ``Decision`` (the verdict).

Every decision carries its reasons: stable upper-case codes (listed once per domain, each
with a one-line meaning) with the evidence that triggered them, so an analyst can see why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """What happens to the event. Calls and SMS: allow, flag, block; payments: allow,
    review, hold."""

    ALLOW = "allow"
    FLAG = "flag"  # let through, labelled
    BLOCK = "block"
    REVIEW = "review"  # let through, queued for an analyst
    HOLD = "hold"  # stopped until the customer is re-contacted through a trusted channel


@dataclass(frozen=True, slots=True)
class Signal:
    """One detector's finding about one event.

    Attributes:
        code: a documented reason code, e.g. ``CLI_SPOOF_INTL``.
        score: how strongly it points to fraud, in [0, 1].
        evidence: what triggered it, as readable key/value pairs.
    """

    code: str
    score: float
    evidence: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"{self.code}: score {self.score} is outside [0, 1]")


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one event: action, score in [0, 1] and the signals behind it."""

    subject: str  # the event's id (call_id, sms_id, transfer_id)
    action: Action
    score: float
    signals: tuple[Signal, ...] = field(default=())

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reason codes, strongest first."""
        return tuple(s.code for s in sorted(self.signals, key=lambda s: -s.score))


def decide(score: float, hard: bool, block_at: float, flag_at: float) -> Action:
    """The action for a combined score: a hard rule or ``block_at`` blocks, ``flag_at`` flags."""
    if hard or score >= block_at:
        return Action.BLOCK
    if score >= flag_at:
        return Action.FLAG
    return Action.ALLOW


def combine(signals: Iterable[Signal]) -> float:
    """Noisy-OR of the signals' scores: independent evidence adds up, never past 1."""
    keep = 1.0
    for signal in signals:
        keep *= 1.0 - signal.score
    return round(1.0 - keep, 6)
