"""Cases: status moves forward, the timeline records each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.case import (
    CaseStatus,
    EventKind,
    Note,
    add_note,
    add_report,
    close,
    open_case,
    record_order_step,
    record_orders,
    record_return,
    record_trace,
    visible_to,
)
from qorgan.cases.freeze import confirm, orders_from_trace
from qorgan.cases.returns import Return, apply_return
from qorgan.core.errors import Conflict, InvalidInput
from qorgan.core.records import FraudType, ReportRecord
from qorgan.core.roles import Principal, Role
from qorgan.tracing.result import Holding, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
VICTIM = "KZ000000000000000V01"
REPORT = ReportRecord("R1", T0, VICTIM, None, FraudType.BANK_IMPERSONATION, ("T1", "T2"))
TRACE = Trace(
    "R1",
    VICTIM,
    T0,
    Rule.FIFO,
    100_000,
    (
        Holding("KZ000000000000000A01", "BANKA", 60_000, T0, 2),
        Holding("KZ000000000000000B01", "BANKB", 30_000, T0, 3),
    ),
    (),
    (),
    10_000,
)


def test_report_opens_a_case_with_a_deterministic_id() -> None:
    case = open_case(REPORT, T0)
    assert case.case_id == "C-R1"
    assert case.status is CaseStatus.OPEN
    assert [e.kind for e in case.events] == [EventKind.REPORT_RECEIVED]
    assert case == open_case(REPORT, T0)


def test_the_same_report_twice_is_held_once() -> None:
    case = open_case(REPORT, T0)
    assert add_report(case, REPORT, T0 + timedelta(hours=1)) is case


def test_case_walks_from_open_to_returned_and_the_timeline_says_how() -> None:
    case = record_trace(open_case(REPORT, T0), TRACE, T0 + timedelta(minutes=5))
    assert case.status is CaseStatus.TRACING
    assert case.events[-1].detail["held"] == "900.00"
    orders = orders_from_trace(TRACE, case.case_id, "CPC RK art. 161", T0, KAZAKHSTAN)
    case = record_orders(case, orders)
    assert case.status is CaseStatus.FROZEN
    order = confirm(orders[0], {"KZ000000000000000A01": 50_000}, T0 + timedelta(hours=2))
    case = record_order_step(case, order)
    ret = Return(order.order_id, "KZ000000000000000A01", 50_000, VICTIM, T0, "PR-1")
    order = apply_return(order, ret)
    case = record_return(case, order, ret)
    assert case.status is CaseStatus.RETURNED
    assert [e.kind.value for e in case.events] == [
        "report_received",
        "trace_recorded",
        "order_issued",
        "order_issued",
        "order_confirmed",
        "order_returned",
    ]
    assert case.events[-1].detail["amount"] == "500.00"
    assert case.events[-1].detail["state"] == "returned"


def test_status_never_moves_back() -> None:
    orders = orders_from_trace(TRACE, "C-R1", "CPC RK art. 161", T0, KAZAKHSTAN)
    case = record_orders(record_trace(open_case(REPORT, T0), TRACE, T0), orders)
    assert record_trace(case, TRACE, T0).status is CaseStatus.FROZEN


def test_a_bank_sees_only_its_own_order_events() -> None:
    orders = orders_from_trace(TRACE, "C-R1", "CPC RK art. 161", T0, KAZAKHSTAN)
    case = record_orders(open_case(REPORT, T0), orders)
    seen = visible_to(case, Principal("bank-b", Role.BANK, "BANKB"))
    assert [e.bank for e in seen.events] == [None, "BANKB"]
    assert visible_to(case, Principal("afc", Role.ANALYST)) is case


def test_notes_need_text_and_closed_cases_take_no_more_steps() -> None:
    case = add_note(open_case(REPORT, T0), Note(T0, "police-almaty", " called the victim "))
    assert case.events[-1].detail == {"author": "police-almaty", "text": "called the victim"}
    with pytest.raises(InvalidInput):
        add_note(case, Note(T0, "police-almaty", ""))
    closed = close(case, "nothing to recover", T0)
    assert closed.status is CaseStatus.CLOSED
    with pytest.raises(Conflict, match="closed"):
        record_trace(closed, TRACE, T0)
