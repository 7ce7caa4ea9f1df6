"""Reading feed files into typed records, in bounded batches, rejecting bad rows with why.

The format follows the extension: ``.csv`` (UTF-8, a header row, any column order),
``.parquet`` (typed or string columns) or ``.jsonl`` (one JSON object per line). Extra
columns are ignored; a missing required column makes the whole file unusable
(:class:`~qorgan.core.errors.MissingColumns`). Every other problem is one row's: the row
goes to the :class:`~qorgan.core.rejects.RejectSink` with the reason and the rest flow on.

Row numbers, as written in rejects:
- CSV: the data row, counting from 1 after the header (row 0); blank lines are counted
  too, so row ``N`` is physical line ``N + 1`` unless a quoted value spans lines.
- JSONL: the line number, from 1.
- Parquet: the row's position in the file, from 1.

Record ids (``Feed.id_columns``) make reading idempotent: the first row with an id is kept
and later ones are counted as duplicates. Only a 64-bit hash of each normalised id and the
row where it was first seen are kept (about 100 bytes per distinct id), so the duplicate
check spans one file.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from qorgan.core.errors import InvalidInput, InvalidValue, MissingColumns, NotFound
from qorgan.core.feeds import FEEDS, Feed
from qorgan.core.records import CHOICE_TYPES, RECORD_TYPES, Record
from qorgan.core.rejects import ReadStats, RejectSink
from qorgan.core.values import Converter, converter

FORMATS = (".csv", ".parquet", ".jsonl")
DEFAULT_BATCH_SIZE = 50_000

_Plan = list[tuple[int, Converter]]


def read_feed(
    path: str | os.PathLike[str],
    feed: str | Feed,
    *,
    rejects: RejectSink,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[Record]]:
    """Stream the records of a feed file in batches.

    The file's type and header are checked at once, so an unusable file fails here,
    before iteration; rows are read lazily.

    Args:
        path: a ``.csv``, ``.parquet`` or ``.jsonl`` file.
        feed: the feed, or its name (``"calls"``).
        rejects: where bad and duplicate rows go; it also counts what was read.
        batch_size: records per batch (the last batch may be shorter).

    Returns:
        An iterator of non-empty lists of records of the feed's record type.

    Raises:
        NotFound: no such file.
        InvalidInput: unknown extension or feed, an unreadable file, a column twice,
            a CSV that is not UTF-8.
        MissingColumns: the header lacks required columns (CSV and Parquet; a JSONL
            line lacking a key is a rejected row, or null where the column is nullable).
    """
    spec = _feed(feed)
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"{source}: unknown feed file type {suffix or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    if not source.is_file():
        raise NotFound(f"{source}: no such file")
    if batch_size < 1:
        raise InvalidInput(f"batch_size must be at least 1, not {batch_size}")
    rows = _Rows(spec, str(path), rejects)
    if suffix == ".csv":
        with _open_text(source) as stream:
            header = _csv_header(source, stream)
        rows.check_header(header)
        rows.lay_out(header)
        return _batches(_csv_records(source, rows, header), rows, batch_size)
    if suffix == ".parquet":
        names = _parquet_names(source)
        rows.check_header(names)
        return _batches(_parquet_records(source, rows, names, batch_size), rows, batch_size)
    return _batches(_jsonl_records(source, rows), rows, batch_size)


def read_all(
    path: str | os.PathLike[str], feed: str | Feed, *, rejects: RejectSink | None = None
) -> tuple[list[Record], ReadStats]:
    """Read a whole (small) feed file into memory.

    Args:
        path: the file.
        feed: the feed or its name.
        rejects: where rejects go; in memory when omitted.

    Returns:
        The records and what happened to the rows of this file.
    """
    sink = rejects if rejects is not None else RejectSink()
    before = sink.summary()
    records = [record for batch in read_feed(path, feed, rejects=sink) for record in batch]
    return records, sink.summary() - before


class _Rows:
    """Turns one file's raw rows into records: converts, rejects, drops duplicates."""

    def __init__(self, feed: Feed, file: str, rejects: RejectSink) -> None:
        self.feed = feed
        self.file = file
        self.rejects = rejects
        self.make: Callable[..., Record] = RECORD_TYPES[feed.name]
        self.converters = [converter(c, CHOICE_TYPES.get(c.choices)) for c in feed.columns]
        names = [c.name for c in feed.columns]
        self.id_positions = [names.index(name) for name in feed.id_columns]
        self.id_label = "+".join(feed.id_columns)
        self.seen: dict[int, int] = {}
        self.read = 0
        self.plan: _Plan = list(enumerate(self.converters))

    def check_header(self, header: Sequence[str]) -> None:
        """Refuse a header that lacks a required column or names a feed column twice."""
        for name in {n for n in header if header.count(n) > 1}:
            if any(c.name == name for c in self.feed.columns):
                raise InvalidInput(f"{self.file}: column {name!r} appears more than once")
        missing = [n for n in self.feed.required_names if n not in header]
        if missing:
            raise MissingColumns(self.file, self.feed.name, missing)

    def lay_out(self, header: Sequence[str]) -> None:
        """Plan where each column's value sits in a row; absent columns get their default."""
        self.plan = []
        for column, convert in zip(self.feed.columns, self.converters, strict=True):
            if column.name in header:
                self.plan.append((header.index(column.name), convert))
            else:
                self.plan.append((0, _constant(convert(None))))

    def record(self, raw: Sequence[object], row: int) -> Record | None:
        """The record of one row, or ``None`` when it was rejected or a duplicate."""
        self.read += 1
        try:
            values = [convert(raw[i]) for i, convert in self.plan]
        except InvalidValue:
            self._reject_values(raw, row)
            return None
        ids = self.id_positions
        key = hash(values[ids[0]]) if len(ids) == 1 else hash(tuple(values[i] for i in ids))
        first = self.seen.setdefault(key, row)
        if first != row:
            shown = " / ".join(str(values[i]) for i in ids)
            reason = f"duplicate {self.id_label} (first seen at row {first}); the first is kept"
            self.rejects.duplicate(self.file, row, self.id_label, shown, reason)
            return None
        return self.make(*values)

    def reject(self, row: int, field: str, value: object, reason: str) -> None:
        """Reject a row that cannot be split into values (ragged, not JSON)."""
        self.read += 1
        self.rejects.reject(self.file, row, field, value, reason)

    def _reject_values(self, raw: Sequence[object], row: int) -> None:
        problems: list[tuple[str, object, str]] = []
        for column, (i, convert) in zip(self.feed.columns, self.plan, strict=True):
            try:
                convert(raw[i])
            except InvalidValue as exc:
                problems.append((column.name, raw[i], exc.reason))
        field, value, reason = problems[0]
        also = "".join(f"; also {name}: {why}" for name, _, why in problems[1:])
        self.rejects.reject(self.file, row, field, value, reason + also)


