"""Reading a typed identifier as the kinds it can be; full card numbers are never searched."""

from __future__ import annotations

import pytest

from qorgan.core.ports import IndicatorKind
from qorgan.web.lookup import looks_like_card, readings


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("8 701 123 45 67", IndicatorKind.MSISDN, "+77011234567"),
        ("kz08 7220 0000 0000 0A01", IndicatorKind.IBAN, "KZ087220000000000A01"),
        ("Kaspi-Bonus.KZ", IndicatorKind.DOMAIN, "kaspi-bonus.kz"),
        ("https://Kaspi-Bonus.kz/pay", IndicatorKind.URL, "https://kaspi-bonus.kz/pay"),
        ("401011234567890", IndicatorKind.IMSI, "401011234567890"),
        ("490154203237518", IndicatorKind.IMEI, "490154203237518"),
    ],
)
def test_an_identifier_is_read_as_its_kind(text: str, kind: IndicatorKind, value: str) -> None:
    assert (kind, value) in {(r.kind, r.value) for r in readings(text)}


def test_gibberish_reads_as_nothing() -> None:
    assert readings("hello world") == []


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("378282246310005", True),  # American Express, 15 digits
        ("490154203237518", False),  # an IMEI: 15 digits with a Luhn digit too
        ("4111 1111 1111 1112", False),  # fails Luhn
        ("+77011234567", False),
    ],
)
def test_a_full_card_number_is_recognised(text: str, card: bool) -> None:
    assert looks_like_card(text) is card
