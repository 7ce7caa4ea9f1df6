"""Indicator values reach one normal form per kind; bad ones are refused naming the kind."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.errors import InvalidValue
from qorgan.core.ports import IndicatorKind as K
from qorgan.registry.values import normalise

TRON = base58.b58encode_check(b"\x41" + bytes(range(20))).decode()
EVM_CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # EIP-55's own example


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (K.MSISDN, "8 701 123 45 67", "+77011234567"),
        (K.IBAN, "kz86 125k zt50 0410 0100", "KZ86125KZT5004100100"),
        (K.IMEI, "49-015420-323751-8", "490154203237518"),
        (K.IMSI, " 401011234567890 ", "401011234567890"),
        (K.WALLET, TRON, TRON),
        (K.WALLET, EVM_CHECKSUMMED.lower(), EVM_CHECKSUMMED),
        (K.WALLET, EVM_CHECKSUMMED, EVM_CHECKSUMMED),
        (K.DOMAIN, "Kaspi-Bonus.KZ.", "kaspi-bonus.kz"),
        (K.DOMAIN, "каспи.kz", "xn--80aqevj.kz"),
        (K.URL, "HTTPS://Kaspi-Bonus.KZ:443/Login?x=1#top", "https://kaspi-bonus.kz/Login?x=1"),
        (K.URL, "kaspi-bonus.kz", "http://kaspi-bonus.kz/"),
        (K.URL, "http://10.0.0.1:8080/a", "http://10.0.0.1:8080/a"),
        (K.DEVICE, "  dev-42 ", "dev-42"),
        (K.CARD, "CARD:440043:1234:9F86D081884C7D65", "card:440043:1234:9f86d081884c7d65"),
    ],
)
def test_values_reach_their_normal_form(kind: K, raw: str, expected: str) -> None:
    assert normalise(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (K.MSISDN, "+7 740 123 45 67"),
        (K.IBAN, "KZ00125KZT5004100100"),
        (K.IMEI, "490154203237519"),
        (K.IMSI, "40101123456789"),
        (K.WALLET, TRON[:-1] + ("1" if TRON[-1] != "1" else "2")),
        (K.WALLET, EVM_CHECKSUMMED.replace("a", "A", 1)),
        (K.DOMAIN, "localhost"),
        (K.URL, "http://"),
        (K.DEVICE, ""),
        (K.CARD, "4111 1111 1111 1111"),
    ],
)
def test_bad_values_are_refused_naming_the_kind(kind: K, raw: str) -> None:
    with pytest.raises(InvalidValue, match=f"^{kind.value}: "):
        normalise(kind, raw)


def test_a_card_number_is_reduced_to_a_token_with_the_key() -> None:
    token = normalise(K.CARD, "4111 1111 1111 1111", card_key=b"k" * 32)
    assert token.startswith("card:411111:1111:")
    assert "4111111111111111" not in token
    assert normalise(K.CARD, token) == token


@given(st.sampled_from([K.DOMAIN, K.URL, K.WALLET, K.MSISDN, K.IBAN]), st.data())
def test_normalising_twice_changes_nothing(kind: K, data: st.DataObject) -> None:
    raw = data.draw(
        st.sampled_from(
            {
                K.DOMAIN: ["Example.KZ.", "пример.kz", "a-b.c.kz"],
                K.URL: ["HTTP://A.kz/x#f", "a.kz:8080/p?q"],
                K.WALLET: [TRON, EVM_CHECKSUMMED.lower()],
                K.MSISDN: ["87011234567", "+7 (701) 123-45-67"],
                K.IBAN: ["kz86125kzt5004100100"],
            }[kind]
        )
    )
    once = normalise(kind, raw)
    assert normalise(kind, once) == once
