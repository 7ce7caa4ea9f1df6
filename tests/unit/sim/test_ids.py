"""Identifiers of the synthetic country are valid, unique and Kazakh where they should be."""

from __future__ import annotations

import numpy as np
import phonenumbers
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN
from stdnum import luhn

from qorgan.sim.banking import iban_text
from qorgan.sim.geo import BANKS
from qorgan.sim.ids import (
    FOREIGN_PLANS,
    OPERATORS,
    fixed_line_digits,
    foreign_digits,
    imei_digits,
    imsi_digits,
    kz_iban,
    msisdn_digits,
)

INDEX = np.arange(0, 2_000, dtype=np.int64) * 997


def _region(digits: int) -> str | None:
    return phonenumbers.region_code_for_number(phonenumbers.parse(f"+{digits}"))


def test_every_operators_numbers_are_valid_kazakh_mobiles() -> None:
    for op in OPERATORS:
        for digits in msisdn_digits(op, INDEX[:300], salt=5):
            number = phonenumbers.parse(f"+{digits}")
            assert phonenumbers.is_valid_number(number)
            assert phonenumbers.region_code_for_number(number) == "KZ"
            assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def test_subscriber_numbers_are_unique() -> None:
    index = np.arange(200_000, dtype=np.int64)
    assert len(np.unique(msisdn_digits(OPERATORS[0], index, salt=9))) == len(index)


def test_imsis_carry_kazakh_mcc_and_the_operators_mnc() -> None:
    for op in OPERATORS:
        imsi = imsi_digits(op, INDEX[:50], salt=3)
        assert all(str(i).startswith("401" + op.mnc) and len(str(i)) == 15 for i in imsi)


def test_imeis_pass_the_luhn_check() -> None:
    assert all(luhn.is_valid(str(i)) and len(str(i)) == 15 for i in imei_digits(INDEX, salt=1))


def test_russian_mobiles_share_plus_seven_but_are_russian() -> None:
    russia = foreign_digits(np.zeros(100, dtype=np.int64), INDEX[:100])
    assert all(str(d).startswith("79") and _region(int(d)) == "RU" for d in russia)


def test_foreign_and_fixed_numbers_are_valid() -> None:
    for plan in range(len(FOREIGN_PLANS)):
        for digits in foreign_digits(np.full(50, plan, dtype=np.int64), INDEX[:50]):
            assert phonenumbers.is_valid_number(phonenumbers.parse(f"+{digits}"))
    area = np.asarray([727, 7172, 7252, 7102] * 25, dtype=np.int64)
    for digits in fixed_line_digits(area, INDEX[:100]):
        assert _region(int(digits)) == "KZ"
        assert phonenumbers.is_valid_number(phonenumbers.parse(f"+{digits}"))


@given(st.sampled_from(BANKS), st.integers(min_value=0, max_value=10**13 - 1))
def test_simulated_ibans_are_valid_and_name_their_bank(bank: object, number: int) -> None:
    code = bank.code  # type: ignore[attr-defined]
    vectorised = iban_text(np.asarray([int(code)]), np.asarray([number]))[0].as_py()
    assert vectorised == kz_iban(code, number)
    iban = IBAN(vectorised)
    assert iban.bank_code == code
    assert len(vectorised) == 20
