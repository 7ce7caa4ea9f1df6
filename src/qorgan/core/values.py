"""One value of a feed column, parsed and normalised by its :class:`~qorgan.core.feeds.Kind`.

A value arrives as text (CSV, JSON strings) or as a native value (Parquet's typed columns,
JSON numbers, booleans and lists); both are accepted wherever they make sense. Empty text,
whitespace and ``None`` are the empty value: ``None`` for nullable columns, ``KZT`` for a
currency, and an error otherwise.

>>> from qorgan.core.feeds import CALLS
>>> convert = converter(CALLS.column("answered"))
>>> convert("Yes"), convert(0)
(True, False)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from qorgan.core.errors import InvalidValue
from qorgan.core.feeds import Column, Kind
from qorgan.core.iban import normalise_account_ref, normalise_iban
from qorgan.core.ip import normalise_ip
from qorgan.core.money import DEFAULT_CURRENCY, parse_currency, parse_money
from qorgan.core.msisdn import normalise_msisdn, normalise_presented, normalise_sender
from qorgan.core.timestamps import parse_ts

Converter = Callable[[object], object]
"""Raw value in, normalised value out; raises :class:`InvalidValue`."""

EMPTY = "empty or missing value"
INT64_MAX = 2**63 - 1

BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
"""The accepted texts of a boolean (after stripping and lower-casing)."""


def converter(column: Column, choice_type: type[StrEnum] | None = None) -> Converter:
    """The function that parses and normalises the values of ``column``.

    Args:
        column: the feed column.
        choice_type: for a ``CHOICE`` column, the enum whose members to return; plain
            strings are returned without one.

    Returns:
        A converter: ``convert(raw)`` returns the typed value or raises
        :class:`~qorgan.core.errors.InvalidValue` with the reason.
    """
    parse = _choice(column, choice_type) if column.kind is Kind.CHOICE else _PARSERS[column.kind]
    empty: object = DEFAULT_CURRENCY if column.kind is Kind.CURRENCY else None
    refuse_empty = not column.nullable and empty is None

    def convert(raw: object) -> object:
        if isinstance(raw, str):
            if raw and not raw.isspace():
                return parse(raw)
        elif raw is not None:
            return parse(raw)
        if refuse_empty:
            raise InvalidValue(EMPTY)
        return empty

    return convert


def _text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise InvalidValue(f"expected text, got {_type_name(raw)}")


def _id(raw: object) -> str:
    return _text(raw).strip()


def _free_text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    raise InvalidValue(f"expected text, got {_type_name(raw)}")


def _timestamp(raw: object) -> datetime:
    if isinstance(raw, str | int | datetime):
        return parse_ts(raw)
    raise InvalidValue(f"expected a timestamp, got {_type_name(raw)}")


def _money(raw: object) -> Decimal:
    if isinstance(raw, str | int | Decimal | float):
        return parse_money(raw)
    raise InvalidValue(f"expected an amount, got {_type_name(raw)}")


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        found = BOOLS.get(raw)
        if found is None:
            found = BOOLS.get(raw.strip().lower())
        if found is not None:
            return found
    elif isinstance(raw, int | float | Decimal) and raw in (0, 1):
        return raw == 1
    raise InvalidValue("not a boolean: expected true/false, 1/0 or yes/no")


def _whole_number(raw: object) -> int:
    """A non-negative integer of any size from text, int, integral float or Decimal."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.isdecimal() and text.isascii():
            return int(text)
        if text.startswith("-") and text[1:].isdecimal():
            raise InvalidValue("negative integer")
        raise InvalidValue("not a whole number")
    if isinstance(raw, bool):
        raise InvalidValue("expected a whole number, got a boolean")
    if isinstance(raw, float | Decimal) and _integral(raw):
        raw = int(raw)
    if not isinstance(raw, int):
        raise InvalidValue(f"not a whole number: {_type_name(raw)}")
    if raw < 0:
        raise InvalidValue("negative integer")
    return raw


def _integral(number: float | Decimal) -> bool:
    if isinstance(number, Decimal):
        return number.is_finite() and number == number.to_integral_value()
    return number.is_integer()


def _int64(raw: object) -> int:
    value = _whole_number(raw)
    if value > INT64_MAX:
        raise InvalidValue("integer too large (over 2^63-1)")
    return value


def _id_list(raw: object) -> tuple[str, ...]:
    items = raw
    if isinstance(raw, str):
        try:
            items = json.loads(raw)
        except json.JSONDecodeError:
            raise InvalidValue('not a JSON list of ids, e.g. ["t1", "t2"]') from None
    if not isinstance(items, list | tuple):
        raise InvalidValue('not a list of ids, e.g. ["t1", "t2"]')
    ids = tuple(_text(item).strip() if item is not None else "" for item in items)
    if not all(ids):
        raise InvalidValue("the list has an empty id")
    return ids


def choice_values(column: Column, choice_type: type[StrEnum] | None) -> dict[str, object]:
    """Each allowed text of a ``CHOICE`` column and the value it becomes."""
    return {value: choice_type(value) if choice_type else value for value in column.choices}


def _choice(column: Column, choice_type: type[StrEnum] | None) -> Converter:
    allowed = choice_values(column, choice_type)
    expected = ", ".join(column.choices)

    def parse(raw: object) -> object:
        found = allowed.get(raw) if isinstance(raw, str) else None
        if found is not None:
            return found
        text = _text(raw).strip().lower()
        found = allowed.get(text)
        if found is None:
            raise InvalidValue(f"unknown {column.name} {text!r}: expected one of {expected}")
        return found

    return parse


def _type_name(raw: object) -> str:
    return "a list" if isinstance(raw, list | tuple) else type(raw).__name__


_PARSERS: dict[Kind, Converter] = {
    Kind.ID: _id,
    Kind.TEXT: _free_text,
    Kind.TIMESTAMP: _timestamp,
    Kind.MSISDN: lambda raw: normalise_msisdn(_text(raw)),
    Kind.PRESENTED: lambda raw: normalise_presented(_text(raw)),
    Kind.SENDER: lambda raw: normalise_sender(_text(raw)),
    Kind.BOOL: _bool,
    Kind.INT: _int64,
    Kind.BIG_INT: _whole_number,
    Kind.MONEY: _money,
    Kind.CURRENCY: lambda raw: parse_currency(_text(raw)),
    Kind.IBAN: lambda raw: normalise_iban(_text(raw)),
    Kind.ACCOUNT_REF: lambda raw: normalise_account_ref(_text(raw)),
    Kind.IP: lambda raw: normalise_ip(_text(raw)),
    Kind.ID_LIST: _id_list,
}
