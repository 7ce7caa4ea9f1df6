"""One victim's report walked through the API to money back, on SQLite and PostgreSQL.

Police file the report; the server's tracer finds the money at two banks; one freeze order
goes to each; bank A blocks less than ordered; the prosecutor extends bank A's order while
bank B's runs out unextended and is released by the expiry job; on the prosecutor's sanction
bank A returns the money to the victim; the case shows it, and the audit chain holds until
one row is tampered with. Time comes from an injected clock, never from sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from qorgan.api.app import ApiSettings, create_app
from qorgan.core.records import ReportRecord
from qorgan.core.roles import Role
from qorgan.store.sql.agencies import create_agency, issue_key
from qorgan.store.sql.audit import AuditRow, verify_audit
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database
from qorgan.tracing.result import CashOut, CashOutKind, Holding, Rule, Trace

FRIDAY_14H = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # 14:00 in Almaty (UTC+5)
VICTIM = "KZ811250000000000V01"
A1, A2, B1 = "KZ087220000000000A01", "KZ787220000000000A02", "KZ306010000000000B01"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def tracer(report: ReportRecord) -> Trace:
    """What the tracing engine would find: 1,000,000 tenge lost, 850,000 held at two banks."""
    held = (
        Holding(A1, "BANKA", 500_000_00, report.ts, 2),
        Holding(B1, "BANKB", 250_000_00, report.ts, 3),
        Holding(A2, "BANKA", 100_000_00, report.ts, 3),
    )
    atm = CashOut("T9", report.ts, B1, "BANKB", CashOutKind.ATM, "CASH", 150_000_00)
    return Trace(report.report_id, report.victim_account, report.ts, Rule.FIFO, 1_000_000_00,
                 held, (atm,), (), 0)  # fmt: skip


@pytest.fixture
def world(database: Database) -> tuple[TestClient, dict[str, dict[str, str]], Clock]:
    headers = {}
    with database.session() as session:
        for name, role, bank in [
            ("police-almaty", Role.POLICE, None), ("prosecutor-almaty", Role.PROSECUTOR, None),
            ("bank-a", Role.BANK, "BANKA"), ("bank-b", Role.BANK, "BANKB"),
        ]:  # fmt: skip
            key = issue_key(session, create_agency(session, name, role, bank))
            headers[name] = {"Authorization": f"Bearer {key}"}
    clock = Clock(FRIDAY_14H)
    app = create_app(ApiSettings(decision_log=None, database_url=database.url))
    app.state.database = database
    app.state.clock = clock
    app.state.tracer = tracer
    return TestClient(app), headers, clock


def test_a_report_walks_to_money_back_and_the_audit_trail_holds(
    world: tuple[TestClient, dict[str, dict[str, str]], Clock], database: Database
) -> None:
    client, who, clock = world

    def post(agency: str, path: str, body: object, expect: int = 200) -> dict:  # type: ignore[type-arg]
        answer = client.post(path, json=body, headers=who[agency])
        assert answer.status_code == expect, answer.text
        return answer.json()  # type: ignore[no-any-return]

    # Police file the report; the server traces it on intake.
    report = {
        "report_id": "R-2025-0001", "ts": "2025-06-20T13:40:00+05:00",
        "victim_account": VICTIM, "victim_phone": "+77011234567",
        "fraud_type": "bank_impersonation", "transfer_ids": ["T1", "T2"],
    }  # fmt: skip
    case = post("police-almaty", "/v1/reports", report, 201)
    case_id = case["case_id"]
    assert case["status"] == "tracing"
    assert case["trace"]["held"] == "850000.00"

    # One order per bank, expiring at the end of the 5th business day (Friday 27 June).
    clock.now += timedelta(minutes=20)
    basis = {"legal_basis": "CPC RK art. 161"}
    orders = post("police-almaty", f"/v1/cases/{case_id}/freeze-orders", basis, 201)
    assert [(o["bank"], o["amount_ordered"]) for o in orders] == [
        ("BANKA", "600000.00"),
        ("BANKB", "250000.00"),
    ]
    expiry = datetime.fromisoformat(orders[0]["expires_at"])
    assert expiry == datetime(2025, 6, 27, 18, 59, 59, tzinfo=UTC)
    order_a, order_b = (o["order_id"] for o in orders)

    # Bank A blocks less than ordered: some of the money moved on before the order came.
    clock.now += timedelta(hours=2)
    blocked = {"blocked": {A1: "420000.00", A2: "100000.00"}}
    confirmed = post("bank-a", f"/v1/freeze-orders/{order_a}/confirm", blocked)
    assert confirmed["amount_blocked"] == "520000.00"

    # Thursday: the prosecutor extends bank A's order; bank B's is left to run out.
    clock.now = datetime(2025, 6, 26, 6, 0, tzinfo=UTC)
    extension = {"days": 20, "reason": "suspects identified, sanction requested"}
    extended = post("prosecutor-almaty", f"/v1/freeze-orders/{order_a}/extend", extension)
    assert datetime.fromisoformat(extended["expires_at"]) > expiry + timedelta(days=20)

    # Saturday: the expiry job releases bank B's order, not bank A's.
    clock.now = datetime(2025, 6, 28, 3, 0, tzinfo=UTC)
    released = CaseService(database, clock=clock).expire_due()
    assert [(o.order_id, o.release_reason and o.release_reason.value) for o in released] == [
        (order_b, "expired")
    ]

    # The prosecutor's sanction; bank A returns the blocked money in two transfers.
    clock.now = datetime(2025, 7, 2, 5, 0, tzinfo=UTC)
    sanction = "PR-ALM-2025/0117"
    post("prosecutor-almaty", f"/v1/cases/{case_id}/notes", {"text": f"sanction {sanction}"}, 201)
    path = f"/v1/freeze-orders/{order_a}/returns"
    post("bank-a", path, {"account": A1, "amount": "420000.00", "sanction": sanction}, 201)
    too_much = {"account": A2, "amount": "100000.01", "sanction": sanction}
    assert client.post(path, json=too_much, headers=who["bank-a"]).status_code == 409
    post("bank-a", path, {"account": A2, "amount": "100000.00", "sanction": sanction}, 201)

    # The case shows the money back and every step on its timeline.
    final = client.get(f"/v1/cases/{case_id}", headers=who["police-almaty"]).json()
    assert final["status"] == "returned"
    assert final["returned"] == "520000.00"
    assert {o["order_id"]: o["state"] for o in final["orders"]} == {
        order_a: "returned",
        order_b: "released",
    }
    assert all(r["to_account"] == VICTIM for r in final["returns"])
    kinds = [e["kind"] for e in final["events"]]
    for kind in ("report_received", "trace_recorded", "order_issued", "order_confirmed",
                 "order_extended", "order_released", "order_returned", "note_added"):  # fmt: skip
        assert kind in kinds

    # The audit trail is whole, and tampering with one row is named.
    with database.session() as session:
        verdict = verify_audit(session)
        assert verdict.ok, verdict.reason
        seq = session.scalar(select(AuditRow.seq).where(AuditRow.action == "order.confirm"))
        assert seq is not None
        session.execute(
            update(AuditRow).where(AuditRow.seq == seq).values(detail='{"blocked":60000000}')
        )
        session.flush()
        tampered = verify_audit(session)
        assert not tampered.ok
        assert tampered.first_bad_seq == seq
