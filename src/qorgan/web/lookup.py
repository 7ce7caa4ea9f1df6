"""Registry search by any identifier: what kinds a typed value can be, and what is known.

:func:`readings` tries every kind's normaliser (:mod:`qorgan.registry.values`) on the text
and keeps those that accept it (``77011234567`` is a phone number; a 15-digit number may be
an IMSI and an IMEI; ``kaspi-bonus.kz`` a domain and a URL). Device ids accept almost
anything, so a device is tried last and shown only when the registry has it. A full card
number is never looked up: the console has no card key, and says to use a token.

:func:`search` reads each reading the reader's role may see (each read is audited by the
registry), and, when none is known, lists values that start with the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn

from qorgan.core.errors import InvalidValue, NotFound
from qorgan.core.ports import IndicatorKind
from qorgan.core.roles import Principal, may_see_kind
from qorgan.registry.indicator import Indicator
from qorgan.registry.values import normalise
from qorgan.store.sql.registry import SqlRegistry

_CARD_NUMBER = re.compile(r"[0-9][0-9 \-]{11,22}[0-9]")
_KINDS = tuple(k for k in IndicatorKind if k is not IndicatorKind.DEVICE)
PREFIX_MATCHES = 20


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read the typed text.

    Attributes:
        kind: the kind.
        value: the text normalised for it.
    """

    kind: IndicatorKind
    value: str


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found.

    Attributes:
        query: the text searched.
        readings: the kinds it could be, which the reader may see.
        found: the indicators known, one per reading at most.
        missing: readings the registry does not know.
        prefix: when nothing is known exactly, values starting with the text.
        card_number: the text looks like a full card number (not searched).
    """

    query: str
    readings: tuple[Reading, ...]
    found: tuple[Indicator, ...]
    missing: tuple[Reading, ...]
    prefix: tuple[Indicator, ...] = ()
    card_number: bool = False


def looks_like_card(text: str) -> bool:
    """Whether ``text`` is a card number (13 to 19 digits, spaces or dashes allowed, passing
    Luhn), which must not be searched for or kept. Fifteen digits are an IMEI or IMSI unless
    they start as American Express cards do (34, 37)."""
    if not _CARD_NUMBER.fullmatch(text.strip()):
        return False
    digits = re.sub(r"\D", "", text)
    if len(digits) == 15 and digits[:2] not in ("34", "37"):
        return False
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def readings(text: str) -> list[Reading]:
    """Every kind but device whose normaliser accepts ``text``, with the normal form."""
    found = []
    for kind in _KINDS:
        try:
            found.append(Reading(kind, normalise(kind, text)))
        except InvalidValue:
            continue
    return found


def search(registry: SqlRegistry, reader: Principal, text: str) -> SearchResult:
    """What the registry knows of ``text`` for ``reader``."""
    text = text.strip()
    if looks_like_card(text):
        return SearchResult(text, (), (), (), card_number=True)
    tried = [r for r in readings(text) if may_see_kind(reader, r.kind)]
    if may_see_kind(reader, IndicatorKind.DEVICE) and text.isprintable() and len(text) <= 200:
        tried.append(Reading(IndicatorKind.DEVICE, text))
    found, missing = [], []
    for reading in tried:
        try:
            found.append(registry.read(reader, reading.kind, reading.value))
        except (NotFound, InvalidValue):
            if reading.kind is not IndicatorKind.DEVICE:
                missing.append(reading)
    shown = tuple(r for r in tried if r.kind is not IndicatorKind.DEVICE or r in _kinds(found))
    prefix: tuple[Indicator, ...] = ()
    if not found and len(text) >= 3:
        prefix = registry.search(value_prefix=text, size=PREFIX_MATCHES, reader=reader).items
    return SearchResult(text, shown, tuple(found), tuple(missing), prefix)


def _kinds(found: list[Indicator]) -> list[Reading]:
    return [Reading(i.kind, i.value) for i in found]
