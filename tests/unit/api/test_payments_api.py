"""The real-time API: one process screens calls and scores payments on the same state."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qorgan.api.app import ApiSettings, create_app

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "iso20022"
T0 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
PAYER = "KZ668564418266381604"
FAMILY = "KZ386019809680864835"
STRANGER = "KZ397229253416221965"
PHONE = "+77051234567"


def at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account,bank,holder,holder_phone,opened_at,kind\n"
        f"{PAYER},bcc,P1,{PHONE},2019-05-01T00:00:00Z,personal\n"
        f"{FAMILY},halyk,P2,,2018-01-01T00:00:00Z,personal\n"
        f"{STRANGER},kaspi,P3,,2017-01-01T00:00:00Z,personal\n",
        encoding="utf-8",
    )
    settings = ApiSettings(accounts=accounts, decision_log=tmp_path / "decisions.jsonl")
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    for day in range(10):
        response = client.post("/v1/payments/score", json=payment(
            f"h{day}", FAMILY, "10000", T0 - timedelta(days=14 - day)))  # fmt: skip
        assert response.status_code == 200, response.text
    return client


def payment(
    tid: str = "t-new", to: str = STRANGER, amount: str = "20000", moment: datetime = T0
) -> dict[str, object]:
    return {
        "transfer_id": tid, "ts": at(moment), "from_account": PAYER, "to_account": to,
        "amount": amount, "channel": "app", "device_id": "dev-1",
    }  # fmt: skip


def spoofed_call() -> dict[str, object]:
    return {
        "call_id": "call-1", "ts": at(T0 - timedelta(minutes=20)), "caller": "+77017654321",
        "callee": PHONE, "ingress": "international", "answered": True, "duration_s": 600,
    }  # fmt: skip


def test_a_payment_is_allowed_alone_and_held_after_a_spoofed_call(
    client: TestClient, tmp_path: Path
) -> None:
    alone = client.post("/v1/payments/score", json=payment("t-alone"))
    assert alone.status_code == 200
    assert alone.json()["action"] == "allow"

    screened = client.post("/v1/calls/screen", json=spoofed_call())
    assert screened.status_code == 200
    assert screened.json()["action"] == "block"
    assert screened.json()["reasons"][0] == "CLI_SPOOF_INTL"

    held = client.post("/v1/payments/score", json=payment("t-after"))
    assert held.status_code == 200
    body = held.json()
    assert body["action"] == "hold"
    call_signal = next(s for s in body["signals"] if s["code"] == "CALL_SCREENED")
    assert call_signal["evidence"]["call_id"] == "call-1"
    assert call_signal["meaning"]

    log = [json.loads(line) for line in (tmp_path / "decisions.jsonl").read_text().splitlines()]
    assert len(log) == 10 + 3  # the history, the two payments and the call: every decision
    last = log[-1]
    assert (last["id"], last["action"], last["kind"]) == ("t-after", "hold", "payment")
    assert "CALL_SCREENED" in last["reasons"]
    assert last["evidence"]["CALL_SCREENED"]["call_id"] == "call-1"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**payment(), "from_account": "KZ00 1234"}, "from_account"),
        ({**payment(), "amount": "-5"}, "amount"),
        ({**payment(), "ts": "yesterday"}, "ts"),
        ({**payment(), "currency": "tenge"}, "currency"),
        ({k: v for k, v in payment().items() if k != "to_account"}, "to_account"),
        ({**payment(), "channel": "pigeon"}, "channel"),
        ({**payment(), "surprise": 1}, "surprise"),
        ({**payment(), "payer_balance": "lots"}, "payer_balance"),
    ],
)
def test_a_bad_field_is_a_422_that_names_it(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/v1/payments/score", json=body)
    assert response.status_code == 422, response.text
    assert field in response.text


HUGE = b'{"transfer_id": "t", "amount": ' + b"9" * 5000 + b"}"
SURROGATE = b'{"transfer_id": "\\ud800", "ts": "2026-03-09T08:00:00Z"}'
SURROGATE_KEY = b'{"\\udfff": 1}'


@pytest.mark.parametrize(
    "raw",
    [
        b"{", b"", b"[]", b"null", b'{"transfer_id": 5}', '{"a": "\u0000"}'.encode(),
        HUGE, SURROGATE, SURROGATE_KEY, b"\xff\xfe{", b'{"a": NaN}', b"<xml/>",
        b"[" * 100_000,
    ],
)  # fmt: skip
def test_malformed_json_is_a_4xx_never_a_500(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/v1/payments/score", content=raw, headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text


def test_a_pain001_sample_is_scored_transaction_by_transaction(client: TestClient) -> None:
    xml = (SHARED / "musterfile_pain.001_Nov2020.xml").read_bytes()
    response = client.post(
        "/v1/payments/score/iso20022", content=xml, headers={"content-type": "application/xml"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message_type"].startswith("pain.001")
    assert body["decisions"]
    assert all(d["action"] in ("allow", "review", "hold") for d in body["decisions"])


def test_a_pacs008_without_accounts_is_a_422_naming_the_element(client: TestClient) -> None:
    xml = (SHARED / "pacs.008.001.07.xml").read_bytes()
    response = client.post("/v1/payments/score/iso20022", content=xml)
    assert response.status_code == 422
    assert "Acct" in response.text


@pytest.mark.parametrize(
    "raw",
    [
        b"<Document><unclosed>",
        b"not xml at all",
        b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">"""
        b"""<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Document>&b;</Document>""",
        (SHARED / "invalid_pain_v11.xml").read_bytes(),
    ],
)
def test_unreadable_xml_is_a_4xx_with_a_reason(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/payments/score/iso20022", content=raw)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]


def test_the_openapi_document_is_the_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/payments/score", "/v1/payments/score/iso20022", "/v1/calls/screen"} <= set(
        spec["paths"]
    )
    body = spec["paths"]["/v1/payments/score"]["post"]["requestBody"]["content"]
    assert {"transfer_id", "amount", "from_account"} <= set(
        body["application/json"]["schema"]["properties"]
    )
    answer = spec["paths"]["/v1/payments/score"]["post"]["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": "#/components/schemas/DecisionOut"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"payer_balance": "1e-400"}, "payer_balance"),
        ({"payer_balance": [1]}, "payer_balance"),
        ({"ts": "2999-01-01T00:00:00Z"}, "ts"),
        ({"amount": "1e400"}, "amount"),
    ],
)
def test_odd_values_are_a_422(client: TestClient, change: dict[str, object], field: str) -> None:
    response = client.post("/v1/payments/score", json={**payment("odd"), **change})
    assert response.status_code == 422, response.text
    assert field in response.text


def test_a_body_past_the_limit_is_a_413(client: TestClient) -> None:
    response = client.post(
        "/v1/payments/score", content=b" " * (2 << 20), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_a_call_posted_at_set_up_counts_once_it_is_known_to_have_lasted(
    client: TestClient,
) -> None:
    setup = {
        "call_id": "call-7", "ts": at(T0 - timedelta(minutes=30)), "caller": "+77021112233",
        "callee": PHONE, "ingress": "radio", "answered": True, "duration_s": 0,
    }  # fmt: skip
    assert client.post("/v1/calls/screen", json=setup).json()["action"] == "allow"
    ended = client.post("/v1/calls/call-7/end", json={"callee": PHONE, "answered": True,
                                                       "duration_s": 1200})  # fmt: skip
    assert ended.status_code == 200, ended.text
    body = client.post("/v1/payments/score", json=payment("t-call7")).json()
    assert "CALL_FIRST_TIME_CALLER" in body["reasons"]
    missing = client.post("/v1/calls/nope/end", json={"callee": PHONE, "answered": False,
                                                       "duration_s": 0})  # fmt: skip
    assert missing.status_code == 404
