"""Cases on the relational store: each step checked, stored and audited in one transaction.

:class:`CaseService` is what the API and the CLI call. Every method takes the acting
:class:`~qorgan.core.roles.Principal`, applies the access table of :mod:`qorgan.cases.access`
(``PermissionDenied``; ``NotFound`` where the caller must not learn that a thing exists),
runs the pure step of :mod:`qorgan.cases`, writes the rows and appends one audit entry in
the same transaction, and returns domain objects. Time is passed in (``at``) or taken from
the injected clock, never read elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qorgan.cases import access
from qorgan.cases import case as cases
from qorgan.cases import freeze as orders
from qorgan.cases.calendar import KAZAKHSTAN, BusinessCalendar
from qorgan.cases.case import Case, CaseFile, Note
from qorgan.cases.codec import trace_from_json, trace_to_json
from qorgan.cases.freeze import FreezeOrder, OrderState, ReleaseReason
from qorgan.cases.returns import Return, apply_return
from qorgan.core.errors import Conflict, InvalidInput, NotFound
from qorgan.core.records import ReportRecord
from qorgan.core.roles import SYSTEM, Principal, Role
from qorgan.store.sql import case_tables as rows
from qorgan.store.sql.audit import append_audit
from qorgan.store.sql.case_tables import CaseRow, FreezeOrderRow, ReturnRow, TraceRow
from qorgan.store.sql.db import Database
from qorgan.tracing.result import Trace

MAX_PAGE = 200


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class OrderPage:
    """One page of freeze orders.

    Attributes:
        items: the orders on this page, newest first.
        total: how many match in all.
        page: the page number, from 1.
        size: orders per page.
    """

    items: tuple[FreezeOrder, ...]
    total: int
    page: int
    size: int


class CaseService:
    """Reports, traces, freeze orders and returns, for the agencies allowed each step.

    Args:
        database: a migrated database.
        calendar: the business calendar order terms are counted in.
        clock: the time of a step when the caller passes no ``at``.
    """

    def __init__(
        self,
        database: Database,
        calendar: BusinessCalendar = KAZAKHSTAN,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.calendar = calendar
        self.clock = clock

    def open_case(
        self, principal: Principal, report: ReportRecord, at: datetime | None = None
    ) -> Case:
        """File a report: a new case, or the case that already holds this report id."""
        access.require_role(principal, access.FILE, "file a report")
        at = at or self.clock()
        with self.database.session() as session:
            known = rows.case_of_report(session, report.report_id)
            if known is not None:
                row = rows.case_row(session, known)
                if not _may_read(session, principal, row):
                    raise Conflict(f"report {report.report_id} is already filed")
                return cases.visible_to(rows.load_case(session, row), principal)
            case = cases.open_case(report, at)
            bank = principal.bank if principal.role is Role.BANK else None
            rows.insert_case(session, case, principal.agency, bank)
            detail = {"report_id": report.report_id, "fraud_type": report.fraud_type.value}
            _audit(session, principal, "case.open", case.case_id, detail, at)
            return case

    def record_trace(
        self, principal: Principal | None, case_id: str, trace: Trace, at: datetime | None = None
    ) -> Case:
        """Keep a trace of one of the case's reports; the newest one is what orders use.

        ``principal`` ``None`` is Qorgan itself (the API's tracer on intake).
        """
        if principal is not None:
            access.require_role(principal, access.TRACE, "record a trace")
        at = at or self.clock()
        with self.database.session() as session:
            row = rows.case_row(session, case_id, lock=True)
            case = rows.load_case(session, row)
            if trace.report_id not in {r.report_id for r in case.reports}:
                raise InvalidInput(f"trace of {trace.report_id} is not a report of {case_id}")
            updated = cases.record_trace(case, trace, at)
            session.add(
                TraceRow(
                    case_id=case_id,
                    report_id=trace.report_id,
                    rule=trace.rule.value,
                    loss=trace.loss,
                    held=trace.held,
                    cashed_out=trace.cashed_out,
                    unresolved=trace.unresolved,
                    body=json.dumps(trace_to_json(trace)),
                    recorded_at=at,
                    recorded_by=principal.agency if principal else SYSTEM,
                )
            )
            rows.save_case(session, row, case, updated)
            figures = {"loss": trace.loss, "held": trace.held, "rule": trace.rule.value}
            _audit(session, principal, "case.trace", case_id, figures, at)
            return updated

    def issue_orders(
        self,
        principal: Principal,
        case_id: str,
        legal_basis: str,
        at: datetime | None = None,
        min_amount: int = 0,
    ) -> list[FreezeOrder]:
        """One freeze order per bank from the case's newest trace.

        Raises:
            InvalidInput: no trace, or it holds nothing at or above ``min_amount``.
            Conflict: the case has orders already.
        """
        access.require_role(principal, access.ISSUE, "issue freeze orders")
        at = at or self.clock()
        with self.database.session() as session:
            row = rows.case_row(session, case_id, lock=True)
            trace = _newest_trace(session, case_id)
            if trace is None:
                raise InvalidInput(f"case {case_id} has no trace to freeze from")
            if rows.orders_of_case(session, case_id):
                raise Conflict(f"case {case_id} has freeze orders already")
            issued = orders.orders_from_trace(
                trace, case_id, legal_basis, at, self.calendar, min_amount
            )
            if not issued:
                raise InvalidInput(f"the trace of {case_id} holds nothing to freeze")
            for order in issued:
                rows.insert_order(session, order)
                detail = {"bank": order.bank, "ordered": order.ordered, "basis": legal_basis}
                _audit(session, principal, "order.issue", order.order_id, detail, at, "order")
            case = rows.load_case(session, row)
            rows.save_case(session, row, case, cases.record_orders(case, issued))
            return issued

    def confirm(
        self,
        principal: Principal,
        order_id: str,
        blocked: Mapping[str, int],
        at: datetime | None = None,
    ) -> FreezeOrder:
        """The addressed bank's confirmation of what it blocked per account (tiyn)."""
        at = at or self.clock()
        with self.database.session() as session:
            order = rows.load_order(session, order_id, lock=True)
            access.require_bank_of(principal, order.bank, order_id, "confirm")
            updated = orders.confirm(order, blocked, at)
            detail = {"blocked": updated.blocked, "ordered": order.ordered}
            return self._store_step(session, principal, updated, "order.confirm", detail, at)

    def extend(
        self,
        principal: Principal,
        order_id: str,
        until_or_days: datetime | int,
        reason: str,
        at: datetime | None = None,
    ) -> FreezeOrder:
        """A prosecutor's extension: to a new expiry, or by business days past the current."""
        access.require_role(principal, access.EXTEND, "extend a freeze order")
        at = at or self.clock()
        with self.database.session() as session:
            order = rows.load_order(session, order_id, lock=True)
            until = until_or_days
            if isinstance(until, int):
                until = self.calendar.add_business_days(order.expires_at, until)
            updated = orders.extend(order, until, reason, at)
            detail = {"until": until.isoformat(), "reason": reason}
            return self._store_step(session, principal, updated, "order.extend", detail, at)

    def release(
        self,
        principal: Principal,
        order_id: str,
        reason: ReleaseReason | str,
        at: datetime | None = None,
    ) -> FreezeOrder:
        """Lift an order (``lifted`` or ``mistaken``; expiry is :meth:`expire_due`'s)."""
        access.require_role(principal, access.RELEASE, "release a freeze order")
        try:
            why = ReleaseReason(reason)
        except ValueError:
            raise InvalidInput(f"release reason {reason!r}: lifted or mistaken") from None
        if why is ReleaseReason.EXPIRED:
            raise InvalidInput("orders expire by themselves; release them as lifted or mistaken")
        at = at or self.clock()
        with self.database.session() as session:
            order = rows.load_order(session, order_id, lock=True)
            updated = orders.release(order, why, at)
            detail = {"reason": why.value}
            return self._store_step(session, principal, updated, "order.release", detail, at)

    def expire_due(self, now: datetime | None = None) -> list[FreezeOrder]:
        """Release, as ``expired``, every live order whose expiry has passed (the system)."""
        now = now or self.clock()
        live = [s.value for s in orders.LIVE]
        with self.database.session() as session:
            due = session.scalars(
                select(FreezeOrderRow.order_id)
                .where(FreezeOrderRow.state.in_(live), FreezeOrderRow.expires_at < now)
                .order_by(FreezeOrderRow.order_id)
            ).all()
            released = []
            for order_id in due:
                order = orders.expire(rows.load_order(session, order_id, lock=True), now)
                if order.state is OrderState.RELEASED:
                    detail = {"expired_at": order.expires_at.isoformat()}
                    at = order.history[-1].at
                    released.append(
                        self._store_step(session, None, order, "order.expire", detail, at)
                    )
            return released

    def record_return(
        self,
        principal: Principal,
        order_id: str,
        account: str,
        amount: int,
        sanction: str,
        at: datetime | None = None,
    ) -> Return:
        """The bank's return of blocked money to the victim, on a prosecutor's sanction."""
        at = at or self.clock()
        with self.database.session() as session:
            order = rows.load_order(session, order_id, lock=True)
            access.require_bank_of(principal, order.bank, order_id, "return money of")
            row = rows.case_row(session, order.case_id, lock=True)
            case = rows.load_case(session, row)
            ret = Return(order_id, account, amount, case.victim_account, at, sanction.strip())
            updated = apply_return(order, ret)
            rows.save_order(session, updated)
            session.add(
                ReturnRow(
                    order_id=order_id,
                    account=account,
                    amount=amount,
                    to_account=ret.to_account,
                    at=at,
                    sanction=ret.sanction,
                    recorded_by=principal.agency,
                )
            )
            rows.save_case(session, row, case, cases.record_return(case, updated, ret))
            detail = {"account": account, "amount": amount, "sanction": ret.sanction}
            _audit(session, principal, "order.return", order_id, detail, at, "order")
            return ret

    def add_note(
        self, principal: Principal, case_id: str, text: str, at: datetime | None = None
    ) -> Note:
        """A note on a case the caller may read."""
        access.require_reader(principal, f"case {case_id}")
        access.require_role(principal, access.NOTE, "add a note")
        at = at or self.clock()
        with self.database.session() as session:
            row = _readable(session, principal, case_id, lock=True)
            note = Note(at, principal.agency, text.strip())
            case = rows.load_case(session, row)
            rows.save_case(session, row, case, cases.add_note(case, note))
            rows.insert_note(session, case_id, note, principal.role.value)
            _audit(session, principal, "case.note", case_id, {"chars": len(note.text)}, at)
            return note

    def get_case(self, principal: Principal, case_id: str, at: datetime | None = None) -> CaseFile:
        """The case as the caller may see it; the read is audited (``case.read``)."""
        access.require_reader(principal, f"case {case_id}")
        at = at or self.clock()
        with self.database.session() as session:
            row = _readable(session, principal, case_id)
            case = cases.visible_to(rows.load_case(session, row), principal)
            everything = access.sees_everything(principal)
            mine = [
                o
                for o in rows.orders_of_case(session, case_id)
                if everything or principal.is_bank(o.bank)
            ]
            ids = {o.order_id for o in mine}
            returns = tuple(r for r in rows.returns_of_case(session, case_id) if r.order_id in ids)
            notes = tuple(
                n
                for n in rows.notes_of_case(session, case_id)
                if everything or n.author == principal.agency
            )
            trace = _newest_trace(session, case_id) if everything else None
            _audit(session, principal, "case.read", case_id, {"orders": len(mine)}, at)
            return CaseFile(case, trace, tuple(mine), returns, notes)

    def get_order(
        self, principal: Principal, order_id: str, at: datetime | None = None
    ) -> FreezeOrder:
        """One order, for its bank or an official; the read is audited (``order.read``)."""
        access.require_reader(principal, f"freeze order {order_id}")
        at = at or self.clock()
        with self.database.session() as session:
            order = rows.load_order(session, order_id)
            if not access.sees_everything(principal):
                access.require_bank_of(principal, order.bank, order_id, "read")
            _audit(session, principal, "order.read", order_id, {}, at, "order")
            return order

    def list_orders(
        self,
        principal: Principal,
        bank: str | None = None,
        state: OrderState | str | None = None,
        page: int = 1,
        size: int = 50,
        at: datetime | None = None,
    ) -> OrderPage:
        """Orders, newest first; a bank sees only its own whatever ``bank`` it asks for."""
        access.require_role(principal, access.READ, "list freeze orders")
        if page < 1 or not 1 <= size <= MAX_PAGE:
            raise InvalidInput(f"page from 1, size from 1 to {MAX_PAGE}")
        at = at or self.clock()
        query = select(FreezeOrderRow.order_id)
        if not access.sees_everything(principal):
            codes = {c.upper() for c in (principal.bank or "", *principal.bank_codes) if c}
            query = query.where(func.upper(FreezeOrderRow.bank).in_(codes))
        if bank:
            query = query.where(func.upper(FreezeOrderRow.bank) == bank.strip().upper())
        if state:
            try:
                query = query.where(FreezeOrderRow.state == OrderState(state).value)
            except ValueError:
                raise InvalidInput(f"unknown order state {state!r}") from None
        with self.database.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            page_ids = session.scalars(
                query.order_by(FreezeOrderRow.issued_at.desc(), FreezeOrderRow.order_id)
                .limit(size)
                .offset((page - 1) * size)
            ).all()
            items = tuple(rows.load_order(session, order_id) for order_id in page_ids)
            detail = {"bank": bank, "state": str(state) if state else None, "page": page}
            _audit(session, principal, "order.list", "orders", detail, at, "order")
            return OrderPage(items, total, page, size)

    def _store_step(
        self,
        session: Session,
        principal: Principal | None,
        order: FreezeOrder,
        action: str,
        detail: Mapping[str, object],
        at: datetime,
    ) -> FreezeOrder:
        rows.save_order(session, order)
        row = rows.case_row(session, order.case_id, lock=True)
        case = rows.load_case(session, row)
        rows.save_case(session, row, case, cases.record_order_step(case, order))
        _audit(session, principal, action, order.order_id, detail, at, "order")
        return order


def _audit(
    session: Session,
    principal: Principal | None,
    action: str,
    subject_id: str,
    detail: Mapping[str, object],
    at: datetime,
    subject_kind: str = "case",
) -> None:
    append_audit(
        session,
        actor=principal,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        detail=detail,
        at=at,
    )


def _may_read(session: Session, principal: Principal, row: CaseRow) -> bool:
    if access.sees_everything(principal):
        return True
    if principal.role is not Role.BANK:
        return False
    if row.filed_bank is not None and principal.is_bank(row.filed_bank):
        return True
    return any(principal.is_bank(o.bank) for o in rows.orders_of_case(session, row.case_id))


def _readable(session: Session, principal: Principal, case_id: str, lock: bool = False) -> CaseRow:
    row = rows.case_row(session, case_id, lock=lock)
    if not _may_read(session, principal, row):
        raise NotFound(f"no case {case_id}")
    return row


def _newest_trace(session: Session, case_id: str) -> Trace | None:
    body = session.scalar(
        select(TraceRow.body)
        .where(TraceRow.case_id == case_id)
        .order_by(TraceRow.id.desc())
        .limit(1)
    )
    return None if body is None else trace_from_json(json.loads(body))
