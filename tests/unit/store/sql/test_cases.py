"""Cases on both engines: each step stored, role-checked and audited in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from qorgan.cases.case import CaseStatus, EventKind
from qorgan.cases.freeze import OrderState, ReleaseReason
from qorgan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from qorgan.core.records import FraudType, ReportRecord
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.audit import AuditRow, verify_audit
from qorgan.store.sql.case_tables import ReportRow
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database
from qorgan.tracing.result import Holding, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # Friday 14:00 in Almaty
VICTIM = "KZ000000000000000V01"
A1, A2, B1 = "KZ000000000000000A01", "KZ000000000000000A02", "KZ000000000000000B01"
POLICE = Principal("police-almaty", Role.POLICE)
PROSECUTOR = Principal("prosecutor-almaty", Role.PROSECUTOR)
ANALYST = Principal("afc", Role.ANALYST)
OPERATOR = Principal("beeline", Role.OPERATOR)
BANK_A = Principal("bank-a", Role.BANK, "BANKA", ("BNKA",))
BANK_B = Principal("bank-b", Role.BANK, "BANKB")
BANK_C = Principal("bank-c", Role.BANK, "BANKC")
REPORT = ReportRecord("R1", T0, VICTIM, "+77011234567", FraudType.BANK_IMPERSONATION, ("T1",))
TRACE = Trace(
    "R1",
    VICTIM,
    T0,
    Rule.FIFO,
    100_000,
    (
        Holding(A1, "BANKA", 50_000, T0, 2),
        Holding(B1, "BANKB", 30_000, T0, 3),
        Holding(A2, "BANKA", 10_000, T0, 3),
    ),
    (),
    (),
    10_000,
)


@pytest.fixture
def service(database: Database) -> CaseService:
    return CaseService(database)


def frozen_case(service: CaseService) -> None:
    service.open_case(POLICE, REPORT, T0)
    service.record_trace(ANALYST, "C-R1", TRACE, T0 + timedelta(minutes=5))
    service.issue_orders(POLICE, "C-R1", "CPC RK art. 161", T0 + timedelta(minutes=10))


def test_the_same_report_twice_is_stored_once(service: CaseService, database: Database) -> None:
    first = service.open_case(POLICE, REPORT, T0)
    again = service.open_case(POLICE, REPORT, T0 + timedelta(hours=1))
    assert first.case_id == again.case_id == "C-R1"
    assert again.status is CaseStatus.OPEN
    with database.session() as session:
        assert len(session.scalars(select(ReportRow)).all()) == 1


def test_an_operator_may_not_file_and_never_finds_a_case(service: CaseService) -> None:
    with pytest.raises(PermissionDenied):
        service.open_case(OPERATOR, REPORT, T0)
    service.open_case(POLICE, REPORT, T0)
    with pytest.raises(NotFound):
        service.get_case(OPERATOR, "C-R1", T0)


def test_a_bank_files_for_its_customer_and_may_read_its_case(service: CaseService) -> None:
    service.open_case(BANK_C, REPORT, T0)
    assert service.get_case(BANK_C, "C-R1", T0).case.reports == (REPORT,)
    with pytest.raises(NotFound):
        service.get_case(BANK_B, "C-R1", T0)
    with pytest.raises(Conflict):
        service.open_case(BANK_B, REPORT, T0)


def test_trace_of_another_report_is_refused(service: CaseService) -> None:
    service.open_case(POLICE, REPORT, T0)
    other = Trace("R2", VICTIM, T0, Rule.FIFO, 0, (), (), (), 0)
    with pytest.raises(InvalidInput):
        service.record_trace(POLICE, "C-R1", other, T0)
    with pytest.raises(PermissionDenied):
        service.record_trace(BANK_A, "C-R1", TRACE, T0)


def test_orders_come_one_per_bank_from_the_stored_trace(service: CaseService) -> None:
    frozen_case(service)
    folder = service.get_case(ANALYST, "C-R1", T0 + timedelta(hours=1))
    assert folder.case.status is CaseStatus.FROZEN
    assert folder.trace == TRACE
    assert [(o.order_id, o.ordered) for o in folder.orders] == [
        ("C-R1-BANKA", 60_000),
        ("C-R1-BANKB", 30_000),
    ]
    with pytest.raises(Conflict):
        service.issue_orders(POLICE, "C-R1", "CPC RK art. 161", T0)


def test_only_the_addressed_bank_confirms(service: CaseService) -> None:
    frozen_case(service)
    with pytest.raises(NotFound):
        service.confirm(BANK_B, "C-R1-BANKA", {A1: 1}, T0)
    with pytest.raises(PermissionDenied):
        service.confirm(POLICE, "C-R1-BANKA", {A1: 1}, T0)
    order = service.confirm(BANK_A, "C-R1-BANKA", {A1: 45_000, A2: 10_000}, T0)
    assert order.state is OrderState.CONFIRMED
    assert service.get_order(BANK_A, "C-R1-BANKA", T0).blocked == 55_000


def test_a_bank_sees_only_its_own_orders_and_accounts(service: CaseService) -> None:
    frozen_case(service)
    folder = service.get_case(BANK_B, "C-R1", T0)
    assert [o.bank for o in folder.orders] == ["BANKB"]
    assert folder.trace is None
    assert all(e.bank in (None, "BANKB") for e in folder.case.events)
    assert A1 not in repr(folder)
    page = service.list_orders(BANK_B, bank="BANKA")
    assert page.items == ()
    with pytest.raises(NotFound):
        service.get_order(BANK_B, "C-R1-BANKA", T0)


def test_prosecutor_extends_and_others_may_not(service: CaseService) -> None:
    frozen_case(service)
    service.confirm(BANK_A, "C-R1-BANKA", {A1: 45_000}, T0)
    with pytest.raises(PermissionDenied):
        service.extend(BANK_A, "C-R1-BANKA", 10, "more time", T0)
    before = service.get_order(PROSECUTOR, "C-R1-BANKA", T0).expires_at
    order = service.extend(PROSECUTOR, "C-R1-BANKA", 10, "investigation continues", T0)
    assert order.state is OrderState.EXTENDED
    assert order.expires_at > before + timedelta(days=10)


def test_expire_due_releases_only_what_is_past_expiry(service: CaseService) -> None:
    frozen_case(service)
    service.confirm(BANK_A, "C-R1-BANKA", {A1: 45_000}, T0)
    expiry = service.get_order(POLICE, "C-R1-BANKA", T0).expires_at
    service.extend(PROSECUTOR, "C-R1-BANKA", 10, "investigation continues", T0 + timedelta(days=1))
    released = service.expire_due(expiry + timedelta(minutes=1))
    assert [(o.order_id, o.release_reason) for o in released] == [
        ("C-R1-BANKB", ReleaseReason.EXPIRED)
    ]
    assert service.expire_due(expiry + timedelta(minutes=2)) == []
    assert service.list_orders(POLICE, state="extended").total == 1


def test_release_by_hand_needs_a_reason_other_than_expiry(service: CaseService) -> None:
    frozen_case(service)
    with pytest.raises(InvalidInput):
        service.release(POLICE, "C-R1-BANKB", "expired", T0)
    with pytest.raises(PermissionDenied):
        service.release(BANK_B, "C-R1-BANKB", "lifted", T0)
    order = service.release(PROSECUTOR, "C-R1-BANKB", "mistaken", T0)
    assert order.release_reason is ReleaseReason.MISTAKEN


def test_returns_are_bounded_by_what_was_blocked(service: CaseService) -> None:
    frozen_case(service)
    service.confirm(BANK_A, "C-R1-BANKA", {A1: 45_000}, T0)
    ret = service.record_return(BANK_A, "C-R1-BANKA", A1, 20_000, "PR-7/2025", T0)
    assert ret.to_account == VICTIM
    with pytest.raises(Conflict):
        service.record_return(BANK_A, "C-R1-BANKA", A1, 25_001, "PR-7/2025", T0)
    service.record_return(BANK_A, "C-R1-BANKA", A1, 25_000, "PR-7/2025", T0)
    folder = service.get_case(POLICE, "C-R1", T0)
    assert folder.returned == 45_000
    assert folder.case.status is CaseStatus.RETURNED
    assert folder.orders[0].state is OrderState.RETURNED


def test_notes_are_stored_and_a_bank_reads_only_its_own(service: CaseService) -> None:
    frozen_case(service)
    service.add_note(POLICE, "C-R1", "victim called back", T0)
    service.add_note(BANK_A, "C-R1", "customer informed", T0)
    police_view = service.get_case(POLICE, "C-R1", T0)
    assert [n.text for n in police_view.notes] == ["victim called back", "customer informed"]
    bank_view = service.get_case(BANK_A, "C-R1", T0)
    assert [n.text for n in bank_view.notes] == ["customer informed"]
    kinds = [e.kind for e in bank_view.case.events if e.kind is EventKind.NOTE_ADDED]
    assert len(kinds) == 1


def test_every_step_and_read_is_audited_and_the_chain_holds(
    service: CaseService, database: Database
) -> None:
    frozen_case(service)
    service.get_case(POLICE, "C-R1", T0)
    with pytest.raises(NotFound):
        service.confirm(BANK_B, "C-R1-BANKA", {}, T0)  # refused: rolled back, not audited
    with database.session() as session:
        actions = session.scalars(select(AuditRow.action).order_by(AuditRow.seq)).all()
        assert actions == [
            "case.open",
            "case.trace",
            "order.issue",
            "order.issue",
            "case.read",
        ]
        assert verify_audit(session).ok


def test_list_orders_pages_and_filters(service: CaseService) -> None:
    frozen_case(service)
    page = service.list_orders(POLICE, page=1, size=1)
    assert page.total == 2
    assert len(page.items) == 1
    assert service.list_orders(POLICE, bank="banka").total == 1
    with pytest.raises(InvalidInput):
        service.list_orders(POLICE, state="frozen")
    with pytest.raises(PermissionDenied):
        service.list_orders(OPERATOR)
