"""The Kazakhstan business calendar: which days are working days, and deadlines counted in them.

Sources (see ``docs/cases.md``):

- Labour Code of the Republic of Kazakhstan (2015), art. 84 "Holidays": holidays set by the
  Law are non-working days; when a day off coincides with a holiday, the day off moves to the
  next working day after the holiday, except for holidays of the religious kind (Orthodox
  Christmas, Kurban Ait), which are not moved. The first day of Kurban Ait is a non-working
  day; its date is announced every year.
- Law "On holidays in the Republic of Kazakhstan" of 13 December 2001 No. 267-II as amended
  in 2022: national and state holidays 1-2 January, 8 March, 21-23 March (Nauryz), 1 May,
  7 May, 9 May, 6 July, 30 August, 25 October, 16 December; 7 January (Orthodox Christmas).
  1 December and 17 December are no longer holidays (from 2022).
- The government's yearly decree moving working days (e.g. a Saturday worked in exchange
  for a bridge Friday off): not predictable, so given as ``extra_off`` / ``extra_work``.
- Time: Kazakhstan has one time zone, UTC+5, since 1 March 2024 00:00 (Government decree
  of 29 December 2023); Almaty and Astana were at UTC+6 before. Deadlines are counted in
  that local time and returned in UTC.

>>> from datetime import datetime, UTC
>>> KAZAKHSTAN.add_business_days(datetime(2025, 6, 20, 9, 0, tzinfo=UTC), 5).isoformat()
'2025-06-27T18:59:59+00:00'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

from qorgan.core.errors import InvalidInput

FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = (
    (1, 1),  # New Year
    (1, 2),  # New Year
    (3, 8),  # International Women's Day
    (3, 21),  # Nauryz meiramy
    (3, 22),  # Nauryz meiramy
    (3, 23),  # Nauryz meiramy
    (5, 1),  # Kazakhstan People's Unity Day
    (5, 7),  # Defender of the Fatherland Day
    (5, 9),  # Victory Day
    (7, 6),  # Capital Day
    (8, 30),  # Constitution Day
    (10, 25),  # Republic Day
    (12, 16),  # Independence Day
)
"""Holidays on fixed dates that move a coinciding weekend day off to the next working day."""

RELIGIOUS_FIXED: tuple[tuple[int, int], ...] = ((1, 7),)  # Orthodox Christmas: not moved

KURBAN_AIT: dict[int, date] = {
    2023: date(2023, 6, 28),
    2024: date(2024, 6, 16),
    2025: date(2025, 6, 6),
    2026: date(2026, 5, 27),
    2027: date(2027, 5, 16),
    2028: date(2028, 5, 5),
    2029: date(2029, 4, 24),
    2030: date(2030, 4, 13),
}
"""First day of Kurban Ait (Eid al-Adha), a non-working day that is not moved.

2023-2025 as announced by the Spiritual Administration of Muslims of Kazakhstan; 2026-2030
are the astronomical estimates of 10 Dhu al-Hijja and must be checked against each year's
announcement (pass a correction as ``extra_off`` / ``extra_work``)."""

UTC_PLUS_5_SINCE = datetime(2024, 2, 29, 18, 0, tzinfo=UTC)
"""1 March 2024 00:00 in the new local time: Kazakhstan's single zone became UTC+5."""

_BEFORE = timezone(timedelta(hours=6))
_AFTER = timezone(timedelta(hours=5))
_END_OF_DAY = time(23, 59, 59)


def local_zone(at: datetime) -> timezone:
    """Kazakhstan's (Almaty's) UTC offset at an instant: +6 before 1 March 2024, +5 from it."""
    return _AFTER if at >= UTC_PLUS_5_SINCE else _BEFORE


def local_date(at: datetime) -> date:
    """The calendar date in Almaty at an aware instant."""
    return at.astimezone(local_zone(at)).date()


def end_of_day(day: date) -> datetime:
    """The last second (23:59:59 Almaty time) of a local date, in UTC."""
    naive = datetime.combine(day, _END_OF_DAY)
    offset = _AFTER if day >= date(2024, 3, 1) else _BEFORE
    return naive.replace(tzinfo=offset).astimezone(UTC)


def statutory_days_off(year: int) -> frozenset[date]:
    """The non-working holidays of one year and the weekend days they move (no decrees)."""
    return _statutory(year)


@lru_cache(maxsize=64)
def _statutory(year: int) -> frozenset[date]:
    moving = [date(year, m, d) for m, d in FIXED_HOLIDAYS]
    fixed = [date(year, m, d) for m, d in RELIGIOUS_FIXED]
    if year in KURBAN_AIT:
        fixed.append(KURBAN_AIT[year])
    off = set(moving) | set(fixed)
    for holiday in moving:
        if holiday.weekday() >= 5:
            moved = holiday + timedelta(days=1)
            while moved.weekday() >= 5 or moved in off:
                moved += timedelta(days=1)
            off.add(moved)
    return frozenset(off)


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days in Kazakhstan: Monday to Friday, less holidays, with decreed transfers.

    Attributes:
        extra_off: dates the government made days off (a bridge day, a corrected Kurban Ait).
        extra_work: dates the government made working days (usually a Saturday).
    """

    extra_off: frozenset[date] = field(default_factory=frozenset)
    extra_work: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_transfers(
        cls, extra_off: Iterable[date] = (), extra_work: Iterable[date] = ()
    ) -> BusinessCalendar:
        """A calendar with the government's transfers of working days."""
        return cls(extra_off=frozenset(extra_off), extra_work=frozenset(extra_work))

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.extra_work:
            return True
        if day in self.extra_off or day.weekday() >= 5:
            return False
        return day not in _statutory(day.year)

    def add_business_days(self, start: datetime, n: int) -> datetime:
        """The end (23:59:59 Almaty time, in UTC) of the ``n``-th working day after ``start``'s
        local date: a block issued on Friday at 14:00 with ``n=5`` lasts to the end of the
        next Friday when no holiday falls between.

        Args:
            start: an aware instant.
            n: working days, at least 1.

        Raises:
            InvalidInput: ``start`` is naive or ``n`` is below 1.
        """
        if start.tzinfo is None:
            raise InvalidInput("start must be timezone-aware")
        if n < 1:
            raise InvalidInput(f"a term of {n} business days: at least 1 is needed")
        day = local_date(start)
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        return end_of_day(day)


KAZAKHSTAN = BusinessCalendar()
"""The statutory calendar without decreed transfers."""
