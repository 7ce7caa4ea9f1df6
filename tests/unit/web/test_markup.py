"""Every page, in every language: no raw catalog key, labelled fields, scoped headers,
buttons that are buttons, a skip link; and the palette's contrast is at least 4.5:1."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from tests.unit.web.conftest import Console

from qorgan.web.i18n import CATALOGS, LANGS


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def paths(console: Console) -> list[str]:
    return [
        "/console", "/console/alerts/calls", "/console/alerts/calls/1",
        "/console/alerts/payments?status=open", "/console/cases",
        f"/console/cases/{console.case_id}", "/console/registry?q=%2B77010000000",
        "/console/registry?q=zzz", "/console/audit", "/console/alerts/nowhere",
    ]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_pages_are_labelled_scoped_and_free_of_raw_keys(console: Console, lang: str) -> None:
    client = console.login("afc", lang)
    keys = set(CATALOGS["en"])
    for path in [*paths(console), "/console/login"]:
        answer = client.get(path)
        page = parse(answer.text)
        assert f'<html lang="{lang}">' in answer.text, path
        words = {w.strip() for w in page.text}
        assert not words & keys, (path, words & keys)
        ids = [a.get("id") for _, a in page.tags if a.get("id")]
        assert len(ids) == len(set(ids)), (path, "duplicate ids")
        labelled = {a.get("for") for t, a in page.tags if t == "label"}
        for tag, attrs in page.tags:
            if tag in ("input", "textarea", "select") and attrs.get("type") != "hidden":
                assert attrs.get("id") in labelled, (path, attrs)
            if tag == "th":
                assert attrs.get("scope") in ("col", "row"), (path, attrs)
            if tag == "a":
                assert attrs.get("href"), (path, attrs)
        assert any(t == "a" and a.get("class") == "skip" for t, a in page.tags) or path.endswith(
            "login"
        )


def test_actions_are_buttons_in_post_forms(console: Console) -> None:
    page = parse(console.login("afc").get("/console/alerts/calls/1").text)
    forms = [a for t, a in page.tags if t == "form"]
    assert all(f.get("method") == "post" for f in forms)
    buttons = {a.get("value") for t, a in page.tags if t == "button" and a.get("name") == "action"}
    assert buttons == {"confirm", "block", "clear"}


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


PAIRS = [
    ("#1a1a1a", "#ffffff"), ("#0b4f8a", "#ffffff"), ("#595959", "#ffffff"),
    ("#ffffff", "#0b3a63"), ("#e6eef5", "#0b3a63"), ("#0d3b1e", "#e3f2e6"),
    ("#8a1c1c", "#fdecec"), ("#5c3d00", "#fff4d6"), ("#1a1a1a", "#f3f6f9"),
    ("#0b4f8a", "#f3f6f9"), ("#595959", "#f3f6f9"), ("#ffffff", "#0b4f8a"),
    ("#ffffff", "#8a1c1c"), ("#0b3a63", "#f3f6f9"), ("#1a1a1a", "#eef3f8"),
    ("#1a1a1a", "#fdf1e7"), ("#1a1a1a", "#fff4d6"), ("#1a1a1a", "#e9e3f5"),
]  # fmt: skip
"""Text and background colours of console.css, charts.py and flowgraph.py."""


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_contrast_is_at_least_4_5_to_1(text: str, background: str) -> None:
    assert contrast(text, background) >= 4.5


def test_the_stylesheet_uses_only_the_checked_text_colours() -> None:
    from pathlib import Path

    import qorgan.web

    css = (Path(qorgan.web.__file__).parent / "static" / "console.css").read_text()
    declared = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", css))
    assert declared <= {t for t, _ in PAIRS}, declared - {t for t, _ in PAIRS}
