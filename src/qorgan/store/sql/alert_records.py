"""What the alerts store holds and hands out: queues, statuses, actions, alerts and pages.

Re-exported by :mod:`qorgan.store.sql.alerts`, which is where callers import them from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from qorgan.core.ports import IndicatorKind
from qorgan.core.roles import Principal, Role


class Queue(StrEnum):
    """The console's alert queues, one per detector family."""

    CALLS = "calls"
    SMS = "sms"
    PAYMENTS = "payments"
    SIMBOXES = "simboxes"
    DROPPERS = "droppers"


class AlertStatus(StrEnum):
    """Where an alert stands: open until an agency decides it."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    CLEARED = "cleared"
    BLOCKED = "blocked"


class AlertAction(StrEnum):
    """What an agency may do with an open alert."""

    CONFIRM = "confirm"
    CLEAR = "clear"
    BLOCK = "block"


_OPERATOR_QUEUES = (Queue.CALLS, Queue.SMS, Queue.SIMBOXES)
_BANK_QUEUES = (Queue.PAYMENTS, Queue.DROPPERS)


@dataclass(frozen=True, slots=True)
class NewAlert:
    """A detector's decision to queue.

    Attributes:
        queue: the queue it goes to.
        source_id: what the detector judged (``call_id``, ``sms_id``, ``transfer_id``,
            ``imsi``, account); unique within the queue.
        subject_kind: the registry kind an action on it writes.
        subject: the normalised value (card tokens only, never a full card number).
        at: when the detector decided (aware).
        score: the detector's score, in [0, 1].
        decision: the detector's own action: block, flag, hold, review, suspect.
        reasons: reason codes, strongest first.
        evidence: plain JSON: what the reasons rest on.
        region: the oblast or city where it happened (calls, SMS, SIM boxes).
        channel: ``voice``, ``sms``, or the transfer's channel (``app``, ``web`` ...).
        bank: the bank concerned (payments and droppers); a bank sees only its own.
        amount: tiyn: the payment's amount, or a dropper account's inflow.
    """

    queue: Queue
    source_id: str
    subject_kind: IndicatorKind
    subject: str
    at: datetime
    score: float
    decision: str
    reasons: tuple[str, ...]
    evidence: Mapping[str, object]
    region: str | None = None
    channel: str | None = None
    bank: str | None = None
    amount: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert(NewAlert):
    """A stored alert.

    Attributes:
        id: its id; larger is newer.
        status: open, or what an agency decided.
        decided_at: when it was decided.
        decided_by: the agency that decided it.
        note: the decider's note.
    """

    id: int
    status: AlertStatus = AlertStatus.OPEN
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str = field(default="")


@dataclass(frozen=True, slots=True)
class AlertPage:
    """One page of a queue, newest first.

    Attributes:
        items: the alerts on this page.
        total: how many alerts match (this reader, queue and status) in all.
        next_before: pass as ``before`` for the next (older) page; ``None`` on the last.
    """

    items: tuple[Alert, ...]
    total: int
    next_before: int | None


def visible_queues(principal: Principal) -> tuple[Queue, ...]:
    """The queues ``principal`` may see: operators their three, banks their two, others all."""
    if principal.role is Role.OPERATOR:
        return _OPERATOR_QUEUES
    if principal.role is Role.BANK:
        return _BANK_QUEUES
    return tuple(Queue)
