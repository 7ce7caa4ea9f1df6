"""An analyst and a bank's fraud team use the console in a real browser.

Each test opens its own browser context (its own cookies), logs in with the demo agencies'
keys and walks what the issue names: the dashboard's figures, a case and its money-flow graph,
the language switch, an action on an alert that shows in the audit log, what a bank may not
see, and the accessibility basics (labels, keyboard, contrast).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.slow

KPIS = (
    "calls_blocked",
    "sms_blocked",
    "simboxes_found",
    "payments_stopped",
    "money_frozen",
    "money_returned",
    "droppers_found",
)

CONTRAST = """() => {
  const rgb = s => {
    const p = s.match(/rgba?\\(([^)]+)\\)/)[1].split(',').map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const channel = v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const lum = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const behind = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') || !el.getClientRects().length) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.clip === 'rect(0px, 0px, 0px, 0px)') continue;
    const a = lum(rgb(style.color)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < 4.5) low.push(`${el.tagName} "${text}" ${ratio.toFixed(2)}`);
  }
  return low;
}"""

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.outerHTML)"""


@pytest.fixture
def page(browser: Any, console: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-GB")
    opened = context.new_page()
    yield opened
    context.close()


def _login(page: Any, console: Any, key: str) -> None:
    page.goto(f"{console.url}/console/login")
    page.fill("#login-key", key)
    page.click("#login-submit")
    page.wait_for_url(f"{console.url}/console")


def _shot(page: Any, console: Any, name: str) -> None:
    page.screenshot(path=str(console.shots / f"{name}.png"), full_page=True)


def test_a_page_without_logging_in_leads_to_the_login_form(page: Any, console: Any) -> None:
    page.goto(f"{console.url}/console")
    assert page.url.startswith(f"{console.url}/console/login")
    page.fill("#login-key", "not-a-key")
    page.click("#login-submit")
    assert page.locator("#login-key").is_visible()  # refused, still on the form
    _shot(page, console, "login")


def test_the_analyst_sees_every_figure_on_the_dashboard(page: Any, console: Any) -> None:
    _login(page, console, console.keys["analyst"])
    for kpi in KPIS:
        tile = page.locator(f"#kpi-{kpi}")
        assert tile.is_visible(), kpi
        assert any(ch.isdigit() for ch in tile.inner_text()), kpi
    assert page.locator("svg[role=img]").count() >= len(KPIS)  # a chart per figure at least
    frozen = page.locator("#kpi-money_frozen").inner_text()
    assert "₸" in frozen
    _shot(page, console, "dashboard")


def test_the_language_switch_translates_labels_and_formats(page: Any, console: Any) -> None:
    _login(page, console, console.keys["analyst"])
    labels = {}
    for lang in ("en", "ru", "kk"):
        page.click(f"#lang-{lang}")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang
        labels[lang] = page.locator("#kpi-calls_blocked").inner_text()
        if lang != "en":
            _shot(page, console, f"dashboard-{lang}")
    assert len(set(labels.values())) == 3  # each language names the figure its own way
    page.click("#lang-en")


def test_a_case_shows_where_the_money_went(page: Any, console: Any) -> None:
    _login(page, console, console.keys["analyst"])
    page.goto(f"{console.url}/console/cases")
    page.locator("a[href*='/console/cases/']").first.click()
    graph = page.locator("#flow-graph")
    graph.wait_for()
    box = graph.bounding_box()
    assert box is not None
    assert box["width"] > 200
    assert box["height"] > 100
    assert page.locator("#flow-graph text").count() >= 2  # accounts and amounts are labelled
    assert "₸" in page.locator("body").inner_text()
    _shot(page, console, "case")


def test_an_action_on_an_alert_lands_in_the_audit_log(page: Any, console: Any) -> None:
    _login(page, console, console.keys["analyst"])
    page.goto(f"{console.url}/console/alerts/calls?status=open")
    _shot(page, console, "alerts")
    link = page.locator("#alerts-table a[href*='/console/alerts/calls/']").first
    alert_path = link.get_attribute("href")
    assert alert_path is not None
    alert_id = alert_path.rstrip("/").rsplit("/", 1)[-1]
    link.click()
    page.locator("button[name=action][value=block]").click()
    assert page.locator("#flash").is_visible()
    page.goto(f"{console.url}/console/audit")
    audit = page.locator("#audit-table").inner_text()
    assert "alert.block" in audit
    assert alert_id in audit
    _shot(page, console, "audit")


def test_a_bank_sees_its_own_queues_and_not_the_operators(page: Any, console: Any) -> None:
    _login(page, console, console.keys["bank"])
    assert page.locator("a[href*='/console/alerts/calls']").count() == 0
    assert page.locator("#kpi-payments_stopped").is_visible()
    _shot(page, console, "dashboard-bank")
    refused = page.goto(f"{console.url}/console/alerts/calls")
    assert refused is not None
    assert refused.status == 403
    allowed = page.goto(f"{console.url}/console/alerts/payments")
    assert allowed is not None
    assert allowed.status == 200


def test_the_console_works_from_the_keyboard(page: Any, console: Any) -> None:
    page.goto(f"{console.url}/console/login")
    assert page.evaluate(UNLABELLED) == []
    page.focus("#login-key")
    page.keyboard.type(console.keys["analyst"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console.url}/console")
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.getAttribute('href') || ''")
    assert first.startswith("#"), "the first Tab stop is the skip link"


@pytest.mark.parametrize("path", ["/console/login", "/console", "/console/cases", "/console/audit"])
def test_text_keeps_a_contrast_of_at_least_4_5(page: Any, console: Any, path: str) -> None:
    if path != "/console/login":
        _login(page, console, console.keys["analyst"])
    page.goto(f"{console.url}{path}")
    assert page.evaluate(CONTRAST) == []
    assert page.evaluate(UNLABELLED) == []
