"""Amounts in major units, tiyn, and currency codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.errors import InvalidValue
from qorgan.core.money import MAX_AMOUNT, from_tiyn, parse_currency, parse_money, to_tiyn

amounts = st.decimals(min_value=Decimal("0.01"), max_value=MAX_AMOUNT - Decimal("0.01"), places=2)


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("123.45", "123.45"),
        (" 1500 ", "1500.00"),
        ("123.4", "123.40"),
        ("0.10", "0.10"),
        ("123.450", "123.45"),
        (".5", "0.50"),
        (42, "42.00"),
        (Decimal("7.1"), "7.10"),
    ],
)
def test_amount_is_read_in_major_units_with_two_places(
    raw: str | int | Decimal, amount: str
) -> None:
    parsed = parse_money(raw)
    assert parsed == Decimal(amount)
    assert str(parsed) == amount


def test_float_is_read_through_its_shortest_text_not_its_binary_value() -> None:
    assert str(parse_money(0.1)) == "0.10"
    assert str(parse_money(1234.56)) == "1234.56"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-5", "negative amount"),
        ("0", "zero amount"),
        ("0.00", "zero amount"),
        ("1.005", "more than 2 decimal places"),
        ("1e3", "not a decimal amount"),
        ("NaN", "not a decimal amount"),
        ("1,000.00", "not a decimal amount"),
        ("1_000", "not a decimal amount"),
        ("10000000000000", "ceiling"),
        (float("inf"), "not a finite number"),
        (float("nan"), "not a finite number"),
        (True, "boolean"),
    ],
)
def test_impossible_amount_is_rejected_with_the_reason(raw: object, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_money(raw)  # type: ignore[arg-type]


def test_tiyn_are_hundredths_of_a_tenge() -> None:
    assert to_tiyn(Decimal("123.45")) == 12345
    assert from_tiyn(12345) == Decimal("123.45")
    assert str(from_tiyn(100)) == "1.00"


def test_a_fraction_of_a_tiyn_is_refused() -> None:
    with pytest.raises(InvalidValue, match="fraction of a tiyn"):
        to_tiyn(Decimal("0.001"))


@pytest.mark.parametrize(
    ("raw", "code"), [("", "KZT"), (None, "KZT"), ("usd", "USD"), (" KZT ", "KZT")]
)
def test_currency_is_an_upper_case_code_and_kzt_by_default(raw: str | None, code: str) -> None:
    assert parse_currency(raw) == code


@pytest.mark.parametrize("raw", ["US", "KZT1", "тенге", "US D"])
def test_currency_that_is_not_three_letters_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue, match="ISO 4217"):
        parse_currency(raw)


@given(amounts)
def test_parsing_an_amount_twice_changes_nothing(amount: Decimal) -> None:
    once = parse_money(amount)
    assert parse_money(once) == once
    assert parse_money(str(once)) == once


@given(amounts)
def test_amount_round_trips_through_tiyn(amount: Decimal) -> None:
    assert from_tiyn(to_tiyn(amount)) == amount


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_tiyn_round_trip_through_major_units(tiyn: int) -> None:
    assert to_tiyn(from_tiyn(tiyn)) == tiyn


@given(st.floats(min_value=0.01, max_value=1e9).map(lambda f: round(f, 2)))
def test_a_float_with_two_places_reads_as_its_written_decimal(value: float) -> None:
    assert parse_money(value) == Decimal(repr(value)).quantize(Decimal("0.01"))
