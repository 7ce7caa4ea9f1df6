"""The catalogs are complete and every label the templates use is in them; figures, money
and times are written the reader's way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.web import i18n
from qorgan.web.i18n import CATALOGS, LANGS, Texts, pick_lang

TEMPLATES = Path(i18n.__file__).parent / "templates"
PYTHON = Path(i18n.__file__).parent


def test_the_three_catalogs_hold_the_same_keys() -> None:
    english = set(CATALOGS["en"])
    for lang in LANGS:
        assert set(CATALOGS[lang]) == english, lang


def test_every_label_has_the_same_fields_in_every_language() -> None:
    for key, text in CATALOGS["en"].items():
        fields = set(re.findall(r"{(\w+)}", text))
        for lang in LANGS:
            assert set(re.findall(r"{(\w+)}", CATALOGS[lang][key])) == fields, (lang, key)


def test_no_label_is_left_untranslated_in_kazakh_or_russian() -> None:
    same = {"app.name", "user.signed_in", "lang.kk", "lang.ru", "lang.en", "queue.sms",
            "kind.url", "col.seq"}  # fmt: skip
    for lang in ("kk", "ru"):
        copied = {k for k, v in CATALOGS[lang].items() if v == CATALOGS["en"][k]} - same
        assert not copied, (lang, sorted(copied))


def test_every_literal_label_in_the_templates_and_views_is_in_the_catalog() -> None:
    used: set[str] = set()
    for path in [*TEMPLATES.glob("*.html"), *PYTHON.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt(?:exts)?\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""", text))
    assert used
    assert used <= set(CATALOGS["en"]), sorted(used - set(CATALOGS["en"]))


def test_every_value_label_the_pages_build_exists() -> None:
    from qorgan.cases.case import CaseStatus, EventKind
    from qorgan.cases.freeze import OrderState
    from qorgan.core.ports import IndicatorKind, IndicatorStatus
    from qorgan.core.records import FraudType
    from qorgan.core.roles import Role
    from qorgan.store.sql.alerts import AlertAction, AlertStatus, Queue
    from qorgan.store.sql.kpis import KEYS

    families = {
        "role": Role, "queue": Queue, "status": AlertStatus, "action": AlertAction,
        "casestatus": CaseStatus, "event": EventKind, "orderstate": OrderState,
        "fraud": FraudType, "kind": IndicatorKind, "istatus": IndicatorStatus,
    }  # fmt: skip
    wanted = {f"{prefix}.{member.value}" for prefix, enum in families.items() for member in enum}
    wanted |= {f"kpi.{key}" for key in KEYS} | {f"lang.{lang}" for lang in LANGS}
    assert wanted <= set(CATALOGS["en"]), sorted(wanted - set(CATALOGS["en"]))


def test_a_missing_label_raises_rather_than_showing_its_key() -> None:
    with pytest.raises(KeyError):
        Texts("en")("nav.nowhere")


@pytest.mark.parametrize(
    ("lang", "number", "money"),
    [
        ("en", "1,234,567", "₸1,234.50"),
        ("ru", "1\xa0234\xa0567", "1\xa0234,50\xa0₸"),
        ("kk", "1\xa0234\xa0567", "1\xa0234,50\xa0₸"),
    ],
)
def test_numbers_and_tenge_follow_the_locale(lang: str, number: str, money: str) -> None:
    texts = Texts(lang)
    assert texts.number(1234567) == number
    assert texts.money(123450) == money


@given(st.integers(min_value=0, max_value=10**15))
def test_money_keeps_every_tiyn(tiyn: int) -> None:
    written = Texts("en").money(tiyn)
    digits = re.sub(r"\D", "", written)
    assert int(digits) == tiyn


def test_times_are_shown_in_almaty() -> None:
    noon_utc = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    assert "2:00:00" in Texts("en").when(noon_utc)
    assert "14:00:00" in Texts("ru").when(noon_utc)
    assert "2025" in Texts("kk").day(date(2025, 6, 20))


def test_a_reason_code_reads_in_the_language_or_falls_back_to_english() -> None:
    assert Texts("ru").reason("PAY_DRAIN") == "перевод забирает большую часть остатка"
    assert Texts("ru").reason("PAY_NEW_IP") == Texts("en").reason("PAY_NEW_IP") != ""
    assert Texts("kk").reason("NO_SUCH_CODE") == ""


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "kk"),
        (None, "ru-RU,ru;q=0.9", "ru"),
        (None, "de-DE,en;q=0.5", "en"),
        ("kk", "en", "kk"),
        ("fr", "fr", "kk"),
    ],
)
def test_the_language_is_the_cookie_then_the_browser_then_kazakh(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert pick_lang(cookie, header) == expected
