"""Cases listed for a reader, newest first, a page at a time (the console's case list).

A page is keyset-paged on ``(opened_at, case_id)`` descending: the cursor is the last case
of the previous page, so a page costs the same however deep it is. Who sees what follows
:mod:`qorgan.cases.access`: police, prosecutors, analysts and admins every case; a bank the
cases it filed or holds a freeze order of; anyone else (an operator) none. The listing is
audited (``case.list``, with the ids shown), as reading a case is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from qorgan.cases import access
from qorgan.cases.case import CaseStatus
from qorgan.core.errors import InvalidInput
from qorgan.core.records import FraudType
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.audit import append_audit
from qorgan.store.sql.case_tables import CaseRow, FreezeOrderRow, ReportRow, TraceRow
from qorgan.store.sql.db import Database

MAX_LIMIT = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One line of the case list.

    Attributes:
        case_id: the case.
        status: where it stands.
        opened_at: when its first report arrived.
        fraud_type: the first report's fraud type.
        reports: how many reports it holds.
        loss: tiyn lost per the newest trace (``None``: no trace, or a bank reader).
        held: tiyn still held per the newest trace (likewise).
    """

    case_id: str
    status: CaseStatus
    opened_at: datetime
    fraud_type: FraudType | None
    reports: int
    loss: int | None
    held: int | None


@dataclass(frozen=True, slots=True)
class CasePage:
    """One page of cases, newest first.

    Attributes:
        items: the cases on this page.
        next_before: the cursor of the next (older) page; ``None`` on the last.
    """

    items: tuple[CaseSummary, ...]
    next_before: str | None


def cursor_of(summary: CaseSummary) -> str:
    """The cursor that pages past ``summary``: ``<epoch microseconds>~<case id>``."""
    micros = (summary.opened_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}~{summary.case_id}"


def _parse_cursor(cursor: str) -> tuple[datetime, str]:
    micros, sep, case_id = cursor.partition("~")
    if not sep or not (micros.isascii() and micros.isdigit()) or not case_id:
        raise InvalidInput(f"not a case cursor: {cursor!r}")
    try:
        return EPOCH + timedelta(microseconds=int(micros)), case_id
    except OverflowError:
        raise InvalidInput(f"not a case cursor: {cursor!r}") from None


def _visible(query: Select[CaseRow], reader: Principal) -> Select[CaseRow]:
    if access.sees_everything(reader):
        return query
    if reader.role is not Role.BANK:
        return query.where(false())
    codes = sorted({c.upper() for c in (reader.bank or "", *reader.bank_codes) if c})
    ordered = exists().where(
        FreezeOrderRow.case_id == CaseRow.case_id, func.upper(FreezeOrderRow.bank).in_(codes)
    )
    return query.where(or_(func.upper(CaseRow.filed_bank).in_(codes), ordered))


def list_cases(
    database: Database,
    reader: Principal,
    before: str | None = None,
    limit: int = 50,
    clock: Callable[[], datetime] | None = None,
) -> CasePage:
    """The cases ``reader`` may see, newest first, after the cursor ``before``.

    Raises:
        InvalidInput: a malformed cursor, or ``limit`` outside 1 to 200.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit from 1 to {MAX_LIMIT}")
    query = _visible(select(CaseRow), reader)
    if before:
        opened, case_id = _parse_cursor(before)
        query = query.where(
            or_(
                CaseRow.opened_at < opened,
                and_(CaseRow.opened_at == opened, CaseRow.case_id < case_id),
            )
        )
    query = query.order_by(CaseRow.opened_at.desc(), CaseRow.case_id.desc()).limit(limit + 1)
    with database.session() as session:
        rows = session.scalars(query).all()
        page = rows[:limit]
        ids = [r.case_id for r in page]
        firsts, counts = _reports(session, ids)
        traces = _traces(session, ids) if access.sees_everything(reader) else {}
        items = tuple(
            CaseSummary(
                r.case_id,
                CaseStatus(r.status),
                r.opened_at,
                firsts.get(r.case_id),
                counts.get(r.case_id, 0),
                *_figures(traces, r.case_id),
            )
            for r in page
        )
        if items:
            at = (clock or _now)()
            append_audit(session, actor=reader, action="case.list", subject_kind="case",
                         subject_id="list", detail={"cases": ids}, at=at)  # fmt: skip
    more = len(rows) > limit
    return CasePage(items, cursor_of(items[-1]) if more and items else None)


def _figures(traces: dict[str, tuple[int, int]], case_id: str) -> tuple[int | None, int | None]:
    found = traces.get(case_id)
    return (None, None) if found is None else found


def _now() -> datetime:
    return datetime.now(UTC)


def _reports(session: Session, ids: list[str]) -> tuple[dict[str, FraudType], dict[str, int]]:
    firsts: dict[str, FraudType] = {}
    counts: dict[str, int] = {}
    if not ids:
        return firsts, counts
    found = session.execute(
        select(ReportRow.case_id, ReportRow.fraud_type)
        .where(ReportRow.case_id.in_(ids))
        .order_by(ReportRow.received_at, ReportRow.report_id)
    )
    for case_id, fraud_type in found:
        firsts.setdefault(case_id, FraudType(fraud_type))
        counts[case_id] = counts.get(case_id, 0) + 1
    return firsts, counts


def _traces(session: Session, ids: list[str]) -> dict[str, tuple[int, int]]:
    if not ids:
        return {}
    newest = (
        select(func.max(TraceRow.id)).where(TraceRow.case_id.in_(ids)).group_by(TraceRow.case_id)
    )
    found = session.execute(
        select(TraceRow.case_id, TraceRow.loss, TraceRow.held).where(TraceRow.id.in_(newest))
    )
    return {case_id: (int(loss), int(held)) for case_id, loss, held in found}
