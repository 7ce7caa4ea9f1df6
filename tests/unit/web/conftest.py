"""A console over a small world: six agencies, alerts in every queue, one traced case.

Built with the real services (agencies and keys, ``AlertService.add_many``, ``CaseService``)
on the ``database`` fixture (SQLite and PostgreSQL). ``Console.login(name)`` gives a client
signed in as that agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from qorgan.api.app import ApiSettings, create_app
from qorgan.core.ports import IndicatorKind
from qorgan.core.records import FraudType, ReportRecord
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.agencies import create_agency, issue_key
from qorgan.store.sql.alerts import AlertService, NewAlert, Queue
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database
from qorgan.tracing.result import CashOut, CashOutKind, Holding, Hop, Rule, Trace

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # 14:00 in Almaty
VICTIM = "KZ811250000000000V01"
A1, A2, B1 = "KZ087220000000000A01", "KZ787220000000000A02", "KZ306010000000000B01"
CALLS = 1234
"""Blocked call alerts: enough to show the locale's grouping (``1 234`` / ``1,234``)."""
PAYMENT_TIYN = 123_456_789
"""A stopped payment of 1,234,567.89 tenge at bank A."""

AGENCIES = [
    ("afc", Role.ANALYST, None),
    ("police", Role.POLICE, None),
    ("prosecutor", Role.PROSECUTOR, None),
    ("beeline", Role.OPERATOR, None),
    ("bank-a", Role.BANK, "BANKA"),
    ("bank-b", Role.BANK, "BANKB"),
]


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Console:
    app: object
    keys: dict[str, str]
    database: Database
    case_id: str
    trace: Trace

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]

    def login(self, name: str, lang: str = "en") -> TestClient:
        client = self.client()
        assert client.get("/console/login", params={"lang": lang}).status_code == 200
        answer = client.post(
            "/console/login", data={"key": self.keys[name]}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
        return client


def call_alert(n: int) -> NewAlert:
    return NewAlert(
        Queue.CALLS, f"CALL{n:06d}", IndicatorKind.MSISDN, f"+7701{n:07d}",
        T0 + timedelta(minutes=n), 0.97, "block", ("CLI_SPOOF_INTL", "CLI_UNALLOCATED"),
        {"ingress": "international", "roaming": False}, "ALA", "voice",
    )  # fmt: skip


def world_alerts() -> list[NewAlert]:
    alerts = [call_alert(n) for n in range(CALLS)]
    alerts.append(
        NewAlert(Queue.SMS, "SMS1", IndicatorKind.DOMAIN, "kaspi-bonus.kz", T0, 0.9, "block",
                 ("SMS_LOOKALIKE_LINK",), {"link": "http://kaspi-bonus.kz/x"}, "AST", "sms")
    )  # fmt: skip
    alerts.append(
        NewAlert(Queue.PAYMENTS, "TA1", IndicatorKind.IBAN, A1, T0, 0.8, "hold",
                 ("PAY_NEW_PAYEE", "CALL_SCREENED"), {"amount": "1234567.89"}, None, "app",
                 "BANKA", PAYMENT_TIYN)
    )  # fmt: skip
    alerts.append(
        NewAlert(Queue.PAYMENTS, "TB1", IndicatorKind.IBAN, B1, T0, 0.7, "hold",
                 ("PAY_DRAIN",), {}, None, "web", "BANKB", 5_000_00)
    )  # fmt: skip
    alerts.append(
        NewAlert(Queue.DROPPERS, A2, IndicatorKind.IBAN, A2, T0, 0.88, "suspect",
                 ("DROP_PASS_THROUGH",), {"inflow": "900000.00"}, None, None, "BANKA", 900_000_00)
    )  # fmt: skip
    alerts.append(
        NewAlert(Queue.SIMBOXES, "401011234567890", IndicatorKind.IMSI, "401011234567890", T0,
                 0.93, "block", ("SIMBOX_SHARED_IMEI",), {"box": "BOX1"}, "ALA", "voice")
    )  # fmt: skip
    return alerts


def world_trace(report: ReportRecord) -> Trace:
    """The victim pays A1; A1 moves money to A2 and B1; B1 withdraws cash and buys crypto."""
    hops = (
        Hop("T1", T0, VICTIM, A1, 1_000_000_00, 1_000_000_00, 1, Rule.FIFO),
        Hop("T2", T0, A1, A2, 300_000_00, 300_000_00, 2, Rule.FIFO),
        Hop("T3", T0, A1, B1, 400_000_00, 400_000_00, 2, Rule.FIFO),
        Hop("T4", T0, B1, "CASH", 100_000_00, 100_000_00, 3, Rule.FIFO),
        Hop("T5", T0, B1, "CRYPTO:binance", 50_000_00, 50_000_00, 3, Rule.FIFO),
    )
    held = (
        Holding(A1, "BANKA", 300_000_00, T0, 1),
        Holding(A2, "BANKA", 300_000_00, T0, 2),
        Holding(B1, "BANKB", 250_000_00, T0, 2),
    )
    outs = (
        CashOut("T4", T0, B1, "BANKB", CashOutKind.ATM, "CASH", 100_000_00),
        CashOut("T5", T0, B1, "BANKB", CashOutKind.CRYPTO, "CRYPTO:binance", 50_000_00),
    )
    return Trace(report.report_id, VICTIM, report.ts, Rule.FIFO, 1_000_000_00, held, outs,
                 hops, 0)  # fmt: skip


@pytest.fixture
def console(database: Database) -> Console:
    keys = {}
    with database.session() as session:
        for name, role, bank in AGENCIES:
            keys[name] = issue_key(session, create_agency(session, name, role, bank))
    AlertService(database).add_many(world_alerts())
    clock = Clock(T0 + timedelta(hours=1))
    cases = CaseService(database, clock=clock)
    police = Principal("police", Role.POLICE)
    report = ReportRecord("R1", T0, VICTIM, "+77011234567", FraudType.BANK_IMPERSONATION, ("T1",))
    case = cases.open_case(police, report)
    trace = world_trace(report)
    cases.record_trace(None, case.case_id, trace)
    orders = cases.issue_orders(police, case.case_id, "CPC RK art. 161")
    bank_a = Principal("bank-a", Role.BANK, "BANKA")
    order_a = next(o for o in orders if o.bank == "BANKA")
    cases.confirm(bank_a, order_a.order_id, {A1: 300_000_00, A2: 250_000_00})
    app = create_app(ApiSettings(decision_log=None, database_url=database.url))
    app.state.database = database
    app.state.clock = clock
    return Console(app, keys, database, case.case_id, trace)
