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

A JSONL line has no header to check: a key it lacks is null where the column is nullable
and makes the line a reject otherwise. A Parquet timestamp column without a time zone is
read as UTC (Parquet counts instants from the epoch).

Record ids (``Feed.id_columns``) make reading idempotent: the first row with an id is kept
and later ones are counted as duplicates, within one call (see :mod:`qorgan.core.intake`).
"""

from __future__ import annotations

import csv
import gc
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from qorgan.core.errors import InvalidInput, NotFound
from qorgan.core.feeds import FEEDS, Feed
from qorgan.core.intake import Intake
from qorgan.core.records import Record
from qorgan.core.rejects import ReadStats, RejectSink

FORMATS = (".csv", ".parquet", ".jsonl")
DEFAULT_BATCH_SIZE = 50_000
CHUNK_ROWS = 4096
"""Rows converted together, a column at a time."""

Chunk = tuple[Sequence[Sequence[object]], Sequence[int]]
"""A chunk of rows as columns in the file's layout, and each row's number."""


def read_feed(
    path: str | os.PathLike[str],
    feed: str | Feed,
    *,
    rejects: RejectSink,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[Record]]:
    """Stream the records of a feed file in batches.

    The file's type and header are checked at once, so an unusable file fails here,
    before iteration; rows are read lazily, a chunk at a time.

    Args:
        path: a ``.csv``, ``.parquet`` or ``.jsonl`` file.
        feed: the feed, or its name (``"calls"``).
        rejects: where bad and duplicate rows go; it also counts what was read.
        batch_size: records per batch (the last batch may be shorter).

    Returns:
        An iterator of non-empty lists of records of the feed's record type.

    Raises:
        NotFound: no such file.
        InvalidInput: unknown extension or feed, a column twice, an unreadable file or
            one that is not UTF-8 (the error may come during iteration).
        MissingColumns: the header (CSV) or schema (Parquet) lacks required columns.
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
    intake = Intake(spec, str(path), rejects)
    if suffix == ".csv":
        with _open_text(source) as stream:
            header = _csv_header(source, stream)
        intake.check_header(header)
        intake.lay_out(header)
        return _batches(_csv_chunks(source, intake, header), intake, batch_size)
    if suffix == ".parquet":
        names = _parquet_names(source)
        intake.check_header(names)
        wanted = [c.name for c in spec.columns if c.name in names]
        intake.lay_out(wanted)
        return _batches(_parquet_chunks(source, wanted), intake, batch_size)
    return _batches(_jsonl_chunks(source, intake), intake, batch_size)


def read_all(
    path: str | os.PathLike[str], feed: str | Feed, *, rejects: RejectSink | None = None
) -> tuple[list[Record], ReadStats]:
    """Read a whole (small) feed file into memory.

    Args:
        path: the file.
        feed: the feed or its name.
        rejects: where rejects go; in memory when omitted.

    Returns:
        The records, and what happened to the rows of this file.
    """
    sink = rejects if rejects is not None else RejectSink()
    before = sink.summary()
    records = [record for batch in read_feed(path, feed, rejects=sink) for record in batch]
    return records, sink.summary() - before


