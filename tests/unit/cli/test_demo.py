"""``qorgan demo``'s pipeline: one small world, every queue, cases, money and working keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from qorgan.api.app import ApiSettings, create_app
from qorgan.cli import app
from qorgan.commands.casework import orders_by_state
from qorgan.commands.demo import DemoSummary, build_demo, fresh_database
from qorgan.core.errors import Conflict
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.alert_tables import AlertRow
from qorgan.store.sql.alerts import AlertService, Queue
from qorgan.store.sql.audit import verify_audit
from qorgan.store.sql.case_tables import CaseRow, FreezeOrderRow
from qorgan.store.sql.cases import CaseService
from qorgan.store.sql.db import Database

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Demo:
    out: Path
    url: str
    summary: DemoSummary
    lines: list[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    out = tmp_path_factory.mktemp("demo") / "world"
    url = f"sqlite:///{out.parent / 'demo.db'}"
    lines: list[str] = []
    return Demo(out, url, build_demo(out, 7, url, report=lines.append), lines)


@pytest.fixture
def database(demo: Demo) -> Iterator[Database]:
    db = Database(demo.url)
    try:
        yield db
    finally:
        db.dispose()


def test_every_queue_has_alerts(demo: Demo) -> None:
    assert set(demo.summary.alerts) == {q.value for q in Queue}
    assert all(count > 0 for count in demo.summary.alerts.values())


def test_each_step_reports_progress(demo: Demo) -> None:
    steps = [line for line in demo.lines if line[:1].isdigit()]
    assert [s.split()[0] for s in steps] == ["1/5", "2/5", "3/5", "4/5", "5/5"]


def test_cases_exist_with_orders_in_every_stage(demo: Demo, database: Database) -> None:
    with database.session() as session:
        cases = session.scalars(select(CaseRow.case_id)).all()
        orders = session.scalars(select(FreezeOrderRow.state)).all()
    assert demo.summary.cases == len(cases) > 0
    assert sum(demo.summary.orders.values()) == len(orders) > 0
    for state in ("confirmed", "extended", "released", "returned"):
        assert demo.summary.orders[state] > 0, state


def test_money_was_frozen_and_returned(demo: Demo, database: Database) -> None:
    assert demo.summary.frozen > 0
    assert demo.summary.returned > 0
    kpis = AlertService(database).kpis(Principal("afc", Role.ANALYST))
    assert kpis.totals["money_frozen"] == demo.summary.frozen
    assert kpis.totals["money_returned"] == demo.summary.returned
    assert all(kpis.totals[k] > 0 for k in ("calls_blocked", "sms_blocked", "payments_stopped"))


def test_the_analyst_decided_some_alerts_and_the_audit_chain_holds(
    demo: Demo, database: Database
) -> None:
    counts = AlertService(database).counts(Principal("afc", Role.ANALYST))
    decided = sum(n for by in counts.values() for s, n in by.items() if s != "open")
    assert decided == demo.summary.decided > 0
    with database.session() as session:
        verdict = verify_audit(session)
    assert verdict.ok
    assert verdict.entries > demo.summary.decided


def test_the_keys_file_opens_the_api(demo: Demo, database: Database) -> None:
    keys = {k["agency"]: k for k in json.loads(demo.summary.keys_path.read_text())}
    assert keys["afc"]["role"] == "analyst"
    banks = [k for k in keys.values() if k["role"] == "bank"]
    assert banks
    assert all(k["bank"] for k in banks)
    with database.session() as session:
        case_id = session.scalars(select(CaseRow.case_id).order_by(CaseRow.case_id)).first()
    api = create_app(ApiSettings(database_url=demo.url, decision_log=None))
    api.state.database = database
    client = TestClient(api)
    path = f"/v1/cases/{case_id}"
    answer = client.get(path, headers={"Authorization": f"Bearer {keys['afc']['key']}"})
    assert answer.status_code == 200
    assert answer.json()["case_id"] == case_id
    operator = client.get(path, headers={"Authorization": f"Bearer {keys['operator']['key']}"})
    assert operator.status_code == 404
    assert (
        client.get(path, headers={"Authorization": "Bearer qk_not-a-demo-key"}).status_code == 401
    )


def test_the_command_rebuilds_the_same_figures_and_prints_the_keys(
    demo: Demo, database: Database
) -> None:
    args = ["demo", "--out", str(demo.out), "--db", demo.url, "--no-serve", "--port", "8123"]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "--reset" in refused.output
    result = CliRunner().invoke(app, [*args, "--reset"])
    assert result.exit_code == 0, result.output
    assert "console: http://127.0.0.1:8123/console" in result.output
    key = result.output.split("analyst key (afc): ")[1].split()[0]
    assert key.startswith("qk_")
    assert key != demo.summary.key_of("afc")
    analyst = Principal("afc", Role.ANALYST)
    counts = AlertService(database).counts(analyst)
    assert {q.value: sum(by.values()) for q, by in counts.items()} == demo.summary.alerts
    assert orders_by_state(CaseService(database), analyst) == demo.summary.orders
    kpis = AlertService(database).kpis(analyst).totals
    assert (kpis["money_frozen"], kpis["money_returned"]) == (
        demo.summary.frozen,
        demo.summary.returned,
    )


def test_a_database_that_holds_tables_is_refused_unless_reset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.db'}"
    Database(url).migrated().dispose()
    with pytest.raises(Conflict, match="--reset"):
        fresh_database(url)
    emptied = fresh_database(url, reset=True)
    try:
        with emptied.session() as session:
            assert session.scalar(select(func.count()).select_from(AlertRow)) == 0
    finally:
        emptied.dispose()
