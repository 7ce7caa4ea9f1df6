"""The simulated calendar: hours from the start, local time (UTC+5), weekdays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
LOCAL_OFFSET = timedelta(hours=5)  # Kazakhstan keeps UTC+5 nationwide since March 2024


@dataclass(frozen=True, slots=True)
class Calendar:
    """A window of whole days starting at local midnight ``start`` (a UTC datetime)."""

    start: datetime
    days: int

    @property
    def start_ms(self) -> int:
        return int(self.start.timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.days * DAY_MS

    @property
    def hours(self) -> int:
        return self.days * 24

    def hour_start_ms(self, hour: int) -> int:
        return self.start_ms + hour * HOUR_MS

    def local_hour(self, hour: int) -> int:
        return hour % 24

    def day(self, hour: int) -> int:
        return hour // 24

    def is_weekend(self, hour: int) -> bool:
        local = self.start + LOCAL_OFFSET + timedelta(hours=hour)
        return local.weekday() >= 5

    def at(self, ms: int) -> datetime:
        return self.start + timedelta(milliseconds=ms - self.start_ms)
