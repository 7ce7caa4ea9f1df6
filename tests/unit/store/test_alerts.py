"""The alerts store on both engines: idempotent loads, keyset pages, roles, actions, KPIs."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from qorgan.core.errors import Conflict, NotFound, PermissionDenied
from qorgan.core.ports import IndicatorKind, IndicatorStatus
from qorgan.core.records import FraudType, ReportRecord
from qorgan.core.roles import Principal, Role
from qorgan.registry.indicator import Claim
from qorgan.store.sql.alert_tables import (
    QUEUE_BANK_INDEX,
    QUEUE_INDEX,
    QUEUE_STATUS_INDEX,
    AlertRow,
)
from qorgan.store.sql.alerts import (
    AlertAction,
    AlertService,
    AlertStatus,
    NewAlert,
    Queue,
    visible_queues,
)
from qorgan.store.sql.audit import AuditRow, verify_audit
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database
from qorgan.tracing.result import Holding, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # 14:00 in Almaty
ANALYST = Principal("afc", Role.ANALYST)
POLICE = Principal("police", Role.POLICE)
PROSECUTOR = Principal("prosecutor", Role.PROSECUTOR)
OPERATOR = Principal("beeline", Role.OPERATOR)
KASPI = Principal("kaspi", Role.BANK, "KASPI", ("722",))
HALYK = Principal("halyk", Role.BANK, "HALYK", ("601",))
IBAN = "KZ86125KZT5004100100"  # a valid KZ IBAN
PHONE = "+77011234567"
SIM = "401011234567890"
_ids = itertools.count()


def alert(
    queue: Queue = Queue.CALLS,
    source_id: str | None = None,
    bank: str | None = None,
    at: datetime = T0,
    **fields: object,
) -> NewAlert:
    """A new alert of ``queue`` with a fresh source id, its subject fitting the queue."""
    kind, subject = {
        Queue.CALLS: (IndicatorKind.MSISDN, PHONE),
        Queue.SMS: (IndicatorKind.MSISDN, PHONE),
        Queue.SIMBOXES: (IndicatorKind.IMSI, SIM),
        Queue.PAYMENTS: (IndicatorKind.IBAN, IBAN),
        Queue.DROPPERS: (IndicatorKind.IBAN, IBAN),
    }[queue]
    values: dict[str, object] = {
        "queue": queue,
        "source_id": source_id or f"X{next(_ids)}",
        "subject_kind": kind,
        "subject": subject,
        "at": at,
        "score": 0.9,
        "decision": "block",
        "reasons": ("TEST_REASON",),
        "evidence": {"why": "test"},
        "bank": bank,
    }
    values.update(fields)
    return NewAlert(**values)  # type: ignore[arg-type]


@pytest.fixture
def alerts(database: Database) -> AlertService:
    return AlertService(database, clock=lambda: T0 + timedelta(days=1))


def stored(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AlertRow)) or 0


keys = st.tuples(st.sampled_from(list(Queue)), st.sampled_from(["a", "b", "c", "d", "e"]))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(keys, max_size=30))
def test_loading_any_list_twice_stores_each_queue_and_source_id_once(
    alerts: AlertService, database: Database, pairs: list[tuple[Queue, str]]
) -> None:
    run = f"run{next(_ids)}-"
    batch = [alert(queue, run + source) for queue, source in pairs]
    before = stored(database)
    first = alerts.add_many(batch)
    assert alerts.add_many(batch) == 0
    assert first == len(set(pairs)) == stored(database) - before


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from([None, "KASPI", "HALYK"]), min_size=0, max_size=40),
    st.integers(min_value=1, max_value=7),
)
def test_keyset_pages_visit_every_visible_alert_once_newest_first(
    alerts: AlertService, database: Database, banks: list[str | None], limit: int
) -> None:
    alerts.add_many(alert(Queue.PAYMENTS, bank=bank) for bank in banks)
    for reader in (ANALYST, KASPI):
        total = alerts.page(reader, Queue.PAYMENTS, limit=1).total
        seen: list[int] = []
        before = None
        while True:
            page = alerts.page(reader, Queue.PAYMENTS, before=before, limit=limit)
            assert page.total == total
            assert len(page.items) <= limit
            seen += [a.id for a in page.items]
            if page.next_before is None:
                break
            assert page.next_before == page.items[-1].id
            before = page.next_before
        assert seen == sorted(seen, reverse=True)
        assert len(seen) == len(set(seen)) == total
        if reader is KASPI:
            assert all(alerts.get(KASPI, i).bank == "KASPI" for i in seen[:3])


def test_a_bank_sees_only_its_own_payments_and_droppers(alerts: AlertService) -> None:
    alerts.add_many([alert(Queue.PAYMENTS, bank="kaspi"), alert(Queue.PAYMENTS, bank="halyk"),
                     alert(Queue.DROPPERS, bank="KASPI"), alert(Queue.CALLS)])  # fmt: skip
    page = alerts.page(KASPI, Queue.PAYMENTS)
    assert [a.bank for a in page.items] == ["KASPI"]
    assert page.total == 1
    counts = alerts.counts(KASPI)
    assert set(counts) == {Queue.PAYMENTS, Queue.DROPPERS}
    assert counts[Queue.PAYMENTS][AlertStatus.OPEN] == 1
    halyks = alerts.page(HALYK, Queue.PAYMENTS).items[0]
    with pytest.raises(NotFound):
        alerts.get(KASPI, halyks.id)
    with pytest.raises(PermissionDenied):
        alerts.page(KASPI, Queue.CALLS)


def test_an_operator_sees_its_queues_and_never_payments(alerts: AlertService) -> None:
    alerts.add_many([alert(Queue.PAYMENTS, bank="KASPI"), alert(Queue.SIMBOXES)])
    assert visible_queues(OPERATOR) == (Queue.CALLS, Queue.SMS, Queue.SIMBOXES)
    with pytest.raises(PermissionDenied):
        alerts.page(OPERATOR, Queue.PAYMENTS)
    payment = alerts.page(ANALYST, Queue.PAYMENTS).items[0]
    with pytest.raises(NotFound):
        alerts.get(OPERATOR, payment.id)
    assert alerts.page(OPERATOR, Queue.SIMBOXES).total == 1
    assert set(alerts.counts(POLICE)) == set(Queue)


def test_an_alert_comes_back_as_it_was_stored(alerts: AlertService) -> None:
    new = alert(Queue.PAYMENTS, bank="kaspi", region="almaty", channel="app", amount=12_345)
    alerts.add_many([new])
    back = alerts.page(ANALYST, Queue.PAYMENTS).items[0]
    assert (back.source_id, back.subject, back.at, back.reasons) == (
        new.source_id, IBAN, T0, ("TEST_REASON",)
    )  # fmt: skip
    assert (back.evidence, back.region, back.channel, back.amount) == (
        {"why": "test"}, "almaty", "app", 12_345
    )  # fmt: skip
    assert back.status is AlertStatus.OPEN
    assert back.decided_by is None


def with_suspect(alerts: AlertService, queue: Queue = Queue.CALLS, **fields: object) -> int:
    new = alert(queue, **fields)
    kind, subject = new.subject_kind, new.subject
    alerts.registry.assert_many([Claim(kind, subject, "call_screening", 0.9, T0)])
    alerts.add_many([new])
    return alerts.page(ANALYST, queue).items[0].id


def test_confirming_confirms_the_indicator_and_is_audited(
    alerts: AlertService, database: Database
) -> None:
    alert_id = with_suspect(alerts)
    done = alerts.act(ANALYST, alert_id, AlertAction.CONFIRM, "seen it")
    assert (done.status, done.decided_by, done.note) == (AlertStatus.CONFIRMED, "afc", "seen it")
    assert alerts.registry.get(IndicatorKind.MSISDN, PHONE).status is IndicatorStatus.CONFIRMED
    with database.session() as session:
        entry = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
        assert entry is not None
        assert (entry.action, entry.actor, entry.subject_id) == ("alert.confirm", "afc",
                                                                 str(alert_id))  # fmt: skip
        assert PHONE in entry.detail
        assert verify_audit(session).ok


def test_blocking_blocks_the_indicator(alerts: AlertService, database: Database) -> None:
    alert_id = with_suspect(alerts)
    assert alerts.act(ANALYST, alert_id, AlertAction.BLOCK).status is AlertStatus.BLOCKED
    assert alerts.registry.get(IndicatorKind.MSISDN, PHONE).status is IndicatorStatus.BLOCKED
    assert alerts.registry.lookup(IndicatorKind.MSISDN, PHONE).status is IndicatorStatus.BLOCKED  # type: ignore[union-attr]
    with database.session() as session:
        assert verify_audit(session).ok


def test_clearing_clears_the_indicator(alerts: AlertService, database: Database) -> None:
    alert_id = with_suspect(alerts)
    assert alerts.act(ANALYST, alert_id, AlertAction.CLEAR).status is AlertStatus.CLEARED
    assert alerts.registry.get(IndicatorKind.MSISDN, PHONE).status is IndicatorStatus.CLEARED
    with database.session() as session:
        assert session.scalar(select(func.count()).where(AuditRow.action == "alert.clear")) == 1
        assert verify_audit(session).ok


def test_clearing_an_unknown_subject_writes_nothing_to_the_registry(
    alerts: AlertService,
) -> None:
    alerts.add_many([alert()])
    alert_id = alerts.page(ANALYST, Queue.CALLS).items[0].id
    alerts.act(ANALYST, alert_id, AlertAction.CLEAR)
    with pytest.raises(NotFound):
        alerts.registry.get(IndicatorKind.MSISDN, PHONE)


def test_an_operator_confirms_by_its_rights_a_suspicion_of_its_own(alerts: AlertService) -> None:
    alert_id = with_suspect(alerts, Queue.SIMBOXES)
    alerts.act(OPERATOR, alert_id, AlertAction.BLOCK)
    indicator = alerts.registry.get(IndicatorKind.IMSI, SIM)
    assert indicator.status is IndicatorStatus.SUSPECTED
    assert "beeline" in {s.source for s in indicator.sources}


def test_a_decided_alert_cannot_be_decided_again(alerts: AlertService) -> None:
    alert_id = with_suspect(alerts)
    alerts.act(ANALYST, alert_id, AlertAction.CONFIRM)
    with pytest.raises(Conflict):
        alerts.act(POLICE, alert_id, AlertAction.CLEAR)


def test_who_may_not_act_is_refused(alerts: AlertService) -> None:
    alerts.add_many([alert(Queue.PAYMENTS, bank="HALYK")])
    alert_id = alerts.page(ANALYST, Queue.PAYMENTS).items[0].id
    with pytest.raises(PermissionDenied):
        alerts.act(PROSECUTOR, alert_id, AlertAction.CONFIRM)
    with pytest.raises(NotFound):
        alerts.act(KASPI, alert_id, AlertAction.CONFIRM)
    with pytest.raises(NotFound):
        alerts.act(OPERATOR, alert_id, AlertAction.CONFIRM)
    assert alerts.act(HALYK, alert_id, AlertAction.CONFIRM).decided_by == "halyk"


def test_kpis_count_what_was_stopped_frozen_and_returned(
    alerts: AlertService, database: Database
) -> None:
    day2 = T0 + timedelta(days=1)
    alerts.add_many([
        alert(Queue.CALLS, region="almaty", channel="voice"),
        alert(Queue.CALLS, region="astana", channel="voice", at=day2),
        alert(Queue.CALLS, decision="flag", region="astana"),
        alert(Queue.SMS, decision="block", channel="sms"),
        alert(Queue.PAYMENTS, decision="hold", bank="KASPI", channel="app", amount=5_000),
        alert(Queue.PAYMENTS, decision="review", bank="HALYK", channel="web", amount=7_000),
        alert(Queue.SIMBOXES, evidence={"box": "BOX-1"}, decision="suspect"),
        alert(Queue.SIMBOXES, source_id="other-sim", evidence={"box": "BOX-1"}),
        alert(Queue.DROPPERS, bank="HALYK", decision="suspect", amount=9_000),
    ])  # fmt: skip
    frozen_and_returned(CaseService(database))
    kpis = alerts.kpis(ANALYST)
    assert kpis.totals == {
        "calls_blocked": 2, "sms_blocked": 1, "simboxes_found": 1, "payments_stopped": 1,
        "payments_stopped_amount": 5_000, "droppers_found": 1, "money_frozen": 40_000,
        "money_returned": 15_000, "cases_open": 1,
    }  # fmt: skip
    assert kpis.daily["calls_blocked"] == [(date(2025, 6, 20), 1), (date(2025, 6, 21), 1)]
    assert kpis.by_region["calls_blocked"] == {"almaty": 1, "astana": 1}
    assert kpis.by_channel["payments_stopped_amount"] == {"app": 5_000}
    kaspi = alerts.kpis(KASPI).totals
    assert (kaspi["payments_stopped"], kaspi["droppers_found"], kaspi["calls_blocked"]) == (1, 0, 0)
    assert (kaspi["money_frozen"], kaspi["money_returned"], kaspi["cases_open"]) == (
        40_000, 15_000, 1
    )  # fmt: skip
    assert alerts.kpis(HALYK).totals["money_frozen"] == 0
    assert alerts.kpis(OPERATOR).totals["money_frozen"] == 0


def test_cleared_alerts_count_nowhere(alerts: AlertService) -> None:
    alert_id = with_suspect(alerts)
    assert alerts.kpis(ANALYST).totals["calls_blocked"] == 1
    alerts.act(ANALYST, alert_id, AlertAction.CLEAR)
    assert alerts.kpis(ANALYST).totals["calls_blocked"] == 0


def frozen_and_returned(cases: CaseService) -> None:
    """One case: KASPI ordered 50 000 tiyn, blocked 40 000, returned 15 000."""
    victim, held = "KZ000000000000000V01", "KZ000000000000000A01"
    report = ReportRecord("R1", T0, victim, None, FraudType.BANK_IMPERSONATION, ("T1",))
    holding = Holding(held, "KASPI", 50_000, T0, 2)
    trace = Trace("R1", victim, T0, Rule.FIFO, 50_000, (holding,), (), (), 0)
    cases.open_case(POLICE, report, T0)
    cases.record_trace(ANALYST, "C-R1", trace, T0)
    (order,) = cases.issue_orders(POLICE, "C-R1", "CPC RK art. 161", T0)
    cases.confirm(KASPI, order.order_id, {held: 40_000}, T0 + timedelta(hours=1))
    cases.record_return(KASPI, order.order_id, held, 15_000, "S-1", T0 + timedelta(hours=2))


def test_a_page_of_100k_alerts_is_read_through_the_index(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'big.db'}").migrated()
    try:
        alerts = AlertService(database)
        queues = itertools.cycle([Queue.CALLS, Queue.PAYMENTS])
        inserted = alerts.add_many(
            alert(next(queues), f"S{n}", bank="KASPI" if n % 3 else "HALYK") for n in range(100_000)
        )
        assert inserted == 100_000
        page = alerts.page(ANALYST, Queue.CALLS, AlertStatus.OPEN, before=50_001)
        assert len(page.items) == 50
        assert [a.id for a in page.items] == list(range(49_999, 49_899, -2))
        assert page.next_before == 49_901
        assert page.total == 50_000
        assert len(alerts.page(KASPI, Queue.PAYMENTS, before=1_000).items) == 50
        with database.engine.connect() as connection:
            status_plan = plan(connection, "status = 'open' and id < 50001")
            bank_plan = plan(connection, "bank = 'KASPI' and id < 50001")
            queue_plan = plan(connection, "id < 50001")
        assert QUEUE_INDEX in queue_plan
        assert "TEMP B-TREE" not in queue_plan  # read in order, not sorted
        assert QUEUE_STATUS_INDEX in status_plan
        assert "SCAN alerts" not in status_plan
        assert QUEUE_BANK_INDEX in bank_plan
        assert "SCAN alerts" not in bank_plan
    finally:
        database.dispose()


def plan(connection: object, condition: str) -> str:
    query = (f"explain query plan select * from alerts where queue = 'calls' and {condition} "
             "order by id desc limit 51")  # fmt: skip
    rows = connection.execute(text(query)).fetchall()  # type: ignore[attr-defined]
    return " | ".join(str(row[-1]) for row in rows)
