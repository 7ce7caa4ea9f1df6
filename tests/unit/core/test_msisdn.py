"""Phone numbers to E.164 on Kazakhstan's numbering plan, and SMS senders."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qorgan.core.errors import InvalidValue
from qorgan.core.msisdn import (
    is_kazakhstan,
    msisdn_country,
    msisdn_or_none,
    normalise_msisdn,
    normalise_sender,
)

KZ_MOBILE_PREFIXES = ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778")


@pytest.mark.parametrize(
    "raw",
    ["87011234567", "8 701 123 45 67", "+7 (701) 123-45-67", "7011234567", "77011234567"],
)
def test_kazakh_mobile_in_every_common_form_becomes_e164(raw: str) -> None:
    assert normalise_msisdn(raw) == "+77011234567"


def test_russian_mobile_number_stays_russian() -> None:
    assert normalise_msisdn("+79161234567") == "+79161234567"
    assert msisdn_country("+79161234567") == "RU"
    assert not is_kazakhstan("+79161234567")


def test_russian_number_logged_without_plus_or_with_trunk_prefix_stays_russian() -> None:
    assert normalise_msisdn("79161234567") == "+79161234567"
    assert normalise_msisdn("89161234567") == "+79161234567"


def test_kazakh_number_is_told_from_russian_by_the_plan_not_the_prefix() -> None:
    assert msisdn_country("+77011234567") == "KZ"
    assert is_kazakhstan("+77172123456")  # Astana fixed line


def test_unallocated_kazakh_range_is_rejected() -> None:
    with pytest.raises(InvalidValue, match="not a valid number"):
        normalise_msisdn("+77401234567")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+4915112345678", "+4915112345678"),
        ("0049 151 12345678", "+4915112345678"),
        ("8 10 49 151 12345678", "+4915112345678"),
        ("+1 650 253 0000", "+16502530000"),
        ("+39 06 1234 5678", "+390612345678"),
    ],
)
def test_foreign_number_in_international_format_is_kept(raw: str, e164: str) -> None:
    assert normalise_msisdn(raw) == e164


def test_country_of_something_that_is_not_a_valid_number_is_unknown() -> None:
    assert msisdn_country("+77401234567") is None
    assert msisdn_country("not a number") is None
    assert msisdn_country("+80012345678") is None  # a non-geographic code


@pytest.mark.parametrize("raw", ["KASPI", "8 701 ABC 45 67", "+7 701 123 45 67 ext 5"])
def test_text_with_letters_is_not_a_phone_number(raw: str) -> None:
    with pytest.raises(InvalidValue, match="not a phone number"):
        normalise_msisdn(raw)


def test_empty_number_is_rejected_and_the_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="empty phone number"):
        normalise_msisdn("  ")


def test_bad_number_gives_none_on_the_bulk_path() -> None:
    assert msisdn_or_none("+77401234567") is None
    assert msisdn_or_none("87011234567") == "+77011234567"


@pytest.mark.parametrize("raw", ["KASPI", "Kaspi.kz", "Halyk Bank", "1414-INFO", "beeline"])
def test_alphanumeric_sender_id_stays_text_with_its_case(raw: str) -> None:
    assert normalise_sender(f"  {raw} ") == raw


@pytest.mark.parametrize("raw", ["1414", "7575", "102", "123456"])
def test_short_code_sender_is_kept_as_digits(raw: str) -> None:
    assert normalise_sender(raw) == raw


def test_numeric_sender_is_normalised_like_a_number() -> None:
    assert normalise_sender("8 701 123 45 67") == "+77011234567"


@pytest.mark.parametrize("raw", ["KASPI BANK KZ", "Kaspi@bank"])
def test_sender_id_that_breaks_the_alphanumeric_rules_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue, match="alphanumeric sender id"):
        normalise_sender(raw)


kz_mobiles = st.tuples(
    st.sampled_from(KZ_MOBILE_PREFIXES), st.integers(min_value=0, max_value=9_999_999)
).map(lambda parts: f"{parts[0]}{parts[1]:07d}")


def _written(number: str, style: int) -> str:
    prefix, rest = number[:3], number[3:]
    return [
        f"8{number}",
        f"+7 ({prefix}) {rest[:3]}-{rest[3:5]}-{rest[5:]}",
        f"7{number}",
        number,
        f"8 {prefix} {rest[:3]} {rest[3:5]} {rest[5:]}",
    ][style]


@given(kz_mobiles, st.integers(min_value=0, max_value=4))
def test_any_way_of_writing_a_kazakh_mobile_gives_one_e164(number: str, style: int) -> None:
    e164 = normalise_msisdn(_written(number, style))
    assert e164 == f"+7{number}"
    assert is_kazakhstan(e164)


@example("+0461100000")  # no country code starts with 0
@given(st.text(alphabet="0123456789 +-()", max_size=20))
def test_normalising_a_number_twice_changes_nothing(raw: str) -> None:
    e164 = msisdn_or_none(raw)
    if e164 is not None:
        assert normalise_msisdn(e164) == e164
        assert msisdn_country(e164) is not None or e164.startswith(("+800", "+808", "+87"))


@given(st.text(max_size=14))
def test_sender_normalisation_is_idempotent(raw: str) -> None:
    try:
        sender = normalise_sender(raw)
    except InvalidValue:
        return
    assert normalise_sender(sender) == sender


plausible_international = st.builds(
    lambda code, rest: f"{code}{rest}",
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.text(alphabet="0123456789", min_size=4, max_size=12),
)


@given(plausible_international | st.text(alphabet="0123456789", min_size=1, max_size=16))
def test_text_in_e164_is_judged_exactly_as_the_full_parse_judges_it(digits: str) -> None:
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        expected = None
    else:
        valid = phonenumbers.is_valid_number(number)
        expected = phonenumbers.format_number(number, 0) if valid else None
    assert msisdn_or_none("+" + digits) == expected


def test_a_presented_unallocated_number_is_kept_for_screening() -> None:
    from qorgan.core.msisdn import is_allocated, normalise_presented

    assert normalise_presented("+7 740 123 45 67") == "+77401234567"
    assert not is_allocated("+77401234567")
    assert is_allocated(normalise_presented("87011234567"))


def test_a_presented_text_that_is_no_number_is_refused() -> None:
    from qorgan.core.errors import InvalidValue
    from qorgan.core.msisdn import normalise_presented

    with pytest.raises(InvalidValue):
        normalise_presented("not-a-number")


def test_short_service_numbers_are_kept_as_dialled() -> None:
    from qorgan.core.msisdn import normalise_presented

    assert normalise_presented("102") == "102"
    assert normalise_presented(" 1414 ") == "1414"
