"""The case list (``qorgan.store.sql.case_queries``): keyset pages newest first, ties
included, and each reader sees only the cases it may read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qorgan.core.errors import InvalidInput
from qorgan.core.records import FraudType, ReportRecord
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.case_queries import list_cases
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database

T0 = datetime(2025, 6, 1, 6, 0, tzinfo=UTC)
POLICE = Principal("police", Role.POLICE)
BANK_A = Principal("bank-a", Role.BANK, "BANKA", ("722",))
BANK_B = Principal("bank-b", Role.BANK, "BANKB")


def report(n: int) -> ReportRecord:
    return ReportRecord(f"R{n:03d}", T0, "KZ811250000000000V01", None, FraudType.OTHER, ("T1",))


def test_pages_follow_the_cursor_newest_first_through_ties(database: Database) -> None:
    cases = CaseService(database)
    for n in range(13):  # three cases share each opening time
        cases.open_case(POLICE, report(n), at=T0 + timedelta(minutes=n // 3))
    seen, cursor = [], None
    for _ in range(10):
        page = list_cases(database, POLICE, cursor, limit=4)
        assert len(page.items) <= 4
        seen += page.items
        cursor = page.next_before
        if cursor is None:
            break
    assert len({c.case_id for c in seen}) == 13
    order = [(c.opened_at, c.case_id) for c in seen]
    assert order == sorted(order, reverse=True)


def test_a_bank_sees_the_cases_it_filed_and_no_others(database: Database) -> None:
    cases = CaseService(database)
    cases.open_case(BANK_A, report(1), at=T0)
    cases.open_case(POLICE, report(2), at=T0)
    assert [c.case_id for c in list_cases(database, BANK_A).items] == ["C-R001"]
    assert list_cases(database, BANK_B).items == ()
    assert {c.case_id for c in list_cases(database, POLICE).items} == {"C-R001", "C-R002"}
    assert list_cases(database, Principal("beeline", Role.OPERATOR)).items == ()


def test_a_bank_is_not_shown_trace_figures(database: Database) -> None:
    CaseService(database).open_case(BANK_A, report(1), at=T0)
    (summary,) = list_cases(database, BANK_A).items
    assert summary.loss is None
    assert summary.fraud_type is FraudType.OTHER
    assert summary.reports == 1


def test_a_malformed_cursor_is_refused(database: Database) -> None:
    with pytest.raises(InvalidInput):
        list_cases(database, POLICE, "not-a-cursor")
