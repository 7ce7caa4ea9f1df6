"""The audit trail: an append-only, hash-chained log of who did what to which subject.

Each entry's ``hash`` is ``sha256(prev_hash + canonical entry)``, where the canonical entry
is the JSON of its fields with sorted keys and no floats; ``prev_hash`` is the previous
entry's hash (64 zeros for the first). Changing, removing or reordering any entry therefore
breaks the chain from there on, and :func:`verify_audit` names the first bad ``seq``.
The one-row table ``audit_head`` holds the last ``seq`` and ``hash``; an append locks it
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has a single writer) and moves it only if it
has not moved since it was read, so concurrent writers line up instead of forking the
chain. Deleting the newest entries is caught by comparing the log with the head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Index, Integer, String, Text, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from qorgan.core.errors import Conflict, InvalidInput
from qorgan.core.roles import SYSTEM, Principal
from qorgan.store.sql.base import Base
from qorgan.store.sql.db import UtcDateTime

GENESIS = "0" * 64
HEAD_ID = 1


class AuditRow(Base):
    """One audit entry."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_kind", "subject_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The chain's head: the newest entry's ``seq`` and ``hash`` (one row, ``id`` 1)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """What :func:`verify_audit` found.

    Attributes:
        ok: the chain is whole.
        entries: how many entries were checked.
        first_bad_seq: the first entry that is missing or does not match, else ``None``.
        reason: ``hash mismatch``, ``broken link`` or ``gap`` with details, else ``None``.
    """

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None


def canonical(value: object) -> str:
    """``value`` as canonical JSON: sorted keys, no spaces, no floats (refused).

    Raises:
        InvalidInput: a float (write money as tiyn or a decimal string) or a value JSON
            cannot hold.
    """
    _no_floats(value)
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"audit detail is not plain JSON: {error}") from None


def _no_floats(value: object) -> None:
    if isinstance(value, float):
        raise InvalidInput("audit detail holds a float; use integers or decimal strings")
    if isinstance(value, Mapping):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_floats(item)


def _entry_hash(row: AuditRow) -> str:
    entry = canonical(
        {
            "seq": row.seq,
            "ts": row.ts.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": row.actor,
            "role": row.role,
            "action": row.action,
            "subject_kind": row.subject_kind,
            "subject_id": row.subject_id,
            "detail": row.detail,
        }
    )
    return hashlib.sha256((row.prev_hash + entry).encode("utf-8")).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    """The head, locked for this transaction; made on first use."""
    query = select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == HEAD_ID)
    row = session.execute(query.with_for_update()).one_or_none()
    if row is None:
        session.execute(insert(AuditHeadRow).values(id=HEAD_ID, seq=0, hash=GENESIS))
        return 0, GENESIS
    return int(row.seq), str(row.hash)


def append_audit(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    subject_kind: str,
    subject_id: str,
    detail: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> int:
    """Append one entry in ``session``'s transaction (it commits with the change it records).

    Args:
        actor: who acted; ``None`` for Qorgan itself (recorded as ``system``).
        action: ``domain.verb``: ``case.create``, ``order.confirm``, ``indicator.read`` ...
        subject_kind: what was acted on (``case``, ``indicator`` ...).
        subject_id: its id.
        detail: what changed, as plain JSON (no floats).
        at: when; now by default.

    Returns:
        The entry's ``seq``.

    Raises:
        InvalidInput: ``detail`` is not plain JSON, or ``at`` is naive.
        Conflict: another writer moved the head meanwhile (SQLite only; retry).
    """
    at = at or datetime.now(UTC)
    if at.tzinfo is None:
        raise InvalidInput("audit time must be timezone-aware")
    seq, prev_hash = _head(session)
    row = AuditRow(
        seq=seq + 1,
        ts=at.astimezone(UTC),
        actor=actor.agency if actor is not None else SYSTEM,
        role=actor.role.value if actor is not None else None,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        detail=canonical(dict(detail or {})),
        prev_hash=prev_hash,
    )
    row.hash = _entry_hash(row)
    moved = session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID, AuditHeadRow.seq == seq)
        .values(seq=row.seq, hash=row.hash)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the audit log moved while appending; retry")
    session.add(row)
    session.flush()
    return row.seq


def audit_entries(session: Session, batch: int = 1000) -> Iterator[AuditRow]:
    """Every entry in ``seq`` order, read in batches."""
    last = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
            )
        )
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].seq


def list_entries(session: Session, before: int | None, limit: int) -> list[AuditRow]:
    """Up to ``limit`` entries older than ``seq`` ``before`` (all when ``None``), newest first:
    a keyset page on the primary key."""
    query = select(AuditRow)
    if before is not None:
        query = query.where(AuditRow.seq < before)
    return list(session.scalars(query.order_by(AuditRow.seq.desc()).limit(limit)))


def verify_audit(session: Session) -> AuditVerdict:
    """Walk the chain from the first entry and name the first one that does not hold."""
    expected, prev_hash, checked = 1, GENESIS, 0
    for row in audit_entries(session):
        if row.seq != expected:
            return AuditVerdict(False, checked, expected, f"gap: entry {expected} is missing")
        if row.prev_hash != prev_hash:
            reason = "broken link: prev_hash does not match the previous entry's hash"
            return AuditVerdict(False, checked, row.seq, reason)
        if _entry_hash(row) != row.hash:
            reason = "hash mismatch: the entry was changed after it was written"
            return AuditVerdict(False, checked, row.seq, reason)
        checked, expected, prev_hash = checked + 1, expected + 1, row.hash
    head = session.execute(
        select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == HEAD_ID)
    ).one_or_none()
    head_seq, head_hash = (0, GENESIS) if head is None else (int(head.seq), str(head.hash))
    if head_seq > checked:
        return AuditVerdict(False, checked, expected, f"gap: entries {expected}-{head_seq} missing")
    if head_seq != checked or head_hash != prev_hash:
        reason = "broken link: the head does not match the newest entry"
        return AuditVerdict(False, checked, checked, reason)
    return AuditVerdict(True, checked)
