"""The tables of cases (reports, traces, freeze orders and their items, returns, timeline,
notes) and the mapping between their rows and the domain objects of :mod:`qorgan.cases`.

Amounts are integer tiyn (``BIGINT``); times are aware UTC (:class:`UtcDateTime`); lists and
the trace itself are JSON text. Migration ``0003`` creates exactly these tables.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from qorgan.cases.case import Case, CaseEvent, CaseStatus, EventKind, Note
from qorgan.cases.freeze import FreezeItem, FreezeOrder, OrderEvent, OrderState, ReleaseReason
from qorgan.cases.returns import Return
from qorgan.core.errors import NotFound
from qorgan.core.records import FraudType, ReportRecord
from qorgan.store.sql.base import Base
from qorgan.store.sql.db import UtcDateTime


class CaseRow(Base):
    """A case.

    Attributes:
        filed_by: the agency that filed the first report.
        filed_bank: the bank that filed it, when a bank did (it may then read the case).
    """

    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_bank: Mapped[str | None] = mapped_column(String(50))


class ReportRow(Base):
    """A victim's report; ``report_id`` is the primary key, so intake is idempotent."""

    __tablename__ = "reports"

    report_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime)
    victim_account: Mapped[str] = mapped_column(String(34), index=True)
    victim_phone: Mapped[str | None] = mapped_column(String(20))
    fraud_type: Mapped[str] = mapped_column(String(32))
    transfer_ids: Mapped[str] = mapped_column(Text)  # JSON list
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    filed_by: Mapped[str] = mapped_column(String(100))


class TraceRow(Base):
    """A recorded trace: its figures in columns, the whole trace as JSON."""

    __tablename__ = "traces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    report_id: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(16))
    loss: Mapped[int] = mapped_column(BigInteger)
    held: Mapped[int] = mapped_column(BigInteger)
    cashed_out: Mapped[int] = mapped_column(BigInteger)
    unresolved: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))


class FreezeOrderRow(Base):
    """A freeze order; ``history`` is its steps as JSON."""

    __tablename__ = "freeze_orders"

    order_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    bank: Mapped[str] = mapped_column(String(50), index=True)
    legal_basis: Mapped[str] = mapped_column(String(300))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    release_reason: Mapped[str | None] = mapped_column(String(20))
    history: Mapped[str] = mapped_column(Text)


