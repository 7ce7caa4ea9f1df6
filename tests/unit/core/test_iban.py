"""IBANs and the account references of transfers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN

from qorgan.core.errors import InvalidValue
from qorgan.core.iban import bank_code_of, normalise_account_ref, normalise_iban

KASPI_LIKE = "KZ86125KZT5004100100"

kz_ibans = st.builds(
    lambda bank, account: str(IBAN.generate("KZ", bank_code=bank, account_code=account)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=13, max_size=13),
)


def test_iban_with_spaces_and_lower_case_is_compacted_and_upper_cased() -> None:
    assert normalise_iban(" kz86 125k zt50 0410 0100 ") == KASPI_LIKE


def test_kazakh_iban_has_twenty_characters() -> None:
    assert len(normalise_iban(KASPI_LIKE)) == 20


def test_foreign_iban_is_accepted() -> None:
    assert normalise_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("KZ86125KZT5004100101", "checksum"),
        ("KZ86125KZT500410010", "length"),
        ("XX86125KZT5004100100", "country"),
        ("KZ86-125K-ZT50-0410-0100", "only letters and digits"),
        ("", "empty IBAN"),
    ],
)
def test_broken_iban_is_rejected_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        normalise_iban(raw)


def test_bank_code_of_a_kazakh_iban_is_its_three_bank_digits() -> None:
    assert bank_code_of("kz86 125k zt50 0410 0100") == "125"


@pytest.mark.parametrize("raw", ["CASH", "cash", " Cash "])
def test_cash_is_an_account_reference(raw: str) -> None:
    assert normalise_account_ref(raw) == "CASH"


@pytest.mark.parametrize(
    ("raw", "ref"),
    [
        ("CRYPTO:binance", "CRYPTO:binance"),
        ("crypto:Binance", "CRYPTO:binance"),
        ("CRYPTO: OKX ", "CRYPTO:okx"),
    ],
)
def test_crypto_exchange_reference_has_an_upper_prefix_and_a_lower_slug(raw: str, ref: str) -> None:
    assert normalise_account_ref(raw) == ref


@pytest.mark.parametrize("raw", ["CRYPTO:", "CRYPTO:bin ance", "CRYPTO:-x"])
def test_crypto_reference_without_a_proper_exchange_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue, match="exchange"):
        normalise_account_ref(raw)


def test_account_reference_that_is_nothing_known_says_what_was_expected() -> None:
    with pytest.raises(InvalidValue, match="neither CASH, CRYPTO:<exchange> nor a valid IBAN"):
        normalise_account_ref("wallet 42")


def test_iban_account_reference_is_normalised_as_an_iban() -> None:
    assert normalise_account_ref("kz86 125k zt50 0410 0100") == KASPI_LIKE


@given(kz_ibans)
def test_normalising_a_kazakh_iban_twice_changes_nothing(iban: str) -> None:
    once = normalise_iban(iban)
    assert normalise_iban(once) == once
    assert normalise_account_ref(once) == once
    assert len(once) == 20


@given(kz_ibans)
def test_spaced_lower_case_iban_normalises_to_the_compact_form(iban: str) -> None:
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
    assert normalise_iban(spaced) == iban


@given(kz_ibans, st.integers(min_value=4, max_value=19), st.sampled_from("0123456789"))
def test_changing_one_digit_of_an_iban_is_caught(iban: str, position: int, digit: str) -> None:
    changed = iban[:position] + digit + iban[position + 1 :]
    if iban[position].isdigit() and changed != iban:  # mod 97 catches any one changed digit
        with pytest.raises(InvalidValue):
            normalise_iban(changed)
