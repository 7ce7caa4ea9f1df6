"""A whole column converted at once gives what converting value by value gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.core.columns import column_converter
from qorgan.core.errors import InvalidValue
from qorgan.core.feeds import FEEDS, Column, Kind
from qorgan.core.records import CHOICE_TYPES
from qorgan.core.values import Converter, converter

SAMPLES: dict[Kind, list[object]] = {
    Kind.ID: ["c1", " c2 ", 42, 4.5, True],
    Kind.TEXT: ["hello", " spaced ", 5, 0],
    Kind.TIMESTAMP: [
        "2026-03-02T10:15:00Z",
        "2026-03-02T10:15:00.123456+05:00",
        "2026-03-02T10:15:00",
        "1772446500000",
        "20260302",
        1772446500000,
        0,
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 2, tzinfo=timezone(timedelta(hours=5))),
        datetime(2026, 3, 2),
    ],
    Kind.MSISDN: ["87011234567", "+77401234567", "+79161234567", 77011234567, ["x"]],
    Kind.PRESENTED: ["87011234567", "+77401234567", "+79161234567", "x-y", 77011234567],
    Kind.SENDER: ["KASPI", "1414", "87011234567", "Kaspi@bank", "+77401234567"],
    Kind.CHOICE: ["radio", "Radio", "voip", "app", "loan", "exchange", "personal", "nope", 1],
    Kind.BOOL: ["true", "FALSE", "yes", "1", "0", "maybe", True, False, 1, 0, 2, 1.0, Decimal(0)],
    Kind.INT: [
        "5",
        "0",
        " 7 ",
        "-3",
        "1e3",
        "99999999999999999999",
        5,
        5.0,
        5.5,
        Decimal("3"),
        True,
    ],
    Kind.BIG_INT: ["123456789012345678901234567890", "-1", Decimal("1E+3"), 7],
    Kind.MONEY: ["12.50", "0", "-1", "1.234", 7, 0.1, Decimal("2.5")],
    Kind.CURRENCY: ["KZT", "usd", "US"],
    Kind.IBAN: ["KZ86125KZT5004100100", "kz86 125k zt50 0410 0100", "KZ00"],
    Kind.ACCOUNT_REF: ["CASH", "crypto:Binance", "KZ86125KZT5004100100", "wallet"],
    Kind.IP: ["10.0.0.1", "::1", "10.0.0.256"],
    Kind.ID_LIST: ['["t1", "t2"]', "[]", '["", "t"]', "t1,t2", ["t1"], [None]],
}

# Values any column may meet in JSONL or Parquet.
ODD: list[object] = [1.5, Decimal("2"), datetime(2026, 3, 2, tzinfo=UTC), ["x"], {"a": 1}, True, -1]

# One column per distinct way of converting (kind, nullability, choices).
_DISTINCT = {(c.kind, c.nullable, c.choices): c for f in FEEDS.values() for c in f.columns}
COLUMNS = sorted(_DISTINCT.values(), key=lambda c: (c.kind, c.nullable, c.name))


@pytest.mark.parametrize("column", COLUMNS, ids=[c.name for c in COLUMNS])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_column_conversion_equals_value_by_value_conversion(
    column: Column, data: st.DataObject
) -> None:
    raw = st.one_of(
        st.sampled_from(SAMPLES[column.kind]),
        st.sampled_from(["", "   ", None, *ODD]),
        st.text(max_size=6),
    )
    clean = st.lists(st.sampled_from(SAMPLES[column.kind]), max_size=12)  # the fast paths
    values = data.draw(st.lists(raw, max_size=12) | clean)
    enum = CHOICE_TYPES.get(column.choices)
    convert = converter(column, enum)
    out, reasons = column_converter(column, enum)(values)
    assert len(out) == len(values)
    for i, value in enumerate(values):
        expected, reason = _one_by_one(convert, value)
        assert reasons.get(i) == reason
        assert out[i] == expected
        assert type(out[i]) is type(expected)


def _one_by_one(convert: Converter, value: object) -> tuple[object, str | None]:
    try:
        return convert(value), None
    except InvalidValue as exc:
        return None, exc.reason
