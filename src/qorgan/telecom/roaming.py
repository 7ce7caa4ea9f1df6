"""Who is abroad when: an index over the roaming feed for O(log n) lookups per call."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime, timedelta

from qorgan.core.records import RoamingRecord


class RoamingIndex:
    """Subscribers' stays abroad, by number.

    Args:
        records: rows of the roaming feed (``until`` empty while still abroad).
        grace: tolerance either side of a stay, for feeds that lag the network.
    """

    def __init__(
        self, records: Iterable[RoamingRecord] = (), grace: timedelta = timedelta(minutes=5)
    ):
        self._stays: dict[str, list[tuple[float, float]]] = {}
        self._grace = grace.total_seconds()
        for record in records:
            self.add(record)

    def add(self, record: RoamingRecord) -> None:
        """Add one stay; stays of a number are kept sorted by start."""
        until = record.until.timestamp() if record.until is not None else float("inf")
        bisect.insort(self._stays.setdefault(record.msisdn, []), (record.since.timestamp(), until))

    def abroad(self, msisdn: str, at: datetime) -> bool:
        """Whether ``msisdn`` was registered abroad at ``at`` (within the grace)."""
        stays = self._stays.get(msisdn)
        if not stays:
            return False
        t = at.timestamp()
        i = bisect.bisect_right(stays, (t + self._grace, float("inf")))
        return any(
            since - self._grace <= t <= until + self._grace
            for since, until in stays[max(0, i - 3) : i]
        )

    def __len__(self) -> int:
        return sum(len(s) for s in self._stays.values())
