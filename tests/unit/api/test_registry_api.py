"""``/v1/indicators`` with API keys: roles decide what is seen and done; reads are audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from qorgan.api.app import ApiSettings, create_app
from qorgan.api.auth import KeyCache
from qorgan.core.roles import Role
from qorgan.store.sql.agencies import create_agency, issue_key, revoke_key
from qorgan.store.sql.audit import AuditRow, verify_audit
from qorgan.store.sql.db import Database

IBAN = "KZ86125KZT5004100100"
PHONE = "+77011234567"
Api = tuple[TestClient, dict[str, str]]


@pytest.fixture
def api(database: Database) -> Api:
    keys = {}
    with database.session() as session:
        for name, role, bank in [
            ("afc", Role.ANALYST, None), ("beeline", Role.OPERATOR, None),
            ("kaspi", Role.BANK, "KASPI"), ("police", Role.POLICE, None),
        ]:  # fmt: skip
            keys[name] = issue_key(session, create_agency(session, name, role, bank))
    app = create_app(ApiSettings(decision_log=None, database_url=database.url))
    app.state.database = database
    return TestClient(app), keys


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def report(client: TestClient, key: str, kind: str, value: str, confidence: float = 0.7) -> Any:
    return client.post(
        "/v1/indicators",
        json={"kind": kind, "value": value, "confidence": confidence, "evidence": ["case:C-1"]},
        headers=auth(key),
    )


def test_a_bank_reports_an_iban_and_an_analyst_reads_it(api: Api) -> None:
    client, keys = api
    created = report(client, keys["kaspi"], "iban", "kz86 125k zt50 0410 0100")
    assert created.status_code == 201, created.text
    assert created.json()["value"] == IBAN
    assert created.json()["sources"][0]["source"] == "agency:kaspi"
    read = client.get(f"/v1/indicators/iban/{IBAN}", headers={"X-Api-Key": keys["afc"]})
    assert read.status_code == 200
    assert read.json()["evidence"] == ["case:C-1"]
    assert "operator" not in read.json()["shared_with"]


def test_an_operator_gets_404_for_an_iban_it_may_not_see(api: Api) -> None:
    client, keys = api
    report(client, keys["kaspi"], "iban", IBAN)
    hidden = client.get(f"/v1/indicators/iban/{IBAN}", headers=auth(keys["beeline"]))
    missing = client.get("/v1/indicators/iban/KZ397229253416221965", headers=auth(keys["beeline"]))
    assert hidden.status_code == missing.status_code == 404
    listed = client.get("/v1/indicators", headers=auth(keys["beeline"]))
    assert listed.json()["total"] == 0


def test_an_operator_may_not_report_an_iban(api: Api) -> None:
    client, keys = api
    assert report(client, keys["beeline"], "iban", IBAN).status_code == 403
    assert report(client, keys["beeline"], "msisdn", "87011234567").status_code == 201


def test_requests_without_a_valid_key_get_401(api: Api) -> None:
    client, _ = api
    assert client.get("/v1/indicators").status_code == 401
    bad = client.get("/v1/indicators", headers=auth("qk_not-a-key-at-all-xxxxxxxxxxxx"))
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"


def test_police_may_confirm_but_not_block(api: Api) -> None:
    client, keys = api
    report(client, keys["afc"], "msisdn", PHONE)
    url = f"/v1/indicators/msisdn/{PHONE}/status"
    confirmed = client.post(url, json={"status": "confirmed", "note": "case C-1"},
                            headers=auth(keys["police"]))  # fmt: skip
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    blocked = client.post(url, json={"status": "blocked"}, headers=auth(keys["police"]))
    assert blocked.status_code == 403
    again = client.post(url, json={"status": "confirmed"}, headers=auth(keys["afc"]))
    assert again.status_code == 409
    banks = client.post(url, json={"status": "blocked"}, headers=auth(keys["kaspi"]))
    assert banks.status_code == 403


def test_every_read_is_in_the_audit_log(api: Api, database: Database) -> None:
    client, keys = api
    report(client, keys["afc"], "msisdn", PHONE)
    client.get(f"/v1/indicators/msisdn/{PHONE}", headers=auth(keys["kaspi"]))
    client.get("/v1/indicators?value=%2B7701&kind=msisdn", headers=auth(keys["kaspi"]))
    with database.session() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
        assert verify_audit(session).ok
    assert [(r.action, r.actor) for r in rows] == [
        ("indicator.assert", "afc"), ("indicator.read", "kaspi"), ("indicator.search", "kaspi"),
    ]  # fmt: skip


def test_a_url_value_with_slashes_is_one_path_parameter(api: Api) -> None:
    client, keys = api
    report(client, keys["afc"], "url", "https://Kaspi-Bonus.kz/login")
    read = client.get("/v1/indicators/url/https://kaspi-bonus.kz/login", headers=auth(keys["afc"]))
    assert read.status_code == 200
    assert read.json()["value"] == "https://kaspi-bonus.kz/login"


def test_a_bad_value_is_a_400_naming_the_kind(api: Api) -> None:
    client, keys = api
    response = report(client, keys["afc"], "iban", "KZ00")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("iban: ")


def test_a_revoked_key_stops_working_once_the_cache_expires(api: Api, database: Database) -> None:
    client, keys = api
    assert client.get("/v1/indicators", headers=auth(keys["afc"])).status_code == 200
    with database.session() as session:
        revoke_key(session, keys["afc"])
    assert client.get("/v1/indicators", headers=auth(keys["afc"])).status_code == 200  # cached
    client.app.state.keys = KeyCache(ttl_s=0.0)  # type: ignore[attr-defined]
    assert client.get("/v1/indicators", headers=auth(keys["afc"])).status_code == 401


def test_the_open_endpoints_stay_open(api: Api) -> None:
    client, _ = api
    assert client.get("/v1/health").status_code == 200