def _batches(
    records: Iterator[Record | None], rows: _Rows, batch_size: int
) -> Iterator[list[Record]]:
    batch: list[Record] = []
    counted = 0
    for record in records:
        if record is not None:
            batch.append(record)
            if len(batch) >= batch_size:
                rows.rejects.count(rows.read - counted, len(batch))
                counted = rows.read
                yield batch
                batch = []
    rows.rejects.count(rows.read - counted, len(batch))
    if batch:
        yield batch


def _csv_records(source: Path, rows: _Rows, header: list[str]) -> Iterator[Record | None]:
    width = len(header)
    number = 0
    with _open_text(source) as stream:
        reader = csv.reader(stream)
        try:
            next(reader)  # the header, checked already
            while True:
                try:
                    for fields in reader:
                        number += 1
                        if len(fields) == width:
                            yield rows.record(fields, number)
                        elif fields:  # a blank line is no row
                            _reject_ragged(rows, fields, number, header)
                    break
                except csv.Error as exc:
                    number += 1
                    rows.reject(number, "", "", f"unreadable CSV row: {exc}")
        except UnicodeDecodeError:
            raise InvalidInput(f"{source}: not UTF-8 text (near row {number + 1})") from None


def _reject_ragged(rows: _Rows, fields: list[str], number: int, header: list[str]) -> None:
    count = f"row has {len(fields)} fields, the header has {len(header)}"
    if len(fields) < len(header):
        rows.reject(number, header[len(fields)], ",".join(fields), f"missing field(s): {count}")
    else:
        rows.reject(number, "", ",".join(fields), f"extra field(s): {count}")


def _jsonl_records(source: Path, rows: _Rows) -> Iterator[Record | None]:
    names = [c.name for c in rows.feed.columns]
    number = 0
    with _open_text(source) as stream:
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line, parse_float=Decimal)
                except json.JSONDecodeError as exc:
                    rows.reject(number, "", line.rstrip("\n"), f"not valid JSON: {exc.msg}")
                    continue
                if not isinstance(item, dict):
                    rows.reject(number, "", line.rstrip("\n"), "not a JSON object")
                    continue
                yield rows.record([item.get(name) for name in names], number)
        except UnicodeDecodeError:
            raise InvalidInput(f"{source}: not UTF-8 text (near line {number + 1})") from None


def _parquet_records(
    source: Path, rows: _Rows, names: list[str], batch_size: int
) -> Iterator[Record | None]:
    wanted = [c.name for c in rows.feed.columns if c.name in names]
    rows.lay_out(wanted)
    number = 0
    try:
        with pq.ParquetFile(source) as parquet:
            for batch in parquet.iter_batches(batch_size=batch_size, columns=wanted):
                columns = [_python_values(batch.column(name)) for name in wanted]
                for values in zip(*columns, strict=True):
                    number += 1
                    yield rows.record(values, number)
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(f"{source}: unreadable Parquet after row {number}: {exc}") from None


def _python_values(array: pa.Array) -> list[object]:
    """An Arrow column as Python values; timestamps become aware UTC datetimes.

    A timestamp column without a time zone is read as UTC (Parquet stores instants as
    counts from the epoch).
    """
    if pa.types.is_timestamp(array.type):
        array = array.cast(pa.timestamp("us", tz="UTC"), safe=False)
    values: list[object] = array.to_pylist()
    return values


def _parquet_names(source: Path) -> list[str]:
    try:
        names: list[str] = pq.read_schema(source).names
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(f"{source}: not a readable Parquet file: {exc}") from None
    return names


def _csv_header(source: Path, stream: IO[str]) -> list[str]:
    try:
        header = next(csv.reader(stream), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(f"{source}: unreadable CSV header: {exc}") from None
    if not header:
        raise InvalidInput(f"{source}: empty file, no header row")
    return [name.strip() for name in header]


def _open_text(source: Path) -> IO[str]:
    return source.open(encoding="utf-8-sig", newline="")


def _constant(value: object) -> Converter:
    return lambda _raw: value


def _feed(feed: str | Feed) -> Feed:
    if isinstance(feed, Feed):
        return feed
    try:
        return FEEDS[feed]
    except KeyError:
        raise InvalidInput(f"unknown feed {feed!r}; known: {', '.join(FEEDS)}") from None
