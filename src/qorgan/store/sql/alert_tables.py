"""The ``alerts`` table: one row per detector decision an analyst may act on.

``(queue, source_id)`` is unique, so loading the same findings twice stores them once.
The page query ``WHERE queue=? [AND status=?] [AND bank=?] AND id < ? ORDER BY id DESC``
is served by ``ix_alerts_queue_id``, ``ix_alerts_queue_status_id`` or
``ix_alerts_queue_bank_id`` without a scan or a sort.
Reason codes and evidence are JSON text; amounts are integer tiyn. Migration ``0004``
creates exactly this table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from qorgan.cases.calendar import local_date
from qorgan.core.errors import InvalidInput
from qorgan.core.ports import IndicatorKind
from qorgan.store.sql.alert_records import Alert, AlertStatus, NewAlert, Queue
from qorgan.store.sql.base import Base
from qorgan.store.sql.db import UtcDateTime

QUEUE_INDEX = "ix_alerts_queue_id"
QUEUE_STATUS_INDEX = "ix_alerts_queue_status_id"
QUEUE_BANK_INDEX = "ix_alerts_queue_bank_id"
SUBJECT_INDEX = "ix_alerts_subject"


class AlertRow(Base):
    """One alert; see :class:`qorgan.store.sql.alerts.Alert` for the meaning of each column."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("queue", "source_id", name="uq_alerts_queue_source_id"),
        Index(QUEUE_INDEX, "queue", "id"),
        Index(QUEUE_STATUS_INDEX, "queue", "status", "id"),
        Index(QUEUE_BANK_INDEX, "queue", "bank", "id"),
        Index(SUBJECT_INDEX, "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    day: Mapped[date] = mapped_column(Date)  # ``at``'s date in Almaty: the KPIs group by it
    score: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of reason codes
    evidence: Mapped[str] = mapped_column(Text)  # JSON object
    region: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    bank: Mapped[str | None] = mapped_column(String(50))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text)


CHUNK = 1000
"""Alerts per insert statement (and per transaction)."""


def chunks(alerts: Iterable[NewAlert], size: int) -> Iterator[list[NewAlert]]:
    """``alerts`` in lists of ``size`` (the last may be shorter), read lazily."""
    chunk: list[NewAlert] = []
    for alert in alerts:
        chunk.append(alert)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _plain(value: object) -> object:
    """numpy scalars and other odd values as plain JSON (``item()``, else text)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def row_values(alert: NewAlert) -> dict[str, object]:
    """The columns of a new, open alert (bank in upper case, evidence as sorted JSON).

    Raises:
        InvalidInput: a naive time.
    """
    if alert.at.tzinfo is None:
        raise InvalidInput(f"alert {alert.source_id}: naive time {alert.at.isoformat()}")
    return {
        "queue": Queue(alert.queue).value,
        "source_id": alert.source_id,
        "subject_kind": IndicatorKind(alert.subject_kind).value,
        "subject": alert.subject,
        "at": alert.at,
        "day": local_date(alert.at),
        "score": float(alert.score),
        "decision": alert.decision,
        "reasons": json.dumps(list(alert.reasons)),
        "evidence": json.dumps(dict(alert.evidence), sort_keys=True, default=_plain),
        "region": alert.region,
        "channel": alert.channel,
        "bank": alert.bank.strip().upper() if alert.bank else None,
        "amount": alert.amount,
        "status": AlertStatus.OPEN.value,
        "decided_at": None,
        "decided_by": None,
        "note": "",
    }


def alert_of(row: AlertRow) -> Alert:
    """The row as the value callers get."""
    return Alert(
        queue=Queue(row.queue),
        source_id=row.source_id,
        subject_kind=IndicatorKind(row.subject_kind),
        subject=row.subject,
        at=row.at,
        score=row.score,
        decision=row.decision,
        reasons=tuple(json.loads(row.reasons)),
        evidence=json.loads(row.evidence),
        region=row.region,
        channel=row.channel,
        bank=row.bank,
        amount=row.amount,
        id=row.id,
        status=AlertStatus(row.status),
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        note=row.note,
    )
