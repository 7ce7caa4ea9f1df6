"""The registry on both engines: idempotent batched upserts, O(1) lookups kept in step,
roles, and audited reads and status moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from qorgan.core.errors import Conflict, NotFound, PermissionDenied
from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorLookup, IndicatorSink
from qorgan.core.ports import IndicatorStatus as S
from qorgan.core.roles import Principal, Role
from qorgan.registry import Claim
from qorgan.store.sql.audit import AuditRow, verify_audit
from qorgan.store.sql.db import Database
from qorgan.store.sql.indicators import EvidenceRow, IndicatorRow, SourceRow
from qorgan.store.sql.registry import SqlRegistry

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IBAN = "KZ86125KZT5004100100"
PHONE = "+77011234567"
ANALYST = Principal("afc", Role.ANALYST)
OPERATOR = Principal("beeline", Role.OPERATOR)
POLICE = Principal("police-almaty", Role.POLICE)


def iban_claim(source: str = "dropper_finder", confidence: float = 0.7, **more: object) -> Claim:
    return Claim(IndicatorKind.IBAN, IBAN, source, confidence, T0, **more)  # type: ignore[arg-type]


def counts(database: Database) -> tuple[int, int, int, int]:
    with database.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (IndicatorRow, SourceRow, EvidenceRow, AuditRow)
        )


def test_it_satisfies_both_ports(database: Database) -> None:
    lookup: IndicatorLookup = SqlRegistry(database)
    sink: IndicatorSink = SqlRegistry(database)
    sink.assert_indicator(IndicatorHit(IndicatorKind.MSISDN, PHONE, S.SUSPECTED, 0.5, ("x",), T0))
    assert lookup.lookup(IndicatorKind.MSISDN, PHONE) is not None


def test_claims_are_stored_with_sources_and_evidence(database: Database) -> None:
    registry = SqlRegistry(database)
    registry.assert_many([
        iban_claim(evidence=("transfer:T9",)),
        iban_claim("agency:kaspi", 0.5, evidence=("case:C-1", "transfer:T9")),
    ])  # fmt: skip
    indicator = registry.get(IndicatorKind.IBAN, "kz86 125k zt50 0410 0100")
    assert indicator.confidence == pytest.approx(0.85)
    assert [a.source for a in indicator.sources] == ["dropper_finder", "agency:kaspi"]
    assert indicator.evidence == ("transfer:T9", "case:C-1")
    assert indicator.first_seen == T0
    assert indicator.first_seen.tzinfo is UTC


def test_the_same_batch_twice_changes_nothing(database: Database) -> None:
    registry = SqlRegistry(database)
    batch = [iban_claim(evidence=("transfer:T9",)),
             Claim(IndicatorKind.MSISDN, PHONE, "simbox_finder", 0.4, T0)]  # fmt: skip
    assert len(registry.assert_many(batch)) == 2
    before = counts(database)
    assert registry.assert_many(batch) == []
    assert counts(database) == before
    assert before[:3] == (2, 2, 1)


def test_a_large_batch_is_one_upsert(database: Database) -> None:
    registry = SqlRegistry(database)
    claims = [Claim(IndicatorKind.DEVICE, f"dev-{i}", "bank", 0.5, T0) for i in range(1200)]
    assert len(registry.assert_many(claims)) == 1200
    assert counts(database)[3] == 1  # one audit entry for the batch
    assert registry.lookup(IndicatorKind.DEVICE, "dev-1199") is not None


def test_lookups_see_this_processs_writes_at_once(database: Database) -> None:
    registry = SqlRegistry(database, refresh_s=3600)
    assert registry.lookup(IndicatorKind.IBAN, IBAN) is None
    registry.assert_many([iban_claim()])
    hit = registry.lookup(IndicatorKind.IBAN, IBAN)
    assert hit is not None
    assert hit.status is S.SUSPECTED
    registry.set_status(ANALYST, IndicatorKind.IBAN, IBAN, S.CONFIRMED)
    confirmed = registry.lookup(IndicatorKind.IBAN, IBAN)
    assert confirmed is not None
    assert confirmed.status is S.CONFIRMED


def test_lookups_see_other_processes_writes_after_a_refresh(database: Database) -> None:
    reader = SqlRegistry(database, refresh_s=3600)
    writer = SqlRegistry(database)
    assert reader.lookup(IndicatorKind.IBAN, IBAN) is None
    writer.assert_many([iban_claim()])
    assert reader.lookup(IndicatorKind.IBAN, IBAN) is None  # not refreshed yet
    reader.refresh()
    assert reader.lookup(IndicatorKind.IBAN, IBAN) is not None
    writer.set_status(ANALYST, IndicatorKind.IBAN, IBAN, S.CLEARED)
    reader.refresh()
    cleared = reader.lookup(IndicatorKind.IBAN, IBAN)
    assert cleared is not None
    assert cleared.status is S.CLEARED


def test_a_status_move_is_audited_and_illegal_ones_refused(database: Database) -> None:
    registry = SqlRegistry(database)
    registry.assert_many([iban_claim()])
    registry.set_status(POLICE, IndicatorKind.IBAN, IBAN, S.CONFIRMED, note="case C-1")
    with pytest.raises(PermissionDenied):
        registry.set_status(POLICE, IndicatorKind.IBAN, IBAN, S.BLOCKED)
    with pytest.raises(Conflict):
        registry.set_status(ANALYST, IndicatorKind.IBAN, IBAN, S.SUSPECTED)
    with database.session() as session:
        actions = session.scalars(select(AuditRow.action).order_by(AuditRow.seq)).all()
        assert verify_audit(session).ok
    assert actions == ["indicator.assert", "indicator.status"]


def test_a_detector_replay_after_a_confirmation_does_not_demote(database: Database) -> None:
    registry = SqlRegistry(database)
    registry.assert_many([iban_claim()])
    registry.set_status(ANALYST, IndicatorKind.IBAN, IBAN, S.CONFIRMED)
    registry.assert_many([iban_claim("dropper_finder", 0.1)])
    assert registry.get(IndicatorKind.IBAN, IBAN).status is S.CONFIRMED


def test_an_operator_cannot_read_an_iban_and_cannot_tell_it_exists(database: Database) -> None:
    registry = SqlRegistry(database)
    registry.assert_many([iban_claim()])
    with pytest.raises(NotFound) as hidden:
        registry.read(OPERATOR, IndicatorKind.IBAN, IBAN)
    with pytest.raises(NotFound) as missing:
        registry.read(OPERATOR, IndicatorKind.IBAN, "KZ397229253416221965")
    assert str(hidden.value).replace(IBAN, "?") == str(missing.value).replace(
        "KZ397229253416221965", "?"
    )
    assert registry.search(reader=OPERATOR).total == 0


def test_reads_and_searches_are_audited(database: Database) -> None:
    registry = SqlRegistry(database)
    registry.assert_many([iban_claim(), Claim(IndicatorKind.MSISDN, PHONE, "x", 0.4, T0)])
    registry.read(ANALYST, IndicatorKind.IBAN, IBAN)
    page = registry.search(value_prefix="+7701", reader=ANALYST)
    assert [i.value for i in page.items] == [PHONE]
    with database.session() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
        assert [(r.action, r.actor) for r in rows[1:]] == [
            ("indicator.read", "afc"),
            ("indicator.search", "afc"),
        ]
        assert PHONE in rows[2].detail


def test_search_filters_and_pages(database: Database) -> None:
    registry = SqlRegistry(database, clock=lambda: T0)
    registry.assert_many(
        [Claim(IndicatorKind.DEVICE, f"dev-{i:02}", "bank", 0.5, T0) for i in range(25)]
        + [Claim(IndicatorKind.DEVICE, "dev_x", "bank", 0.5, T0)]
    )
    page = registry.search(kind=IndicatorKind.DEVICE, status=S.SUSPECTED, page=3, size=10)
    assert (page.total, len(page.items)) == (26, 6)
    assert registry.search(value_prefix="dev_").total == 1  # '_' is not a wildcard
    assert registry.search(status=S.BLOCKED).total == 0


def test_an_agency_reports_only_the_kinds_its_role_allows(database: Database) -> None:
    registry = SqlRegistry(database)
    with pytest.raises(PermissionDenied):
        registry.submit(OPERATOR, [iban_claim("agency:beeline")])
    stored = registry.submit(OPERATOR, [Claim(IndicatorKind.MSISDN, PHONE, "agency:beeline",
                                              0.8, T0 + timedelta(hours=1))])  # fmt: skip
    assert stored[0].sources[0].source == "agency:beeline"
