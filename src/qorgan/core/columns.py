"""Whole columns of values converted at once: the readers' fast path.

Converting a column in one comprehension costs a fraction of calling a converter per
value. Each kind's bulk form handles the common case (clean text, native Parquet values)
and leaves ``None`` where a value is empty or needs a closer look; only those values then
go through the scalar converter of :mod:`qorgan.core.values`, which returns the
normalised value or the reason it is bad. Whatever path a value takes, the result is the
one the scalar converter gives (a test checks this).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from qorgan.core.errors import InvalidValue
from qorgan.core.feeds import Column, Kind
from qorgan.core.msisdn import msisdn_or_none, normalise_presented
from qorgan.core.values import BOOLS, INT64_MAX, Converter, choice_values, converter

ColumnResult = tuple[list[object], dict[int, str]]
"""The converted values (``None`` where bad) and the reason for each bad position."""

ColumnConverter = Callable[[Sequence[object]], ColumnResult]

_Bulk = Callable[[Sequence[Any]], list[Any]]
_NATIVE_BOOLS: dict[Any, bool] = {True: True, False: False}
_NATIVE_BOOLS.update(BOOLS)
_INT64_DIGITS = len(str(INT64_MAX))
_from_iso = datetime.fromisoformat


def column_converter(column: Column, choice_type: type[StrEnum] | None = None) -> ColumnConverter:
    """The function that converts a whole column of ``column``'s raw values.

    Args:
        column: the feed column.
        choice_type: for a ``CHOICE`` column, the enum whose members to return.

    Returns:
        ``convert_all(values) -> (converted, reasons)``: ``converted[i]`` is the value
        the scalar :func:`~qorgan.core.values.converter` gives for ``values[i]``, or
        ``None`` where it refuses the value, and ``reasons[i]`` then says why.
    """
    convert = converter(column, choice_type)
    bulk = _bulk(column, choice_type, convert)
    nullable = column.nullable

    def convert_all(values: Sequence[object]) -> ColumnResult:
        try:
            out = bulk(values)
        except Exception:  # any surprise: the scalar path below reports or raises it
            out = [None] * len(values)
        holes = out.count(None)
        if not holes or (nullable and holes == values.count("") + values.count(None)):
            return out, {}
        reasons: dict[int, str] = {}
        for i, value in enumerate(out):
            if value is None:
                try:
                    out[i] = convert(values[i])
                except InvalidValue as exc:
                    reasons[i] = exc.reason
        return out, reasons

    return convert_all


def _bulk(column: Column, choice_type: type[StrEnum] | None, convert: Converter) -> _Bulk:
    """A kind's bulk form; every empty value (``""``, ``None``) must come out as ``None``."""
    kind = column.kind
    if kind is Kind.CHOICE:
        allowed: dict[Any, object] = choice_values(column, choice_type)
        return lambda values: list(map(allowed.get, values))
    if kind is Kind.BOOL:
        return lambda values: list(map(_NATIVE_BOOLS.get, values))
    return _BULKS.get(kind, lambda values: [convert(v) for v in values])


def _ids(values: Sequence[Any]) -> list[Any]:
    try:
        stripped = list(map(str.strip, values))
    except TypeError:  # nulls or numbers (JSONL, Parquet)
        return [v.strip() or None if v else None for v in values]
    return stripped if all(stripped) else [v or None for v in stripped]


def _texts(values: Sequence[Any]) -> list[Any]:
    return [v if v and not v.isspace() else None for v in values]


def _msisdns(values: Sequence[Any]) -> list[Any]:
    try:
        return list(map(msisdn_or_none, values))  # cached; "" gives None
    except AttributeError:  # nulls (JSONL, Parquet)
        return [msisdn_or_none(v) if v else None for v in values]


def _presented(values: Sequence[Any]) -> list[Any]:
    return [normalise_presented(v) if v else None for v in values]  # raises on no number


def _timestamps(values: Sequence[Any]) -> list[Any]:
    """ISO text in UTC at millisecond resolution, the common case; the rest goes scalar."""
    try:
        parsed = [_from_iso(v) if v else None for v in values]
    except TypeError:  # native values (Parquet datetimes), checked below
        parsed = list(values)
    return [
        t if t is None or (t.tzinfo is UTC and not t.microsecond % 1000) else None for t in parsed
    ]


def _ints(values: Sequence[Any]) -> list[Any]:
    try:
        if all(map(str.isdecimal, values)) and all(map(str.isascii, values)):
            ints = list(map(int, values))
            if max(ints, default=0) <= INT64_MAX:
                return ints
    except TypeError:  # native numbers (JSONL, Parquet)
        return [v if v.__class__ is int and 0 <= v <= INT64_MAX else None for v in values]
    return [
        int(v) if v.isdecimal() and v.isascii() and len(v) < _INT64_DIGITS else None for v in values
    ]


_BULKS: dict[Kind, _Bulk] = {
    Kind.ID: _ids,
    Kind.TEXT: _texts,
    Kind.MSISDN: _msisdns,
    Kind.PRESENTED: _presented,
    Kind.TIMESTAMP: _timestamps,
    Kind.INT: _ints,
}
