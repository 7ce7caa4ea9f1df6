"""The Kazakhstan business calendar and deadlines counted in business days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.cases.calendar import (
    KAZAKHSTAN,
    BusinessCalendar,
    end_of_day,
    local_date,
    statutory_days_off,
)
from qorgan.core.errors import InvalidInput

ALMATY = timedelta(hours=5)


def test_block_issued_friday_afternoon_lasts_to_the_end_of_the_fifth_business_day() -> None:
    friday_14h = datetime(2025, 6, 20, 14, 0, tzinfo=UTC) - ALMATY
    expiry = KAZAKHSTAN.add_business_days(friday_14h, 5)
    assert expiry == datetime(2025, 6, 27, 23, 59, 59, tzinfo=UTC) - ALMATY


def test_fixed_holidays_of_the_law_are_days_off() -> None:
    days = [(1, 1), (1, 2), (1, 7), (3, 8), (3, 21), (5, 1), (5, 7), (5, 9), (7, 6), (8, 30)]
    days += [(10, 25), (12, 16)]
    for month, day in days:
        assert not KAZAKHSTAN.is_business_day(date(2026, month, day)), (month, day)


def test_first_of_december_is_no_longer_a_holiday() -> None:
    assert KAZAKHSTAN.is_business_day(date(2025, 12, 1))  # a Monday


def test_holiday_on_a_saturday_moves_the_day_off_to_monday() -> None:
    assert not KAZAKHSTAN.is_business_day(date(2024, 3, 25))  # Nauryz 23 March was a Saturday
    assert KAZAKHSTAN.is_business_day(date(2024, 3, 26))


def test_two_weekend_holidays_move_to_two_working_days() -> None:
    off = statutory_days_off(2025)  # Nauryz 22-23 March 2025 fell on Saturday and Sunday
    assert date(2025, 3, 24) in off
    assert date(2025, 3, 25) in off
    assert date(2025, 3, 26) not in off


def test_moved_day_skips_another_holiday() -> None:
    # 2022: 7 May was a Saturday; 9 May is a holiday itself, so the day off went to 10 May.
    assert date(2022, 5, 10) in statutory_days_off(2022)


def test_religious_holidays_on_a_weekend_are_not_moved() -> None:
    # Kurban Ait 16 June 2024 and Orthodox Christmas 7 January 2024 were Sundays.
    assert KAZAKHSTAN.is_business_day(date(2024, 6, 17))
    assert KAZAKHSTAN.is_business_day(date(2024, 1, 8))


def test_kurban_ait_is_a_day_off() -> None:
    assert not KAZAKHSTAN.is_business_day(date(2025, 6, 6))


def test_decreed_transfers_swap_a_saturday_for_a_friday() -> None:
    calendar = BusinessCalendar.with_transfers(
        extra_off=[date(2025, 1, 3)], extra_work=[date(2025, 1, 18)]
    )
    assert not calendar.is_business_day(date(2025, 1, 3))
    assert calendar.is_business_day(date(2025, 1, 18))
    assert KAZAKHSTAN.is_business_day(date(2025, 1, 3))


def test_local_time_was_utc_plus_6_before_march_2024() -> None:
    assert local_date(datetime(2024, 2, 10, 18, 30, tzinfo=UTC)) == date(2024, 2, 11)
    assert local_date(datetime(2024, 3, 10, 18, 30, tzinfo=UTC)) == date(2024, 3, 10)
    assert end_of_day(date(2024, 2, 1)).hour == 17
    assert end_of_day(date(2024, 3, 1)).hour == 18


def test_a_term_below_one_day_or_a_naive_start_is_refused() -> None:
    with pytest.raises(InvalidInput):
        KAZAKHSTAN.add_business_days(datetime(2025, 1, 6, tzinfo=UTC), 0)
    with pytest.raises(InvalidInput):
        KAZAKHSTAN.add_business_days(datetime(2025, 1, 6), 3)


instants = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2030, 12, 1), timezones=st.just(UTC)
)
terms = st.integers(min_value=1, max_value=40)


@given(instants, terms)
def test_deadline_is_after_the_start_and_on_a_business_day(start: datetime, n: int) -> None:
    expiry = KAZAKHSTAN.add_business_days(start, n)
    assert expiry > start
    assert expiry.tzinfo is UTC
    assert KAZAKHSTAN.is_business_day(local_date(expiry))
    assert expiry == end_of_day(local_date(expiry))


@given(instants, terms, terms)
def test_deadline_grows_with_the_term(start: datetime, n: int, m: int) -> None:
    a, b = sorted((n, m))
    assert KAZAKHSTAN.add_business_days(start, a) <= KAZAKHSTAN.add_business_days(start, b)
    if a < b:
        assert KAZAKHSTAN.add_business_days(start, a) < KAZAKHSTAN.add_business_days(start, b)


@given(instants, instants, terms)
def test_deadline_grows_with_the_start(s1: datetime, s2: datetime, n: int) -> None:
    early, late = sorted((s1, s2))
    assert KAZAKHSTAN.add_business_days(early, n) <= KAZAKHSTAN.add_business_days(late, n)


@given(instants, terms)
def test_exactly_n_business_days_lie_between_start_and_deadline(start: datetime, n: int) -> None:
    expiry = KAZAKHSTAN.add_business_days(start, n)
    day, last, counted = local_date(start), local_date(expiry), 0
    while day < last:
        day += timedelta(days=1)
        counted += KAZAKHSTAN.is_business_day(day)
    assert counted == n
