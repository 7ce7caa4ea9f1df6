"""Timestamps: ISO 8601 with offset or epoch milliseconds, kept as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.errors import InvalidValue
from qorgan.core.timestamps import EPOCH, format_ts, parse_ts

MOMENT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)

moments = st.datetimes(
    min_value=datetime(1973, 3, 4),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(UTC),
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-02T10:15:00Z",
        "2026-03-02T10:15:00.000Z",
        "2026-03-02T15:15:00+05:00",
        "2026-03-02T10:15:00+00:00",
        " 2026-03-02T10:15:00Z ",
        1772446500000,
        "1772446500000",
        datetime(2026, 3, 2, 15, 15, tzinfo=timezone(timedelta(hours=5))),
    ],
)
def test_every_accepted_form_gives_the_same_utc_instant(raw: str | int | datetime) -> None:
    parsed = parse_ts(raw)
    assert parsed == MOMENT
    assert parsed.tzinfo is UTC


def test_naive_timestamp_is_rejected_for_lack_of_an_offset() -> None:
    with pytest.raises(InvalidValue, match="timestamp has no UTC offset"):
        parse_ts("2026-03-02T10:15:00")
    with pytest.raises(InvalidValue, match="timestamp has no UTC offset"):
        parse_ts(datetime(2026, 3, 2, 10, 15))


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-02T10:15:00Z", "02.03.2026 10:15", ""])
def test_unparsable_timestamp_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue, match="not a timestamp"):
        parse_ts(raw)


def test_epoch_seconds_sent_as_milliseconds_are_caught() -> None:
    with pytest.raises(InvalidValue, match="too small"):
        parse_ts("1772446500")


def test_epoch_microseconds_sent_as_milliseconds_are_caught() -> None:
    with pytest.raises(InvalidValue, match="after 2100"):
        parse_ts(1772446500000000)


def test_digits_below_a_millisecond_are_truncated() -> None:
    assert parse_ts("2026-03-02T10:15:00.123999Z") == MOMENT + timedelta(milliseconds=123)


def test_format_is_utc_with_milliseconds_and_z() -> None:
    assert format_ts(MOMENT) == "2026-03-02T10:15:00.000Z"
    assert format_ts(
        datetime(2026, 3, 2, 15, 15, 0, 5000, tzinfo=timezone(timedelta(hours=5)))
    ) == ("2026-03-02T10:15:00.005Z")


def test_formatting_a_naive_datetime_is_refused() -> None:
    with pytest.raises(InvalidValue, match="no UTC offset"):
        format_ts(datetime(2026, 3, 2))


@given(moments)
def test_format_then_parse_gives_the_same_instant(moment: datetime) -> None:
    assert parse_ts(format_ts(moment)) == moment


@given(moments, st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_an_instant_written_in_any_offset_parses_to_the_same_utc(
    moment: datetime, minutes: int
) -> None:
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    assert parse_ts(local.isoformat()) == moment


@given(st.integers(min_value=10**11, max_value=4_102_444_799_999))
def test_epoch_milliseconds_round_trip_through_the_text_form(ms: int) -> None:
    moment = parse_ts(ms)
    assert moment == EPOCH + timedelta(milliseconds=ms)
    assert parse_ts(format_ts(moment)) == moment
    assert parse_ts(str(ms)) == moment
