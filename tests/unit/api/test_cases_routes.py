"""``/v1/reports``, ``/v1/cases`` and ``/v1/freeze-orders``: roles enforced, amounts in tenge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from qorgan.api.app import ApiSettings, create_app
from qorgan.core.records import ReportRecord
from qorgan.core.roles import Role
from qorgan.store.sql.agencies import create_agency, issue_key
from qorgan.store.sql.db import Database
from qorgan.tracing.result import Holding, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
VICTIM = "KZ811250000000000V01"
A1, B1 = "KZ087220000000000A01", "KZ306010000000000B01"
REPORT = {
    "report_id": "R1",
    "ts": "2025-06-20T13:30:00+05:00",
    "victim_account": VICTIM,
    "victim_phone": "+77011234567",
    "fraud_type": "bank_impersonation",
    "transfer_ids": ["T1"],
}


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Api:
    client: TestClient
    keys: dict[str, str]
    clock: Clock

    def call(self, who: str, method: str, path: str, body: object = None) -> tuple[int, object]:
        headers = {"Authorization": f"Bearer {self.keys[who]}"}
        answer = self.client.request(method, path, json=body, headers=headers)
        return answer.status_code, answer.json()


def two_bank_trace(report: ReportRecord) -> Trace:
    held = (Holding(A1, "BANKA", 60_000_00, T0, 2), Holding(B1, "BANKB", 25_000_00, T0, 3))
    return Trace(report.report_id, report.victim_account, report.ts, Rule.FIFO, 100_000_00,
                 held, (), (), 15_000_00)  # fmt: skip


@pytest.fixture
def api(database: Database) -> Api:
    keys = {}
    with database.session() as session:
        for name, role, bank in [
            ("police", Role.POLICE, None), ("prosecutor", Role.PROSECUTOR, None),
            ("beeline", Role.OPERATOR, None), ("bank-a", Role.BANK, "BANKA"),
            ("bank-b", Role.BANK, "BANKB"),
        ]:  # fmt: skip
            keys[name] = issue_key(session, create_agency(session, name, role, bank))
    app = create_app(ApiSettings(decision_log=None, database_url=database.url))
    app.state.database = database
    clock = Clock(T0)
    app.state.clock = clock
    app.state.tracer = two_bank_trace
    return Api(TestClient(app), keys, clock)


@pytest.fixture
def orders(api: Api) -> Api:
    status, _ = api.call("police", "POST", "/v1/reports", REPORT)
    assert status == 201
    status, issued = api.call(
        "police", "POST", "/v1/cases/C-R1/freeze-orders", {"legal_basis": "CPC RK art. 161"}
    )
    assert status == 201, issued
    return api


def test_police_file_a_report_and_it_is_traced_on_intake(api: Api) -> None:
    status, case = api.call("police", "POST", "/v1/reports", REPORT)
    assert status == 201
    assert case["case_id"] == "C-R1"
    assert case["status"] == "tracing"
    assert case["trace"]["held"] == "85000.00"
    status, again = api.call("police", "POST", "/v1/reports", REPORT)
    assert again["case_id"] == "C-R1"
    assert [e["kind"] for e in again["events"]].count("trace_recorded") == 1


def test_a_report_with_a_bad_iban_is_refused_naming_the_field(api: Api) -> None:
    status, body = api.call("police", "POST", "/v1/reports", {**REPORT, "victim_account": "KZ1"})
    assert status == 422
    assert body["detail"][0]["field"] == "victim_account"


def test_an_operator_gets_404_on_cases(orders: Api) -> None:
    status, _ = orders.call("beeline", "GET", "/v1/cases/C-R1")
    assert status == 404
    status, _ = orders.call("beeline", "POST", "/v1/reports", REPORT)
    assert status == 403


def test_bank_a_cannot_see_or_confirm_bank_bs_order(orders: Api) -> None:
    assert orders.call("bank-a", "GET", "/v1/freeze-orders/C-R1-BANKB")[0] == 404
    status, _ = orders.call(
        "bank-a", "POST", "/v1/freeze-orders/C-R1-BANKB/confirm", {"blocked": {B1: "1.00"}}
    )
    assert status == 404
    status, page = orders.call("bank-a", "GET", "/v1/freeze-orders?bank=BANKB")
    assert page["total"] == 0
    status, case = orders.call("bank-a", "GET", "/v1/cases/C-R1")
    assert status == 200
    assert [o["bank"] for o in case["orders"]] == ["BANKA"]
    assert case["trace"] is None
    assert B1 not in str(case)


def test_bank_confirms_in_tenge_and_cannot_block_more_than_ordered(orders: Api) -> None:
    path = "/v1/freeze-orders/C-R1-BANKA/confirm"
    status, _ = orders.call("bank-a", "POST", path, {"blocked": {A1: "60000.01"}})
    assert status == 400
    status, order = orders.call("bank-a", "POST", path, {"blocked": {A1: "41500.50"}})
    assert status == 200
    assert order["state"] == "confirmed"
    assert order["items"][0]["amount_blocked"] == "41500.50"
    assert orders.call("bank-a", "POST", path, {"blocked": {}})[0] == 409


def test_prosecutor_can_extend_and_a_bank_cannot(orders: Api) -> None:
    orders.call("bank-a", "POST", "/v1/freeze-orders/C-R1-BANKA/confirm", {"blocked": {}})
    body = {"days": 10, "reason": "investigation continues"}
    path = "/v1/freeze-orders/C-R1-BANKA/extend"
    assert orders.call("bank-a", "POST", path, body)[0] == 403
    status, order = orders.call("prosecutor", "POST", path, body)
    assert status == 200
    assert order["state"] == "extended"
    assert orders.call("prosecutor", "POST", path, {"reason": "x"})[0] == 422


def test_orders_are_listed_by_state_and_released_by_hand(orders: Api) -> None:
    status, order = orders.call(
        "police", "POST", "/v1/freeze-orders/C-R1-BANKB/release", {"reason": "mistaken"}
    )
    assert status == 200
    assert order["release_reason"] == "mistaken"
    status, page = orders.call("police", "GET", "/v1/freeze-orders?state=released")
    assert [o["order_id"] for o in page["items"]] == ["C-R1-BANKB"]
    assert orders.call("police", "GET", "/v1/freeze-orders?state=frozen")[0] == 422


def test_notes_and_returns_show_on_the_case(orders: Api) -> None:
    orders.call("bank-a", "POST", "/v1/freeze-orders/C-R1-BANKA/confirm", {"blocked": {}})
    status, _ = orders.call("police", "POST", "/v1/cases/C-R1/notes", {"text": "victim called"})
    assert status == 201
    body = {"account": A1, "amount": "100.00", "sanction": "PR-1"}
    status, _ = orders.call("bank-a", "POST", "/v1/freeze-orders/C-R1-BANKA/returns", body)
    assert status == 409  # nothing was blocked: nothing to return
    assert orders.call("bank-b", "POST", "/v1/freeze-orders/C-R1-BANKA/returns", body)[0] == 404
    status, case = orders.call("police", "GET", "/v1/cases/C-R1")
    assert [n["text"] for n in case["notes"]] == ["victim called"]
    assert case["returned"] == "0.00"
