"""A report filed at ``/v1/reports`` on an API that holds a transfer history is traced at
once, and its case can issue orders from that trace."""

from __future__ import annotations

import csv
from pathlib import Path

from fastapi.testclient import TestClient

from qorgan.api.app import ApiSettings, create_app
from qorgan.core.roles import Role
from qorgan.sim.ids import kz_iban
from qorgan.store.sql.agencies import create_agency, issue_key
from qorgan.store.sql.db import Database

VICTIM, MULE, NEXT = kz_iban("125", 1), kz_iban("722", 2), kz_iban("601", 3)


def test_a_report_filed_through_the_api_is_traced_and_frozen(
    tmp_path: Path, database: Database
) -> None:
    transfers = tmp_path / "transfers.csv"
    with transfers.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["transfer_id", "ts", "from_account", "to_account", "amount", "currency",
                      "channel", "device_id", "ip"])  # fmt: skip
        out.writerow(
            ["T1", "2025-06-20T09:00:00Z", VICTIM, MULE, "500000.00", "KZT", "app", "", ""]
        )
        out.writerow(["T2", "2025-06-20T09:10:00Z", MULE, NEXT, "450000.00", "KZT", "app", "", ""])
    with database.session() as session:
        key = issue_key(session, create_agency(session, "police", Role.POLICE))
    app = create_app(ApiSettings(decision_log=None, transfers=transfers, database_url=database.url))
    app.state.database = database
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {key}"}
    report = {
        "report_id": "R1",
        "ts": "2025-06-20T10:00:00Z",
        "victim_account": VICTIM,
        "victim_phone": None,
        "fraud_type": "bank_impersonation",
        "transfer_ids": ["T1"],
    }

    assert client.post("/v1/reports", json=report, headers=headers).status_code == 201
    orders = client.post(
        "/v1/cases/C-R1/freeze-orders", json={"legal_basis": "CPC RK art. 161"}, headers=headers
    )

    assert orders.status_code == 201, orders.text
    placed = {i["account"]: i["amount_ordered"] for o in orders.json() for i in o["items"]}
    assert placed == {MULE: "50000.00", NEXT: "450000.00"}