def _batches(chunks: Iterator[Chunk], intake: Intake, batch_size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    counted = 0
    more = True
    while more:
        with _gc_paused():
            while more and len(batch) < batch_size:
                chunk = next(chunks, None)
                more = chunk is not None
                if chunk is not None:
                    batch.extend(intake.records(*chunk))
        while len(batch) >= batch_size:
            out, batch = batch[:batch_size], batch[batch_size:]
            intake.rejects.count(intake.read - counted, len(out))
            counted = intake.read
            yield out
    intake.flush()
    intake.rejects.count(intake.read - counted, len(batch))
    if batch:
        yield batch


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one batch is built.

    A batch is tens of thousands of new objects in no reference cycle; the collector
    would scan them over and over for nothing (a sixth of a read's time). Reference
    counting still frees everything, and collection resumes before the batch is handed
    over, so the caller's own work runs with the collector on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _csv_chunks(source: Path, intake: Intake, header: list[str]) -> Iterator[Chunk]:
    width = len(header)
    done = 0  # data rows consumed so far, blank and unreadable ones included
    with _open_text(source) as stream:
        reader = csv.reader(stream)
        try:
            next(reader)  # the header, checked already
            while True:
                chunk: list[list[str]] = []
                try:
                    chunk.extend(islice(reader, CHUNK_ROWS))
                    failure = None
                except csv.Error as exc:  # the reader goes on after the bad record
                    failure = f"unreadable CSV row: {exc}"
                first, done = done + 1, done + len(chunk)
                if set(map(len, chunk)) == {width}:
                    yield list(zip(*chunk, strict=True)), range(first, done + 1)
                elif chunk:
                    yield from _even_rows(chunk, first, intake, header)
                if failure is not None:
                    done += 1
                    intake.reject(done, "", "", failure)
                elif len(chunk) < CHUNK_ROWS:
                    return
        except UnicodeDecodeError:
            raise InvalidInput(f"{source}: not UTF-8 text (near row {done + 1})") from None


def _even_rows(
    chunk: list[list[str]], first: int, intake: Intake, header: list[str]
) -> Iterator[Chunk]:
    """The rows of a chunk that have one value per header column; the others are rejected."""
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, fields in enumerate(chunk, start=first):
        if len(fields) == width:
            rows.append(fields)
            numbers.append(number)
        elif len(fields) < width:
            if fields:  # a blank line is no row
                got = f"row has {len(fields)} fields, the header has {width}"
                intake.reject(
                    number, header[len(fields)], ",".join(fields), f"missing field(s): {got}"
                )
        else:
            got = f"row has {len(fields)} fields, the header has {width}"
            intake.reject(number, "", ",".join(fields), f"extra field(s): {got}")
    if rows:
        yield list(zip(*rows, strict=True)), numbers


def _jsonl_chunks(source: Path, intake: Intake) -> Iterator[Chunk]:
    names = [c.name for c in intake.feed.columns]
    rows: list[list[object]] = []
    numbers: list[int] = []
    number = 0
    with _open_text(source) as stream:
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line, parse_float=Decimal)
                except json.JSONDecodeError as exc:
                    intake.reject(number, "", line.rstrip("\n"), f"not valid JSON: {exc.msg}")
                    continue
                if not isinstance(item, dict):
                    intake.reject(number, "", line.rstrip("\n"), "not a JSON object")
                    continue
                rows.append([item.get(name) for name in names])
                numbers.append(number)
                if len(rows) == CHUNK_ROWS:
                    yield list(zip(*rows, strict=True)), numbers
                    rows, numbers = [], []
        except UnicodeDecodeError:
            raise InvalidInput(f"{source}: not UTF-8 text (near line {number + 1})") from None
    if rows:
        yield list(zip(*rows, strict=True)), numbers


def _parquet_chunks(source: Path, wanted: list[str]) -> Iterator[Chunk]:
    done = 0
    try:
        with pq.ParquetFile(source) as parquet:
            for batch in parquet.iter_batches(batch_size=CHUNK_ROWS, columns=wanted):
                columns = [_python_values(batch.column(name)) for name in wanted]
                yield columns, range(done + 1, done + 1 + batch.num_rows)
                done += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(f"{source}: unreadable Parquet after row {done}: {exc}") from None


def _python_values(array: pa.Array) -> list[object]:
    """An Arrow column as Python values; timestamps become aware UTC datetimes."""
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
    except UnicodeDecodeError:
        raise InvalidInput(f"{source}: not UTF-8 text") from None
    except csv.Error as exc:
        raise InvalidInput(f"{source}: unreadable CSV header: {exc}") from None
    if not header:
        raise InvalidInput(f"{source}: empty file, no header row")
    return [name.strip() for name in header]


def _open_text(source: Path) -> IO[str]:
    """Open UTF-8 text, skipping a byte-order mark (plain UTF-8 decodes faster)."""
    with source.open("rb") as raw:
        bom = raw.read(3) == b"\xef\xbb\xbf"
    return source.open(encoding="utf-8-sig" if bom else "utf-8", newline="")


def _feed(feed: str | Feed) -> Feed:
    if isinstance(feed, Feed):
        return feed
    try:
        return FEEDS[feed]
    except KeyError:
        raise InvalidInput(f"unknown feed {feed!r}; known: {', '.join(FEEDS)}") from None
