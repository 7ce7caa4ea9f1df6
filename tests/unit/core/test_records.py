"""Record types follow the feeds: same columns, same order, same choices."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from qorgan.core.feeds import FEEDS, Kind
from qorgan.core.records import CHOICE_TYPES, RECORD_TYPES, CallRecord, Ingress


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_record_fields_are_the_feed_columns_in_order(name: str) -> None:
    feed = FEEDS[name]
    fields = dataclasses.fields(RECORD_TYPES[name])
    assert [f.name for f in fields] == [c.name for c in feed.columns]
    for field, column in zip(fields, feed.columns, strict=True):
        if not column.required and column.nullable:
            assert field.default is None, f"{name}.{column.name} must default to None"


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_every_choice_column_has_an_enum_with_exactly_its_choices(name: str) -> None:
    for column in FEEDS[name].columns:
        if column.kind is Kind.CHOICE:
            enum = CHOICE_TYPES[column.choices]
            assert tuple(member.value for member in enum) == column.choices


def test_records_are_frozen_and_slotted() -> None:
    record = CallRecord(
        "c1",
        datetime(2026, 3, 2, tzinfo=UTC),
        None,
        "+77011234567",
        Ingress.RADIO,
        None,
        None,
        None,
        False,
        0,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.call_id = "c2"  # type: ignore[misc]
    assert not hasattr(record, "__dict__")
    assert record.operator is None
