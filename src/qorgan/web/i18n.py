"""The console's language: labels from the kk / ru / en catalogs, and Babel's formats.

A page is rendered with one :class:`Texts`: ``texts("nav.cases")`` is the label, and
``texts.number``, ``texts.money``, ``texts.when`` format figures, tenge amounts and times the
way the reader's language writes them (``1 234`` in Kazakh and Russian, ``1,234`` in
English; times in Almaty's zone). A key missing from the catalog raises ``KeyError``, so a
page can never show a raw key; the test suite checks that the three catalogs hold the same
keys.

The tenge sign: CLDR writes KZT as ``₸`` in Kazakh but as ``KZT`` in Russian and English
(its narrow symbol, which Babel does not expose, is ``₸`` everywhere); the console writes
``₸`` in all three, where the locale's pattern puts the symbol.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from qorgan.core.money import from_tiyn
from qorgan.web.locales import en, kk, ru

LANGS = ("kk", "ru", "en")
"""The console's languages, in the order the switch shows them."""

DEFAULT_LANG = "kk"
ALMATY = ZoneInfo("Asia/Almaty")
TENGE = "₸"

CATALOGS: Mapping[str, Mapping[str, str]] = {"kk": kk.LABELS, "ru": ru.LABELS, "en": en.LABELS}
REASONS: Mapping[str, Mapping[str, str]] = {"kk": kk.REASONS, "ru": ru.REASONS, "en": en.REASONS}


def pick_lang(cookie: str | None, accept_language: str | None) -> str:
    """The reader's language: the cookie's, else the first of ``Accept-Language`` the
    console speaks, else Kazakh.

    >>> pick_lang(None, "ru-RU,ru;q=0.9,en;q=0.8")
    'ru'
    >>> pick_lang("en", "ru")
    'en'
    """
    if cookie in LANGS:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        base = tag.split("-")[0]
        if base in LANGS:
            return base
    return DEFAULT_LANG


class Texts:
    """Labels and formats in one language.

    Args:
        lang: ``kk``, ``ru`` or ``en``.

    Attributes:
        lang: the language.
    """

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang
        self._labels = CATALOGS[lang]

    def __call__(self, key: str, **values: object) -> str:
        """The label of ``key``, with ``{name}`` fields filled from ``values``.

        Raises:
            KeyError: no such label (a bug: every label the pages use is in every catalog).
        """
        text = self._labels[key]
        return text.format(**values) if values else text

    def maybe(self, prefix: str, value: str | None) -> str:
        """The label ``prefix.value`` when the catalog has it, else ``value`` itself (for
        values that come from data, e.g. a detector's decision word)."""
        if value is None:
            return "—"
        return self._labels.get(f"{prefix}.{value}", value)

    def reason(self, code: str) -> str:
        """A reason code's meaning in this language, else in English, else empty."""
        return REASONS[self.lang].get(code) or REASONS["en"].get(code, "")

    def number(self, value: int | float | Decimal) -> str:
        """A count or figure with the locale's grouping (``1 234`` / ``1,234``)."""
        return format_decimal(value, locale=self.lang)

    def percent(self, value: float) -> str:
        """A share in [0, 1] as a percentage."""
        return format_percent(value, locale=self.lang)

    def score(self, value: float) -> str:
        """A score in [0, 1] with two decimals."""
        return format_decimal(round(value, 2), format="0.00", locale=self.lang)

    def money(self, tiyn: int | None) -> str:
        """Integer tiyn as tenge with the locale's pattern and ``₸`` (``1 234,50 ₸``)."""
        if tiyn is None:
            return "—"
        text = format_currency(from_tiyn(tiyn), "KZT", locale=self.lang)
        return text.replace("KZT", TENGE)

    def when(self, value: datetime | None) -> str:
        """A time in Almaty's zone, medium length (``20 июн. 2025 г., 14:00:00``)."""
        if value is None:
            return "—"
        return format_datetime(value, "medium", tzinfo=ALMATY, locale=self.lang)

    def day(self, value: date) -> str:
        """A calendar day, short (chart axes and tables)."""
        return format_date(value, "medium", locale=self.lang)
