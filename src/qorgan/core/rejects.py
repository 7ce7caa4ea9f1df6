"""Where rejected rows go, and the counts a command prints at the end of a read.

A reject is one line per unusable row: ``file,row,field,value,reason``. ``row`` is the
row's number in its file (see :mod:`qorgan.core.readers`), ``field`` the first bad
column (empty when the row as a whole is unusable, e.g. invalid JSON or too many fields),
``value`` that column's value as given (cut to 200 characters), and ``reason`` what is
wrong with it, followed by ``; also <column>: <reason>`` for each further bad column.

A duplicate (a record id already read) is written the same way, with a reason starting
``duplicate``; it is not an error of the data (ingestion is idempotent and keeps the first),
but it is counted separately so that nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

MAX_VALUE_CHARS = 200
HEADER = ("file", "row", "field", "value", "reason")


@dataclass(frozen=True, slots=True)
class Reject:
    """One line of the rejects output."""

    file: str
    row: int
    field: str
    value: str
    reason: str

    @property
    def is_duplicate(self) -> bool:
        return self.reason.startswith("duplicate ")


@dataclass(frozen=True, slots=True)
class ReadStats:
    """What happened to the rows read: ``rows == accepted + rejected + duplicates``."""

    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0

    def __sub__(self, other: ReadStats) -> ReadStats:
        return ReadStats(
            self.rows - other.rows,
            self.accepted - other.accepted,
            self.rejected - other.rejected,
            self.duplicates - other.duplicates,
        )

    def __str__(self) -> str:
        return (
            f"{self.rows} rows read: {self.accepted} accepted, {self.rejected} rejected, "
            f"{self.duplicates} duplicate ids"
        )


class RejectSink:
    """Collects rejects: to a CSV file when given a path, else in memory (``lines``).

    Use it as a context manager so the file is flushed and closed::

        with RejectSink("out/rejects.csv") as rejects:
            for batch in read_feed("calls.csv", "calls", rejects=rejects):
                ...
        print(rejects.summary())

    Args:
        path: the CSV file to write (created with its header, parents too); ``None`` keeps
            the lines in memory, for tests and small reads.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.lines: list[Reject] = []
        self._rows = 0
        self._accepted = 0
        self._rejected = 0
        self._duplicates = 0
        self._stream: IO[str] | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._stream)
            self._writer.writerow(HEADER)

    def reject(self, file: str, row: int, field: str, value: object, reason: str) -> None:
        """Record an unusable row."""
        self._rejected += 1
        self._add(Reject(file, row, field, shown(value), reason))

    def duplicate(self, file: str, row: int, field: str, value: object, reason: str) -> None:
        """Record a row whose id was already read; ``reason`` starts with ``duplicate``."""
        self._duplicates += 1
        self._add(Reject(file, row, field, shown(value), reason))

    def count(self, rows: int, accepted: int) -> None:
        """Add rows read and rows accepted (readers call this once per batch)."""
        self._rows += rows
        self._accepted += accepted

    def summary(self) -> ReadStats:
        """The counts so far, over every read that used this sink."""
        return ReadStats(self._rows, self._accepted, self._rejected, self._duplicates)

    def close(self) -> None:
        """Flush and close the file; further rejects are refused."""
        if self._stream is not None:
            self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _add(self, line: Reject) -> None:
        if self._stream is None:
            self.lines.append(line)
        else:
            self._writer.writerow((line.file, line.row, line.field, line.value, line.reason))


def shown(value: object) -> str:
    """A raw value as text for a reject line, cut to :data:`MAX_VALUE_CHARS`."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple | dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return text
