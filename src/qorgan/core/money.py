"""Amounts of money and currency codes.

Amounts are ``Decimal`` in major units (tenge) with exactly two decimal places, or integer
tiyn (1 tenge = 100 tiyn) inside ledgers; never binary floats. A float that arrives (from
JSON, say) is read through its shortest decimal text, so ``0.1`` is ``0.10``, not
``0.1000000000000000055511151231257827``.

>>> parse_money("123.4")
Decimal('123.40')
>>> to_tiyn(parse_money(" 1500 "))
150000
"""

from __future__ import annotations

import re
from decimal import Decimal

from qorgan.core.errors import InvalidValue

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 13
"""Amounts must be below this (10 trillion tenge): anything larger is a broken field."""

DEFAULT_CURRENCY = "KZT"

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_CURRENCY = re.compile(r"[A-Z]{3}")


def parse_money(raw: str | int | Decimal | float) -> Decimal:
    """Parse a positive amount in major units.

    Args:
        raw: a decimal string (``"123.45"``), an int, a ``Decimal`` or a float.

    Returns:
        The amount quantized to two decimal places (``Decimal('123.45')``).

    Raises:
        InvalidValue: not a plain decimal number, not finite, zero or negative, more
            than two decimal places, or not below :data:`MAX_AMOUNT`.
    """
    value = _to_decimal(raw)
    if not value.is_finite():
        raise InvalidValue("amount is not a finite number")
    if value < 0:
        raise InvalidValue("negative amount")
    if value == 0:
        raise InvalidValue("zero amount")
    if value >= MAX_AMOUNT:
        raise InvalidValue(f"amount {value} is not below the ceiling of {MAX_AMOUNT:,}")
    cents = value.quantize(CENT)
    if cents != value:
        raise InvalidValue("amount has more than 2 decimal places")
    return cents


def to_tiyn(amount: Decimal) -> int:
    """An amount in major units as integer tiyn (hundredths).

    Raises:
        InvalidValue: the amount has a fraction of a tiyn or is not finite.
    """
    if not amount.is_finite():
        raise InvalidValue("amount is not a finite number")
    tiyn = amount.scaleb(2)
    if tiyn != tiyn.to_integral_value():
        raise InvalidValue("amount has a fraction of a tiyn")
    return int(tiyn)


def from_tiyn(tiyn: int) -> Decimal:
    """Integer tiyn as an amount in major units with two decimal places."""
    if isinstance(tiyn, bool) or not isinstance(tiyn, int):
        raise InvalidValue("tiyn must be an integer")
    return Decimal(tiyn).scaleb(-2)


def parse_currency(raw: str | None) -> str:
    """Parse an ISO 4217 alphabetic currency code; empty means ``KZT``.

    Only the form is checked (three letters, upper-cased); the code list is not.

    Raises:
        InvalidValue: not three letters.
    """
    text = (raw or "").strip().upper()
    if not text:
        return DEFAULT_CURRENCY
    if not _CURRENCY.fullmatch(text):
        raise InvalidValue("currency must be a 3-letter ISO 4217 code such as KZT")
    return text


def _to_decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidValue("amount must be a number, not a boolean")
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))  # shortest text that reads back as this float
    if isinstance(raw, str):
        text = raw.strip()
        if not _DECIMAL.fullmatch(text):
            raise InvalidValue("not a decimal amount (digits with an optional '.')")
        return Decimal(text)
    raise InvalidValue(f"amount must be a number, not {type(raw).__name__}")
