"""The console end to end through HTTP: sign-in, roles, languages, actions, paging."""

from __future__ import annotations

import re

import pytest
from tests.unit.web.conftest import A1, CALLS, Console


def kpi(html: str, key: str) -> str:
    found = re.search(rf'data-kpi="{key}">([^<]*)<', html)
    assert found is not None, f"no tile {key}"
    return found.group(1)


def test_a_page_without_a_session_redirects_to_the_sign_in_form(console: Console) -> None:
    client = console.client()
    for path in ("/console", "/console/alerts/calls", "/console/cases", "/console/audit"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/login"
    assert client.get("/", follow_redirects=False).headers["location"] == "/console"


def test_a_wrong_key_shows_the_form_again_with_401(console: Console) -> None:
    client = console.client()
    answer = client.post("/console/login", data={"key": "qk_wrong-key-0123456789abcdef"})
    assert answer.status_code == 401
    assert 'id="login-error"' in answer.text
    assert 'id="login-key"' in answer.text
    assert "qorgan_session" not in answer.headers.get("set-cookie", "")


def test_the_session_cookie_is_http_only_and_same_site_strict(console: Console) -> None:
    client = console.client()
    answer = client.post("/console/login", data={"key": console.keys["afc"]},
                         follow_redirects=False)  # fmt: skip
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert console.keys["afc"].lower() not in cookie


def test_a_post_from_another_site_is_refused(console: Console) -> None:
    client = console.login("afc")
    answer = client.post(
        "/console/alerts/calls/1/block", headers={"origin": "https://evil.example"}
    )
    assert answer.status_code == 403


def test_signing_out_ends_the_session(console: Console) -> None:
    client = console.login("afc")
    token = client.cookies.get("qorgan_session")
    answer = client.post("/console/logout", follow_redirects=False)
    assert answer.headers["location"] == "/console/login"
    client.cookies.set("qorgan_session", token or "", path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_an_analyst_and_a_bank_see_different_navigation_and_tiles(console: Console) -> None:
    analyst = console.login("afc").get("/console").text
    bank = console.login("bank-a").get("/console").text
    assert 'id="nav-audit"' in analyst
    assert 'id="nav-audit"' not in bank
    assert 'id="kpi-calls_blocked"' in analyst
    assert 'id="kpi-calls_blocked"' not in bank
    assert 'id="kpi-payments_stopped"' in bank
    assert 'id="kpi-money_frozen"' in bank


def test_a_bank_sees_only_its_own_banks_figures(console: Console) -> None:
    bank_a = console.login("bank-a").get("/console").text
    bank_b = console.login("bank-b").get("/console").text
    assert kpi(bank_a, "payments_stopped") == "1"
    assert kpi(bank_a, "payments_stopped_amount") == "₸1,234,567.89"
    assert kpi(bank_b, "payments_stopped_amount") == "₸5,000.00"
    assert kpi(bank_a, "money_frozen") == "₸550,000.00"
    assert kpi(bank_b, "money_frozen") == "₸0.00"


def test_the_operator_sees_telecom_queues_and_no_cases(console: Console) -> None:
    operator = console.login("beeline")
    html = operator.get("/console").text
    assert 'id="kpi-calls_blocked"' in html
    assert 'id="kpi-money_frozen"' not in html
    assert 'id="nav-cases"' not in html
    assert operator.get("/console/alerts/payments").status_code == 403
    assert operator.get("/console/cases").status_code == 403
    assert operator.get(f"/console/cases/{console.case_id}").status_code == 403
    analyst = console.login("afc")
    payments = analyst.get("/console/alerts/payments", params={"status": "open"}).text
    for alert_id in re.findall(r'<tr data-alert-id="(\d+)">', payments):
        analyst.post(f"/console/alerts/payments/{alert_id}/block")
    assert 'data-kind="iban"' in analyst.get("/console/registry", params={"q": A1}).text
    hidden = operator.get("/console/registry", params={"q": A1}).text
    assert 'data-kind="iban"' not in hidden
    assert 'id="registry-unknown"' in hidden


def test_a_bank_gets_403_on_the_calls_queue_with_a_page(console: Console) -> None:
    answer = console.login("bank-a").get("/console/alerts/calls")
    assert answer.status_code == 403
    assert "<html" in answer.text
    assert 'id="error-title"' in answer.text


def test_figures_are_formatted_per_locale(console: Console) -> None:
    english = console.login("afc", "en").get("/console").text
    russian = console.login("afc", "ru").get("/console").text
    kazakh = console.login("afc", "kk").get("/console").text
    assert kpi(english, "calls_blocked") == f"{CALLS:,}" == "1,234"
    assert kpi(russian, "calls_blocked") == "1\xa0234"
    assert kpi(kazakh, "calls_blocked") == "1\xa0234"
    assert kpi(russian, "payments_stopped_amount") == "1\xa0239\xa0567,89\xa0₸"
    assert kpi(english, "payments_stopped_amount") == "₸1,239,567.89"


def test_the_language_switch_changes_html_lang_and_labels(console: Console) -> None:
    client = console.login("afc", "en")
    english = client.get("/console").text
    assert '<html lang="en">' in english
    assert "Calls blocked" in english
    russian = client.get("/console/alerts/calls", params={"lang": "ru"})
    assert '<html lang="ru">' in russian.text
    assert "Оповещения" in russian.text
    assert 'href="/console/alerts/calls?lang=kk"' in russian.text
    kazakh = client.get("/console", params={"lang": "kk"})  # the cookie follows the choice
    assert "Бұғатталған қоңыраулар" in client.get("/console").text
    assert '<html lang="kk">' in kazakh.text


def test_the_alerts_queue_pages_follow_the_cursor(console: Console) -> None:
    client = console.login("afc")
    seen: list[str] = []
    path = "/console/alerts/calls"
    for _ in range(30):
        html = client.get(path).text
        rows = re.findall(r'<tr data-alert-id="(\d+)">', html)
        assert len(rows) <= 50
        seen += rows
        older = re.search(r'id="alerts-older" rel="next" href="([^"]+)"', html)
        if older is None:
            break
        path = older.group(1).replace("&amp;", "&")
    assert len(seen) == CALLS
    assert len(set(seen)) == CALLS
    assert [int(s) for s in seen] == sorted((int(s) for s in seen), reverse=True)


def test_blocking_an_alert_writes_the_registry_and_the_audit_log(console: Console) -> None:
    client = console.login("afc")
    queue = client.get("/console/alerts/calls").text
    alert_id = re.findall(r'<tr data-alert-id="(\d+)">', queue)[0]
    page = client.get(f"/console/alerts/calls/{alert_id}").text
    assert 'name="action" value="block"' in page
    subject = re.search(r'id="alert-subject">([^<]+)<', page)
    assert subject is not None
    done = client.post(f"/console/alerts/calls/{alert_id}/block", data={"note": "spoofed"})
    assert done.status_code == 200
    flash = re.search(r'id="flash"[^>]*>([^<]+)<', done.text)
    assert flash is not None
    assert flash.group(1).startswith("Blocked: registry updated, audit #")
    seq = flash.group(1).rsplit("#", 1)[1]
    assert 'data-status="blocked"' in done.text
    assert 'value="block"' not in done.text  # decided: no more actions
    audit = client.get("/console/audit").text
    assert f'<tr data-seq="{seq}" data-action="alert.block">' in audit
    found = client.get("/console/registry", params={"q": subject.group(1)}).text
    assert 'data-status="blocked"' in found
    again = client.post(f"/console/alerts/calls/{alert_id}/block")
    assert "already decided" in again.text


def test_a_prosecutor_sees_alerts_but_is_offered_no_action(console: Console) -> None:
    client = console.login("prosecutor")
    page = client.get("/console/alerts/calls/1").text
    assert 'id="alert-no-actions"' in page
    assert client.post("/console/alerts/calls/1/block").status_code == 403


def test_the_case_page_draws_one_node_per_account_of_the_trace(console: Console) -> None:
    html = console.login("police").get(f"/console/cases/{console.case_id}").text
    assert '<svg id="flow-graph"' in html
    graph = html.split('<svg id="flow-graph"', 1)[1].split("</svg>", 1)[0]
    accounts = set(re.findall(r'data-kind="(?:account|victim)" data-account="([^"]+)"', graph))
    trace = console.trace
    expected = {trace.victim_account} | {
        h.to_account for h in trace.hops if not h.to_account.startswith(("CASH", "CRYPTO:"))
    }
    assert accounts == expected
    assert 'data-kind="atm"' in graph
    assert 'data-kind="crypto" data-account="CRYPTO:binance"' in graph
    assert "C-R1-BANKA" in html
    assert 'data-kind="order_confirmed"' in html


def test_a_bank_reads_its_case_without_the_trace_or_other_banks_orders(console: Console) -> None:
    html = console.login("bank-a").get(f"/console/cases/{console.case_id}").text
    assert 'id="flow-graph"' not in html
    assert "C-R1-BANKA" in html
    assert "C-R1-BANKB" not in html


def test_the_case_list_pages_newest_first(console: Console) -> None:
    client = console.login("afc")
    html = client.get("/console/cases").text
    assert f'data-case-id="{console.case_id}"' in html
    assert 'id="cases-older"' not in html
    assert console.login("bank-b").get("/console/cases").status_code == 200


def test_registry_search_reads_a_phone_number_in_any_form(console: Console) -> None:
    client = console.login("afc")
    client.post("/console/alerts/calls/1/confirm")
    html = client.get("/console/registry", params={"q": "8 701 000 0000"}).text
    assert 'data-kind="msisdn" data-value="+77010000000"' in html
    card = client.get("/console/registry", params={"q": "4111 1111 1111 1111"}).text
    assert 'id="registry-card"' in card


def test_the_audit_page_is_for_analysts_only(console: Console) -> None:
    assert console.login("police").get("/console/audit").status_code == 403
    assert console.login("bank-a").get("/console/audit").status_code == 403
    assert 'id="audit-table"' in console.login("afc").get("/console/audit").text


def test_an_action_names_the_alerts_own_queue_or_changes_nothing(console: Console) -> None:
    client = console.login("afc")
    queue = client.get("/console/alerts/calls").text
    alert_id = re.findall(r'<tr data-alert-id="(\d+)">', queue)[0]
    wrong = client.post(f"/console/alerts/sms/{alert_id}/block", follow_redirects=False)
    assert wrong.status_code == 404
    page = client.get(f"/console/alerts/calls/{alert_id}").text
    assert 'data-status="open"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/console/alerts/calls?before=99999999999999999999999",
        "/console/alerts/calls?before=-1",
        "/console/alerts/calls/99999999999999999999999",
        "/console/alerts/calls/abc",
        "/console/audit?before=99999999999999999999999",
        "/console/cases?before=%C2%B2~x",
        "/console/cases?before=99999999999999999999999~x",
    ],
)
def test_odd_ids_and_cursors_get_a_page_not_a_server_error(console: Console, path: str) -> None:
    answer = console.login("afc").get(path)
    assert answer.status_code in (400, 404)
    assert answer.headers["content-type"].startswith("text/html")
