"""A case: the victim's report(s), where it stands, and its timeline.

Status only moves forward::

    open ──trace──► tracing ──orders issued──► frozen ──money returned──► returned ──► closed
      └──────────────────────────────close (at any point)──────────────────────────────┘

``tracing``: a trace has been recorded and orders are still to be issued. Every step adds a
:class:`CaseEvent` to the timeline; the functions are pure and deterministic (time comes
from the caller).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from qorgan.cases.access import sees_everything
from qorgan.cases.freeze import FreezeOrder, OrderEvent
from qorgan.cases.returns import Return
from qorgan.core.errors import Conflict, InvalidInput
from qorgan.core.money import from_tiyn
from qorgan.core.records import ReportRecord
from qorgan.core.roles import Principal
from qorgan.tracing.result import Trace


class CaseStatus(StrEnum):
    OPEN = "open"  # a report is in, nothing traced yet
    TRACING = "tracing"  # a trace is recorded, orders not yet issued
    FROZEN = "frozen"  # freeze orders are out
    RETURNED = "returned"  # some money went back to the victim
    CLOSED = "closed"  # nothing more will happen


_RANK = {status: rank for rank, status in enumerate(CaseStatus)}


class EventKind(StrEnum):
    REPORT_RECEIVED = "report_received"
    TRACE_RECORDED = "trace_recorded"
    ORDER_ISSUED = "order_issued"
    ORDER_CONFIRMED = "order_confirmed"
    ORDER_EXTENDED = "order_extended"
    ORDER_RELEASED = "order_released"
    ORDER_RETURNED = "order_returned"  # a return was made (partial or the last one)
    NOTE_ADDED = "note_added"
    CASE_CLOSED = "case_closed"


_ORDER_KINDS = {
    "issue": EventKind.ORDER_ISSUED,
    "confirm": EventKind.ORDER_CONFIRMED,
    "extend": EventKind.ORDER_EXTENDED,
    "release": EventKind.ORDER_RELEASED,
    "return": EventKind.ORDER_RETURNED,
}


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One line of the timeline.

    Attributes:
        at: when it happened (aware UTC).
        kind: what happened.
        detail: its figures and references, as text (amounts in decimal tenge).
        bank: the bank an order event concerns (a bank sees only its own); ``None`` for
            events of the whole case.
    """

    at: datetime
    kind: EventKind
    detail: Mapping[str, str] = field(default_factory=dict)
    bank: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A free-text note on a case.

    Attributes:
        at: when it was written.
        author: the agency that wrote it.
        text: the note.
    """

    at: datetime
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class Case:
    """A case opened from a victim's report.

    Attributes:
        case_id: deterministic from the first report: ``C-{report_id}``.
        status: where it stands.
        opened_at: when the first report arrived.
        reports: the reports it holds, first one first.
        events: the timeline, oldest first.
    """

    case_id: str
    status: CaseStatus
    opened_at: datetime
    reports: tuple[ReportRecord, ...]
    events: tuple[CaseEvent, ...] = ()

    @property
    def victim_account(self) -> str:
        """Where returned money goes: the first report's victim account."""
        return self.reports[0].victim_account


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A case with everything attached to it, as one caller may see it.

    Attributes:
        case: the case and its timeline.
        trace: the newest trace; ``None`` when none is recorded or the caller is a bank
            (a trace names other banks' accounts).
        orders: the freeze orders, by bank.
        returns: the returns made, oldest first.
        notes: the notes, oldest first.
    """

    case: Case
    trace: Trace | None
    orders: tuple[FreezeOrder, ...]
    returns: tuple[Return, ...]
    notes: tuple[Note, ...]

    @property
    def returned(self) -> int:
        """Tiyn returned to the victim so far."""
        return sum(r.amount for r in self.returns)


def case_id_for(report: ReportRecord) -> str:
    """The id of the case a report opens."""
    return f"C-{report.report_id}"


def open_case(report: ReportRecord, at: datetime) -> Case:
    """A new case holding one report."""
    event = CaseEvent(at, EventKind.REPORT_RECEIVED, _report_detail(report))
    return Case(case_id_for(report), CaseStatus.OPEN, at, (report,), (event,))


def add_report(case: Case, report: ReportRecord, at: datetime) -> Case:
    """The case with one more report; a report it already holds changes nothing."""
    if any(r.report_id == report.report_id for r in case.reports):
        return case
    _not_closed(case)
    event = CaseEvent(at, EventKind.REPORT_RECEIVED, _report_detail(report))
    return _with(case, (event,), reports=(*case.reports, report))


def record_trace(case: Case, trace: Trace, at: datetime) -> Case:
    """The case with a trace's figures on its timeline; status at least ``tracing``."""
    _not_closed(case)
    detail = {
        "report_id": trace.report_id,
        "rule": trace.rule.value,
        "loss": str(from_tiyn(trace.loss)),
        "held": str(from_tiyn(trace.held)),
        "cashed_out": str(from_tiyn(trace.cashed_out)),
        "unresolved": str(from_tiyn(trace.unresolved)),
        "holdings": str(len(trace.holdings)),
    }
    return _with(case, (CaseEvent(at, EventKind.TRACE_RECORDED, detail),), CaseStatus.TRACING)


def record_orders(case: Case, orders: list[FreezeOrder]) -> Case:
    """The case with freshly issued orders on its timeline; status at least ``frozen``."""
    _not_closed(case)
    if not orders:
        raise InvalidInput(f"case {case.case_id}: no order to record")
    events = tuple(_order_event(o, o.history[-1]) for o in orders)
    return _with(case, events, CaseStatus.FROZEN)


def record_order_step(case: Case, order: FreezeOrder) -> Case:
    """The case with an order's latest step (confirm, extend, release) on its timeline."""
    return _with(case, (_order_event(order, order.history[-1]),))


def record_return(case: Case, order: FreezeOrder, ret: Return) -> Case:
    """The case with a return on its timeline; status at least ``returned``."""
    event = _order_event(order, order.history[-1])
    detail = {**event.detail, "account": ret.account, "amount": str(from_tiyn(ret.amount))}
    event = dataclasses.replace(event, detail=detail)
    return _with(case, (event,), CaseStatus.RETURNED)


def add_note(case: Case, note: Note) -> Case:
    """The case with a note on its timeline.

    Raises:
        InvalidInput: the note is empty.
    """
    if not note.text.strip():
        raise InvalidInput("a note needs text")
    detail = {"author": note.author, "text": note.text.strip()}
    return _with(case, (CaseEvent(note.at, EventKind.NOTE_ADDED, detail),))


def close(case: Case, reason: str, at: datetime) -> Case:
    """The case closed.

    Raises:
        Conflict: it is closed already.
    """
    _not_closed(case)
    event = CaseEvent(at, EventKind.CASE_CLOSED, {"reason": reason})
    return _with(case, (event,), CaseStatus.CLOSED)


def visible_to(case: Case, principal: Principal) -> Case:
    """The case as ``principal`` sees it: a bank does not see other banks' order events."""
    if sees_everything(principal):
        return case
    events = tuple(e for e in case.events if _bank_sees(e, principal))
    return dataclasses.replace(case, events=events)


def _bank_sees(event: CaseEvent, principal: Principal) -> bool:
    if event.bank is not None:
        return principal.is_bank(event.bank)
    if event.kind is EventKind.NOTE_ADDED:  # investigators' notes stay theirs
        return event.detail.get("author") == principal.agency
    return True


def _with(
    case: Case,
    events: tuple[CaseEvent, ...],
    status: CaseStatus | None = None,
    reports: tuple[ReportRecord, ...] | None = None,
) -> Case:
    new_status = case.status
    if status is not None and _RANK[status] > _RANK[case.status]:
        new_status = status
    return dataclasses.replace(
        case,
        status=new_status,
        events=(*case.events, *events),
        reports=case.reports if reports is None else reports,
    )


def _not_closed(case: Case) -> None:
    if case.status is CaseStatus.CLOSED:
        raise Conflict(f"case {case.case_id} is closed")


def _order_event(order: FreezeOrder, step: OrderEvent) -> CaseEvent:
    detail = {
        "order_id": order.order_id,
        "state": step.state.value,
        "reason": step.reason,
        "ordered": str(from_tiyn(order.ordered)),
        "blocked": str(from_tiyn(order.blocked)),
        "returned": str(from_tiyn(order.returned)),
        "expires_at": order.expires_at.isoformat(),
    }
    return CaseEvent(step.at, _ORDER_KINDS[step.action], detail, order.bank)


def _report_detail(report: ReportRecord) -> dict[str, str]:
    return {
        "report_id": report.report_id,
        "fraud_type": report.fraud_type.value,
        "transfers": str(len(report.transfer_ids)),
    }