class FreezeItemRow(Base):
    """One account of an order."""

    __tablename__ = "freeze_items"

    order_id: Mapped[str] = mapped_column(ForeignKey("freeze_orders.order_id"), primary_key=True)
    account: Mapped[str] = mapped_column(String(34), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    amount_ordered: Mapped[int] = mapped_column(BigInteger)
    amount_blocked: Mapped[int | None] = mapped_column(BigInteger)
    amount_returned: Mapped[int] = mapped_column(BigInteger)


class ReturnRow(Base):
    """Money returned from a blocked account to the victim."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("freeze_orders.order_id"), index=True)
    account: Mapped[str] = mapped_column(String(34))
    amount: Mapped[int] = mapped_column(BigInteger)
    to_account: Mapped[str] = mapped_column(String(34))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    sanction: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(100))


class CaseEventRow(Base):
    """One line of a case's timeline; ``bank`` names the bank an order event concerns."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    bank: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text)  # JSON object of strings


class NoteRow(Base):
    """A note on a case."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    author: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)


# Rows to domain objects and back ------------------------------------------------------------


def case_of_report(session: Session, report_id: str) -> str | None:
    """The id of the case holding ``report_id``, if it was filed."""
    return session.scalar(select(ReportRow.case_id).where(ReportRow.report_id == report_id))


def case_row(session: Session, case_id: str, lock: bool = False) -> CaseRow:
    """The case's row, locked for this transaction when ``lock`` (PostgreSQL).

    Raises:
        NotFound: no such case.
    """
    query = select(CaseRow).where(CaseRow.case_id == case_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"no case {case_id}")
    return row


def load_case(session: Session, row: CaseRow) -> Case:
    """The case of a row, with its reports and timeline."""
    reports = session.scalars(
        select(ReportRow)
        .where(ReportRow.case_id == row.case_id)
        .order_by(ReportRow.received_at, ReportRow.report_id)
    )
    events = session.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == row.case_id).order_by(CaseEventRow.id)
    )
    return Case(
        row.case_id,
        CaseStatus(row.status),
        row.opened_at,
        tuple(_report(r) for r in reports),
        tuple(CaseEvent(e.at, EventKind(e.kind), json.loads(e.detail), e.bank) for e in events),
    )


def insert_case(session: Session, case: Case, filed_by: str, filed_bank: str | None) -> None:
    """Store a new case with its reports and timeline."""
    session.add(
        CaseRow(
            case_id=case.case_id,
            status=case.status.value,
            opened_at=case.opened_at,
            filed_by=filed_by,
            filed_bank=filed_bank,
        )
    )
    session.flush()
    for report in case.reports:
        session.add(
            ReportRow(
                report_id=report.report_id,
                case_id=case.case_id,
                ts=report.ts,
                victim_account=report.victim_account,
                victim_phone=report.victim_phone,
                fraud_type=report.fraud_type.value,
                transfer_ids=json.dumps(list(report.transfer_ids)),
                received_at=case.opened_at,
                filed_by=filed_by,
            )
        )
    _add_events(session, case.case_id, case.events)


def save_case(session: Session, row: CaseRow, before: Case, after: Case) -> None:
    """Store what a pure step changed: the status and the new timeline events."""
    row.status = after.status.value
    _add_events(session, row.case_id, after.events[len(before.events) :])


def _add_events(session: Session, case_id: str, events: tuple[CaseEvent, ...]) -> None:
    for event in events:
        session.add(
            CaseEventRow(
                case_id=case_id,
                at=event.at,
                kind=event.kind.value,
                bank=event.bank,
                detail=json.dumps(dict(event.detail), sort_keys=True),
            )
        )
    session.flush()


def _report(row: ReportRow) -> ReportRecord:
    return ReportRecord(
        row.report_id,
        row.ts,
        row.victim_account,
        row.victim_phone,
        FraudType(row.fraud_type),
        tuple(json.loads(row.transfer_ids)),
    )


def insert_order(session: Session, order: FreezeOrder) -> None:
    """Store a new order and its items."""
    session.add(
        FreezeOrderRow(
            order_id=order.order_id,
            case_id=order.case_id,
            bank=order.bank,
            legal_basis=order.legal_basis,
            issued_at=order.issued_at,
            expires_at=order.expires_at,
            state=order.state.value,
            release_reason=None,
            history=_history_json(order),
        )
    )
    session.flush()
    for position, item in enumerate(order.items):
        session.add(
            FreezeItemRow(
                order_id=order.order_id,
                account=item.account,
                position=position,
                amount_ordered=item.amount_ordered,
                amount_blocked=item.amount_blocked,
                amount_returned=item.amount_returned,
            )
        )
    session.flush()


def save_order(session: Session, order: FreezeOrder) -> None:
    """Store an order's new state, expiry, history and item amounts."""
    row = session.get_one(FreezeOrderRow, order.order_id)
    row.state = order.state.value
    row.expires_at = order.expires_at
    row.release_reason = order.release_reason.value if order.release_reason else None
    row.history = _history_json(order)
    items = {
        i.account: i
        for i in session.scalars(
            select(FreezeItemRow).where(FreezeItemRow.order_id == order.order_id)
        )
    }
    for item in order.items:
        items[item.account].amount_blocked = item.amount_blocked
        items[item.account].amount_returned = item.amount_returned
    session.flush()


def load_order(session: Session, order_id: str, lock: bool = False) -> FreezeOrder:
    """One order with its items.

    Raises:
        NotFound: no such order.
    """
    query = select(FreezeOrderRow).where(FreezeOrderRow.order_id == order_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"no freeze order {order_id}")
    return _order(session, row)


def orders_of_case(session: Session, case_id: str) -> list[FreezeOrder]:
    """A case's orders, by order id."""
    found = session.scalars(
        select(FreezeOrderRow)
        .where(FreezeOrderRow.case_id == case_id)
        .order_by(FreezeOrderRow.order_id)
    )
    return [_order(session, row) for row in found]


def _order(session: Session, row: FreezeOrderRow) -> FreezeOrder:
    items = session.scalars(
        select(FreezeItemRow)
        .where(FreezeItemRow.order_id == row.order_id)
        .order_by(FreezeItemRow.position)
    )
    return FreezeOrder(
        order_id=row.order_id,
        case_id=row.case_id,
        bank=row.bank,
        items=tuple(
            FreezeItem(i.account, i.amount_ordered, i.amount_blocked, i.amount_returned)
            for i in items
        ),
        legal_basis=row.legal_basis,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        state=OrderState(row.state),
        history=tuple(
            OrderEvent(datetime.fromisoformat(at), action, OrderState(state), reason)
            for at, action, state, reason in json.loads(row.history)
        ),
        release_reason=ReleaseReason(row.release_reason) if row.release_reason else None,
    )


def _history_json(order: FreezeOrder) -> str:
    return json.dumps(
        [[e.at.isoformat(), e.action, e.state.value, e.reason] for e in order.history]
    )


def returns_of_case(session: Session, case_id: str) -> list[Return]:
    """A case's returns, oldest first."""
    found = session.scalars(
        select(ReturnRow)
        .join(FreezeOrderRow, FreezeOrderRow.order_id == ReturnRow.order_id)
        .where(FreezeOrderRow.case_id == case_id)
        .order_by(ReturnRow.id)
    )
    return [Return(r.order_id, r.account, r.amount, r.to_account, r.at, r.sanction) for r in found]


def insert_note(session: Session, case_id: str, note: Note, role: str) -> None:
    """Store a note."""
    session.add(NoteRow(case_id=case_id, at=note.at, author=note.author, role=role, text=note.text))
    session.flush()


def notes_of_case(session: Session, case_id: str) -> list[Note]:
    """A case's notes, oldest first."""
    found = session.scalars(select(NoteRow).where(NoteRow.case_id == case_id).order_by(NoteRow.id))
    return [Note(n.at, n.author, n.text) for n in found]
