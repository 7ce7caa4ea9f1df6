"""Alerts: the detectors' decisions, queued for the agencies that act on them.

Each non-allow decision of call screening, the SMS filter, payment scoring, the SIM-box
finder and the dropper finder is one alert in a :class:`Queue`. :class:`AlertService` loads
them idempotently, pages them newest first (keyset on ``id``, served by an index), counts
them, and records an agency's action on one: the alert's status, the registry's indicator
(:mod:`qorgan.store.sql.alert_registry`) and one audit entry change in one transaction.

Who sees which queue (:func:`visible_queues`): an operator its calls, SMS and SIM boxes; a
bank the payments and droppers *of its own bank*; police, prosecutors, analysts and admins
everything. Who may act: the same readers, except prosecutors, who never do. An alert a
reader may not see is not found. Reads are not audited (alerts are detectors' output, not
case files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qorgan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.alert_records import (
    Alert,
    AlertAction,
    AlertPage,
    AlertStatus,
    NewAlert,
    Queue,
    visible_queues,
)
from qorgan.store.sql.alert_registry import write_registry
from qorgan.store.sql.alert_tables import CHUNK, AlertRow, alert_of, chunks, row_values
from qorgan.store.sql.audit import append_audit
from qorgan.store.sql.db import Database
from qorgan.store.sql.kpis import Kpis, KpiScope, compute_kpis
from qorgan.store.sql.registry import SqlRegistry

__all__ = [
    "Alert",
    "AlertAction",
    "AlertPage",
    "AlertService",
    "AlertStatus",
    "Kpis",
    "NewAlert",
    "Queue",
    "visible_queues",
]

MAX_PAGE = 200
_Ts = TypeVarTuple("_Ts")
_OUTCOME = {
    AlertAction.CONFIRM: AlertStatus.CONFIRMED,
    AlertAction.CLEAR: AlertStatus.CLEARED,
    AlertAction.BLOCK: AlertStatus.BLOCKED,
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class AlertService:
    """Alerts on the relational store.

    Args:
        database: a migrated database.
        registry: the registry whose lookup map is refreshed after an action; one on the
            same database by default.
        clock: the time of an action.
    """

    def __init__(
        self,
        database: Database,
        registry: SqlRegistry | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.registry = registry or SqlRegistry(database)
        self.clock = clock

    def add_many(self, alerts: Iterable[NewAlert]) -> int:
        """Store ``alerts`` in chunks; an alert whose ``(queue, source_id)`` is known is skipped.

        Returns:
            How many were inserted.

        Raises:
            InvalidInput: a naive time, or evidence that is not plain JSON (nothing of that
                chunk is written).
        """
        inserted = 0
        for chunk in chunks(alerts, CHUNK):
            firsts: dict[tuple[str, str], NewAlert] = {}
            for alert in chunk:
                firsts.setdefault((alert.queue, alert.source_id), alert)
            values = [row_values(a) for a in firsts.values()]
            with self.database.session() as session:
                inserted += len(session.execute(self._insert(), values).all())
        return inserted

    def _insert(self) -> Any:
        table = AlertRow.__table__
        dialect = postgresql if self.database.dialect == "postgresql" else sqlite
        statement = dialect.insert(table).on_conflict_do_nothing(
            index_elements=["queue", "source_id"]
        )
        return statement.returning(table.c.id)

    def page(
        self,
        reader: Principal,
        queue: Queue,
        status: AlertStatus | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> AlertPage:
        """A page of ``queue``, newest first, alerts older than ``before`` (an id).

        Raises:
            PermissionDenied: ``reader`` may not see ``queue``.
            InvalidInput: ``limit`` outside 1 to 200.
        """
        queue = _visible(reader, queue)
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit from 1 to {MAX_PAGE}")
        query = _filtered(select(AlertRow), reader, queue, status)
        counting = _filtered(select(func.count(AlertRow.id)), reader, queue, status)
        if before is not None:
            query = query.where(AlertRow.id < before)
        query = query.order_by(AlertRow.id.desc()).limit(limit + 1)
        with self.database.session() as session:
            rows = session.scalars(query).all()
            total = session.scalar(counting) or 0
        items = tuple(alert_of(r) for r in rows[:limit])
        more = len(rows) > limit
        return AlertPage(items, total, items[-1].id if more else None)

    def counts(self, reader: Principal) -> dict[Queue, dict[AlertStatus, int]]:
        """Alerts per status in each queue ``reader`` may see (every status, zeros included)."""
        found = {q: dict.fromkeys(AlertStatus, 0) for q in visible_queues(reader)}
        query = select(AlertRow.queue, AlertRow.status, func.count(AlertRow.id)).where(
            AlertRow.queue.in_([q.value for q in found])
        )
        if reader.role is Role.BANK:
            query = query.where(AlertRow.bank == _bank(reader))
        with self.database.session() as session:
            for queue, status, count in session.execute(
                query.group_by(AlertRow.queue, AlertRow.status)
            ):
                found[Queue(queue)][AlertStatus(status)] = int(count)
        return found

    def get(self, reader: Principal, alert_id: int) -> Alert:
        """One alert.

        Raises:
            NotFound: no such alert, or one ``reader`` may not see.
        """
        with self.database.session() as session:
            return alert_of(_readable(session, reader, alert_id))

    def act(self, actor: Principal, alert_id: int, action: AlertAction, note: str = "") -> Alert:
        """Decide an open alert: its status, the registry and the audit log in one transaction.

        Raises:
            NotFound: no such alert, or one ``actor`` may not see.
            PermissionDenied: a prosecutor, or any role that may not act on the alert.
            Conflict: the alert is decided already.
            InvalidInput: an unknown action.
        """
        try:
            action = AlertAction(action)
        except ValueError:
            raise InvalidInput(f"unknown action {action!r}: confirm, clear or block") from None
        if actor.role is Role.PROSECUTOR:
            raise PermissionDenied("a prosecutor may not act on alerts")
        now = self.clock()
        with self.database.session() as session:
            row = _readable(session, actor, alert_id, lock=True)
            if row.status != AlertStatus.OPEN.value:
                raise Conflict(f"alert {alert_id} is {row.status} already")
            registry = write_registry(session, actor, row, action, now)
            row.status = _OUTCOME[action].value
            row.decided_at, row.decided_by, row.note = now, actor.agency, note.strip()
            append_audit(
                session, actor=actor, action=f"alert.{action.value}", subject_kind="alert",
                subject_id=str(alert_id), at=now,
                detail={"queue": row.queue, "subject_kind": row.subject_kind,
                        "subject": row.subject, "registry": registry, "note": row.note},
            )  # fmt: skip
            alert = alert_of(row)
        self.registry.refresh()
        return alert

    def kpis(self, reader: Principal) -> Kpis:
        """The figures ``reader`` may see (a bank's are its own bank's)."""
        queues = tuple(q.value for q in visible_queues(reader))
        if reader.role is Role.BANK:
            codes = {c.upper() for c in (reader.bank or "", *reader.bank_codes) if c}
            scope = KpiScope(queues, _bank(reader), frozenset(codes), True)
        else:
            scope = KpiScope(queues, None, frozenset(), reader.role is not Role.OPERATOR)
        with self.database.session() as session:
            return compute_kpis(session, scope)


def _bank(reader: Principal) -> str:
    return (reader.bank or "").strip().upper()


def _visible(reader: Principal, queue: Queue | str) -> Queue:
    try:
        queue = Queue(queue)
    except ValueError:
        raise InvalidInput(f"unknown queue {queue!r}") from None
    if queue not in visible_queues(reader):
        raise PermissionDenied(f"a {reader.role.value} may not see the {queue.value} queue")
    return queue


def _filtered(
    query: Select[*_Ts], reader: Principal, queue: Queue, status: AlertStatus | None
) -> Select[*_Ts]:
    query = query.where(AlertRow.queue == queue.value)
    if status is not None:
        query = query.where(AlertRow.status == AlertStatus(status).value)
    if reader.role is Role.BANK:
        query = query.where(AlertRow.bank == _bank(reader))
    return query


def _readable(session: Session, reader: Principal, alert_id: int, lock: bool = False) -> AlertRow:
    query = select(AlertRow).where(AlertRow.id == alert_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None or Queue(row.queue) not in visible_queues(reader):
        raise NotFound(f"no alert {alert_id}")
    if reader.role is Role.BANK and row.bank != _bank(reader):
        raise NotFound(f"no alert {alert_id}")
    return row
