"""Staging a feed file into a DuckDB table, a column at a time, with ``read_feed``'s checks.

:func:`stage` reaches the verdicts of :func:`qorgan.core.readers.read_feed` (the same rows
kept with the same values, the same rows rejected for the same reasons, the same
duplicates, numbered the same way) at a million rows a second and more, so that a day of
a country's calls can be loaded and then scanned in SQL.

How a value is checked: each column kind has a *fast path* in SQL for the forms clean
feeds carry (an E.164 number its numbering plan allocates, ISO 8601 with ``Z`` or an
offset, epoch milliseconds, a plain decimal, a native Parquet timestamp ...), on which
the value is exactly what the Python converter would return. Every other distinct value
goes once through the Python converter of its column (:func:`qorgan.core.values.converter`)
and a small table of what it returned, or why it refused, is joined back. Odd values are
thus judged by the code ``read_feed`` runs, once per distinct value.

The E.164 fast path is ``phonenumbers``' validation in SQL: the patterns of the numbering
plans of the country codes present become regular expressions (:func:`_country_sql`),
tested once per distinct number.

Formats: ``.parquet``, ``.csv``, ``.csv.gz`` (which ``read_feed`` does not read) and
``.jsonl``. DuckDB parses a CSV file unless something in it could read differently with
Python's ``csv`` module (a blank line, a quoted line break, a bare carriage return, a
space beside a quote, a row DuckDB refuses, a line over 128 KiB); such a file is split by
Python's ``csv`` module instead, then checked in SQL all the same. JSONL values are typed
per line by JSON itself, so JSONL (the text feeds) is converted in Python as ``read_feed``
converts it, and only de-duplicated and stored in SQL.

Record ids: the first row with an id is kept and later ones are duplicates, as in
``read_feed``; an id that ``table`` already holds is a duplicate too, so staging a file
twice stores its rows once. Ids are compared exactly (``read_feed`` compares 64-bit hashes).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import IO

import duckdb
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from phonenumbers import PhoneMetadata

from qorgan.core.columns import column_converter
from qorgan.core.errors import InvalidInput, InvalidValue, NotFound
from qorgan.core.feeds import FEEDS, Column, Feed, Kind, arrow_schema
from qorgan.core.intake import Intake
from qorgan.core.money import DEFAULT_CURRENCY, MAX_AMOUNT
from qorgan.core.rejects import ReadStats, RejectSink
from qorgan.core.timestamps import MAX_EPOCH_MS, MIN_EPOCH_MS
from qorgan.core.values import BOOLS, EMPTY, INT64_MAX, converter

FORMATS = (".csv", ".csv.gz", ".parquet", ".jsonl")
CSV_FIELD_LIMIT = 131_072
"""Python's ``csv`` refuses longer fields, so longer CSV lines are split by Python."""
CSV_IN_MEMORY_BYTES = 1 << 31
"""CSV files up to this size (gzip: a quarter) are checked in a temporary table; larger
ones go through a temporary Parquet file, so that memory stays bounded."""
CHUNK_ROWS = 65_536
"""Rows converted together where Python splits or converts a file."""

_Line = tuple[int, bool, str, object, str]  # row, duplicate?, field, value as given, reason
_Sql = Callable[[str], str]  # SQL over the SQL of a raw value


def stage(
    db: duckdb.DuckDBPyConnection, path: Path, feed: str | Feed, table: str, rejects: RejectSink
) -> ReadStats:
    """Load a feed file into a DuckDB table, rejecting what ``read_feed`` would reject.

    Args:
        db: the connection; the temporary objects made on it are dropped before returning.
        path: a ``.parquet``, ``.csv``, ``.csv.gz`` or ``.jsonl`` file.
        feed: the feed, or its name (``"calls"``).
        table: the table to create, or to append to (it must have the feed's columns); one
            name, quoted as given. Columns are typed as :func:`arrow_schema` has them:
            ``TIMESTAMPTZ``, ``BOOLEAN``, ``BIGINT``, ``DECIMAL(20, 2)``, ``VARCHAR[]``,
            and ``VARCHAR`` for the rest (big integers keep their digits).
        rejects: where bad and duplicate rows go, in row order; it also counts the rows.

    Returns:
        What happened to the rows of this file.

    Raises:
        NotFound: no such file.
        InvalidInput: unknown extension or feed, a column twice, an unreadable file, or a
            ``table`` that lacks a column of the feed.
        MissingColumns: the header or schema lacks required columns.
    """
    spec = _feed(feed)
    source = Path(path)
    fmt = _format(source)
    file = str(path)
    lines: list[_Line] = []
    with _Scratch(db) as scratch:
        if fmt == ".jsonl":
            typed, rows = _jsonl_typed(scratch, source, spec, lines)
        else:
            if fmt == ".parquet":
                src, rows = _parquet_source(scratch, source, spec, file)
            else:
                src, rows = _csv_source(scratch, source, spec, file, lines)
            typed = _validated(scratch, src, spec, lines)
        accepted = _store(scratch, typed, spec, table, lines)
    lines.sort(key=lambda line: line[0])
    for row, duplicate, name, value, reason in lines:
        (rejects.duplicate if duplicate else rejects.reject)(file, row, name, value, reason)
    rejects.count(rows, accepted)
    duplicates = sum(line[1] for line in lines)
    return ReadStats(rows, accepted, len(lines) - duplicates, duplicates)


class _Scratch:
    """The temporary tables, views and files of one call, named apart, removed at the end."""

    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self.db = db
        self._prefix = f"_qorgan_stage_{uuid.uuid4().hex[:12]}"
        self._names: list[tuple[str, str]] = []
        self._dir: Path | None = None
        self._ordered = True

    def name(self, what: str, kind: str = "TABLE") -> str:
        """A new quoted name for a temporary table or view, dropped on exit."""
        name = _ident(f"{self._prefix}_{what}_{len(self._names)}")
        self._names.append((kind, name))
        return name

    def file(self, name: str) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="qorgan-stage-"))
        return self._dir / name

    def load(self, what: str, data: pa.Table) -> str:
        """A temporary table holding ``data``."""
        arrow = f"{self._prefix}_arrow"
        self.db.register(arrow, data)
        try:
            name = self.name(what)
            self.db.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {_ident(arrow)}")
        finally:
            self.db.unregister(arrow)
        return name

    def __enter__(self) -> _Scratch:
        # Row numbers are positions in what DuckDB read, so its order must hold.
        setting = "SELECT current_setting('preserve_insertion_order')"
        self._ordered = bool(self.db.execute(setting).fetchall()[0][0])
        if not self._ordered:
            self.db.execute("SET preserve_insertion_order = true")
        return self

    def __exit__(self, *exc: object) -> None:
        for kind, name in reversed(self._names):
            self.db.execute(f"DROP {kind} IF EXISTS {name}")
        if not self._ordered:
            self.db.execute("SET preserve_insertion_order = false")
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)


# Sources: a file's rows as a view (_row, <the feed's columns it has>) of raw values.


@dataclass(frozen=True, slots=True)
class _Source:
    view: str
    types: dict[str, str]  # feed column -> DuckDB type of its raw values, where present
    split: bool = False  # checked already: "<name>" holds fast values, "<name>:odd" the rest


def _parquet_source(scratch: _Scratch, source: Path, spec: Feed, file: str) -> tuple[_Source, int]:
    try:
        names: list[str] = pq.read_schema(source).names
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(f"{source}: not a readable Parquet file: {exc}") from None
    Intake(spec, file, RejectSink()).check_header(names)
    return _parquet_view(scratch, source, [c.name for c in spec.columns if c.name in names])


def _parquet_view(
    scratch: _Scratch,
    source: Path,
    wanted: list[str],
    *,
    numbered: bool = False,
    split: bool = False,
) -> tuple[_Source, int]:
    """A view of a Parquet file; ``numbered`` files carry ``_row``, others count from 1."""
    view = scratch.name("source", "VIEW")
    row = "_row" if numbered else "file_row_number + 1 AS _row"
    scan = f"read_parquet({_lit(str(source))}, file_row_number = true)"
    columns = ", ".join(map(_ident, wanted))
    if split:
        columns = "* EXCLUDE (file_row_number)"
    try:
        scratch.db.execute(f"CREATE TEMP VIEW {view} AS SELECT {row}, {columns} FROM {scan}")
        described = scratch.db.sql(f"DESCRIBE SELECT * FROM {view}").fetchall()
        count = scratch.db.sql(f"SELECT count(*) FROM {view}").fetchall()[0][0]
    except duckdb.Error as exc:
        raise InvalidInput(f"{source}: not a readable Parquet file: {exc}") from None
    types = {str(name): str(kind) for name, kind, *_ in described if name in wanted}
    return _Source(view, types, split), int(count)


def _csv_source(
    scratch: _Scratch, source: Path, spec: Feed, file: str, lines: list[_Line]
) -> tuple[_Source, int]:
    with _open_text(source) as stream:
        header = _csv_header(source, stream)
    Intake(spec, file, RejectSink()).check_header(header)
    wanted = [c.name for c in spec.columns if c.name in header]
    size = source.stat().st_size * (4 if source.name.lower().endswith(".gz") else 1)
    held = scratch.name("checked") if size <= CSV_IN_MEMORY_BYTES else None
    target = scratch.file("checked.parquet")
    with ThreadPoolExecutor(max_workers=1) as pool:  # the scan overlaps DuckDB's parse
        plain = pool.submit(_csv_plain_rows, source)
        query = _csv_checked(source, header, spec)
        into = (
            f"CREATE TEMP TABLE {held} AS {query}"
            if held
            else (f"COPY ({query}) TO {_lit(str(target))} (FORMAT parquet)")
        )
        try:
            parsed: int | None = int(scratch.db.execute(into).fetchall()[0][0])
        except duckdb.Error:  # a row DuckDB refuses: Python's csv will say what is wrong
            parsed = None
        rows = plain.result()
    if rows is not None and parsed == rows:
        if held is None:
            return _parquet_view(scratch, target, wanted, split=True)
        view = scratch.name("source", "VIEW")
        scratch.db.execute(f"CREATE TEMP VIEW {view} AS SELECT rowid + 1 AS _row, * FROM {held}")
        described = scratch.db.sql(f"DESCRIBE SELECT * FROM {view}").fetchall()
        types = {str(name): str(kind) for name, kind, *_ in described if name in wanted}
        return _Source(view, types, split=True), rows
    if held is not None:
        scratch.db.execute(f"DROP TABLE IF EXISTS {held}")
    unreadable: list[_Line] = []
    _csv_by_python(source, header, wanted, target, unreadable)
    lines.extend(unreadable)
    split, count = _parquet_view(scratch, target, wanted, numbered=True)
    return split, count + len(unreadable)


def _csv_checked(source: Path, header: list[str], spec: Feed) -> str:
    """A query that parses the file with DuckDB and puts each value on its fast path or not.

    Each column's fast path runs once, as the file is parsed: ``<name>`` holds the value
    where the raw text is on it and ``<name>:odd`` the text where it is not (phone numbers,
    tested later on distinct values, stay as they are).
    """
    names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    compression = "gzip" if source.name.lower().endswith(".gz") else "none"
    scan = (
        f"read_csv({_lit(str(source))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{names}}}, strict_mode = true, "
        f"null_padding = false, max_line_size = {CSV_FIELD_LIMIT}, compression = '{compression}')"
    )
    inner, outer = [], []
    for column in spec.columns:
        if column.name not in header:
            continue
        c, name = f"c{header.index(column.name)}", _ident(column.name)
        fast = _text_fast(column)
        inner.append(c)
        if column.kind in _PHONES:
            outer.append(f"{c} AS {name}")
            continue
        inner.append(f"{fast.or_null(c) if fast else 'NULL'} AS f{c}")
        odd = f"CASE WHEN f{c} IS NULL AND {c} <> '' THEN {c} END"
        outer += [f"f{c} AS {name}", f"{odd} AS {_ident(column.name + ':odd')}"]
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {scan})"


# Spaces that DuckDB drops around a quoted CSV field and Python's csv keeps.
_QUOTE_SPACES = re.compile(rb'(?:^|,) +(?:"(?!")|""(?=[,\r\n]|\Z)|""")|" +,', re.MULTILINE)


def _csv_plain_rows(source: Path) -> int | None:
    """The data rows of a CSV file that DuckDB and Python's csv read alike, else ``None``.

    They read it alike where every physical line after the header is one row (the caller
    checks that DuckDB found that many: a blank line or a quoted line break makes fewer),
    no carriage return stands but in CRLF, and no space sits beside a quote.
    """
    newlines, last, tail = 0, b"\n", b""
    with _open_binary(source) as stream:
        while chunk := _read(stream):
            if chunk.endswith(b"\r"):
                chunk += stream.read(1)
            if b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):
                return None
            text = tail + chunk
            quoted = b'"' in text and (b' "' in text or b'" ' in text)
            if quoted and _QUOTE_SPACES.search(text):
                return None
            newlines += chunk.count(b"\n")
            last, tail = chunk[-1:], text[text.rfind(b"\n") + 1 :]
            if len(tail) > CSV_FIELD_LIMIT:
                return None
    return max(newlines - (last == b"\n"), 0)


def _read(stream: io.BufferedIOBase) -> bytes:
    """The next 16 MiB, or nothing at the end or where the stream breaks (Python says why)."""
    try:
        return stream.read(1 << 24)
    except (OSError, EOFError):
        return b""


def _csv_by_python(
    source: Path, header: list[str], wanted: list[str], target: Path, lines: list[_Line]
) -> None:
    """Split a CSV file as ``read_feed`` does; ragged and unreadable rows go to ``lines``."""
    positions = [header.index(name) for name in wanted]
    schema = pa.schema([("_row", pa.int64()), *[(name, pa.string()) for name in wanted]])
    with pq.ParquetWriter(target, schema) as writer:
        for rows, numbers in _csv_rows(source, header, lines):
            picked = [[row[p] for row in rows] for p in positions]
            writer.write_table(pa.table([numbers, *picked], schema=schema))


def _csv_rows(
    source: Path, header: list[str], lines: list[_Line]
) -> Iterator[tuple[list[list[str]], list[int]]]:
    """Chunks of whole rows and their numbers, numbered as ``read_feed`` numbers them."""
    width = len(header)
    done = 0  # data rows consumed so far, blank and unreadable ones included
    with _open_text(source) as stream:
        reader = csv.reader(stream)
        try:
            next(reader)
            while True:
                chunk: list[list[str]] = []
                failure = None
                try:
                    chunk.extend(islice(reader, CHUNK_ROWS))
                except csv.Error as exc:  # the reader goes on after the bad record
                    failure = f"unreadable CSV row: {exc}"
                rows, numbers = [], []
                for number, fields in enumerate(chunk, start=done + 1):
                    if len(fields) == width:
                        rows.append(fields)
                        numbers.append(number)
                    elif fields:  # a blank line is no row
                        lines.append(_ragged(number, fields, header))
                done += len(chunk)
                yield rows, numbers
                if failure is not None:
                    done += 1
                    lines.append((done, False, "", "", failure))
                elif len(chunk) < CHUNK_ROWS:
                    return
        except UnicodeDecodeError:
            raise InvalidInput(f"{source}: not UTF-8 text (near row {done + 1})") from None
        except (OSError, EOFError) as exc:  # a broken gzip stream
            raise InvalidInput(f"{source}: unreadable file: {exc}") from None


def _ragged(number: int, fields: list[str], header: list[str]) -> _Line:
    got = f"row has {len(fields)} fields, the header has {len(header)}"
    if len(fields) < len(header):
        return (number, False, header[len(fields)], ",".join(fields), f"missing field(s): {got}")
    return (number, False, "", ",".join(fields), f"extra field(s): {got}")


def _open_binary(source: Path) -> io.BufferedIOBase:
    if source.name.lower().endswith(".gz"):
        return gzip.open(source, "rb")
    return source.open("rb")


def _open_text(source: Path) -> IO[str]:
    """Open UTF-8 text, skipping a byte-order mark, as ``read_feed`` does."""
    with _open_binary(source) as raw:
        encoding = "utf-8-sig" if raw.read(3) == b"\xef\xbb\xbf" else "utf-8"
    if source.name.lower().endswith(".gz"):
        return gzip.open(source, "rt", encoding=encoding, newline="")
    return source.open(encoding=encoding, newline="")


def _csv_header(source: Path, stream: IO[str]) -> list[str]:
    try:
        header = next(csv.reader(stream), None)
    except UnicodeDecodeError:
        raise InvalidInput(f"{source}: not UTF-8 text") from None
    except csv.Error as exc:
        raise InvalidInput(f"{source}: unreadable CSV header: {exc}") from None
    except (OSError, EOFError) as exc:  # not gzip after all, or cut short
        raise InvalidInput(f"{source}: unreadable file: {exc}") from None
    if not header:
        raise InvalidInput(f"{source}: empty file, no header row")
    return [name.strip() for name in header]


# Checking: fast paths in SQL, odd values through Python, bad rows out, good rows typed.


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one feed column is read from the source (SQL over the source as ``s``)."""

    column: Column
    raw: str | None  # the raw value (as mapping tables hold it); None: the file lacks it
    empty: str  # the value is empty (NULL or "")
    odd: str | None  # the raw value where it needs Python, else NULL; None: a phone number
    value: str  # the value where it is neither empty nor odd
    good: str | None = None  # temporary table: raw value -> what Python normalised it to
    bad: str | None = None  # temporary table: raw value -> why Python refused it

    @property
    def refuses_empty(self) -> bool:
        return not self.column.nullable and self.column.kind is not Kind.CURRENCY


def _plan(column: Column, src: _Source) -> _Plan:
    if column.name not in src.types:
        return _Plan(column, None, "true", "NULL", "NULL")
    r, raw_type = f"s.{_ident(column.name)}", src.types[column.name]
    empty = f"({r} IS NULL OR {r} = '')" if raw_type == "VARCHAR" else f"{r} IS NULL"
    if column.kind in _PHONES and raw_type == "VARCHAR":
        return _Plan(column, r, empty, None, r)
    if src.split:
        odd = f"s.{_ident(column.name + ':odd')}"
        value = r if _text_fast(column) else "NULL"
        return _Plan(column, odd, f"({r} IS NULL AND {odd} IS NULL)", odd, value)
    fast = _text_fast(column) if raw_type == "VARCHAR" else _native_fast(column, raw_type)
    if fast is None:
        return _Plan(column, r, empty, f"CASE WHEN NOT {empty} THEN {r} END", "NULL")
    odd = "NULL" if fast.always else f"CASE WHEN NOT {empty} AND {fast.misses(r)} THEN {r} END"
    return _Plan(column, r, empty, odd, fast.value(r))


def _validated(scratch: _Scratch, src: _Source, spec: Feed, lines: list[_Line]) -> str:
    """A view of the good rows, typed; each bad row is a line in ``lines``."""
    plans = [_plan(column, src) for column in spec.columns]
    odd = _odd_values(scratch, src, plans)
    plans = [_mapped(scratch, p, odd[i], spec) if i in odd else p for i, p in enumerate(plans)]
    bad = _bad_rows(scratch, src, plans, lines)
    joins = "".join(
        f" LEFT JOIN {p.good} g{i} ON {p.raw} = g{i}.raw" for i, p in enumerate(plans) if p.good
    )
    schema = arrow_schema(spec)
    values = ", ".join(_typed(p, i, schema.field(i).type) for i, p in enumerate(plans))
    where = f" WHERE NOT EXISTS (SELECT 1 FROM {bad} b WHERE b._row = s._row)" if bad else ""
    view = scratch.name("typed", "VIEW")
    scratch.db.execute(
        f"CREATE TEMP VIEW {view} AS SELECT s._row, {values} FROM {src.view} s{joins}{where}"
    )
    return view


def _typed(plan: _Plan, i: int, type_: pa.DataType) -> str:
    """The SQL of a good row's value in ``plan``'s column."""
    name, sql_type = _ident(plan.column.name), _sql_type(type_)
    default = _lit(DEFAULT_CURRENCY) if plan.column.kind is Kind.CURRENCY else "NULL"
    if plan.raw is None:
        return f"CAST({default} AS {sql_type}) AS {name}"
    value = plan.value  # right where the value is neither empty nor odd
    if plan.good:
        value = f"CASE WHEN g{i}.raw IS NOT NULL THEN g{i}.value ELSE {value} END"
    if not plan.refuses_empty:  # else an empty value's row is bad, so out
        value = f"CASE WHEN {plan.empty} THEN {default} ELSE {value} END"
    return f"CAST({value} AS {sql_type}) AS {name}"


def _odd_values(scratch: _Scratch, src: _Source, plans: list[_Plan]) -> dict[int, pa.Array]:
    """For each column, its distinct non-empty raw values off the fast path."""
    odd: dict[int, pa.Array] = {}
    wanted: list[tuple[int, str]] = []
    for i, plan in enumerate(plans):
        if plan.raw is not None and plan.odd is None:
            odd[i] = _odd_numbers(scratch, src, plan)
        elif plan.odd not in (None, "NULL"):
            wanted.append((i, f"list(DISTINCT {plan.odd}) FILTER (WHERE {plan.odd} IS NOT NULL)"))
    if wanted:
        query = f"SELECT {', '.join(sql for _, sql in wanted)} FROM {src.view} s"
        found = scratch.db.sql(query).to_arrow_table()
        for k, (i, _) in enumerate(wanted):
            values = found.column(k)[0].values
            if values is not None:
                odd[i] = values
    return {i: values for i, values in odd.items() if len(values)}


def _odd_numbers(scratch: _Scratch, src: _Source, plan: _Plan) -> pa.Array:
    """The distinct numbers off the fast path, testing each distinct number once."""
    db, r = scratch.db, plan.raw
    distinct = scratch.name("numbers")
    db.execute(
        f"CREATE TEMP TABLE {distinct} AS SELECT DISTINCT {r} AS raw FROM {src.view} s "
        f"WHERE NOT {plan.empty}"
    )
    found = db.sql(
        f"SELECT DISTINCT substr(raw, 2, 3) FROM {distinct} WHERE regexp_full_match(raw, '{_E164}')"
    ).fetchall()
    codes = tuple(sorted({code for (digits,) in found if (code := _country_code(digits))}))
    test = _number_test(plan.column.kind, codes)("raw")
    odd = db.sql(f"SELECT raw FROM {distinct} WHERE ({test}) IS NOT TRUE").to_arrow_table()
    db.execute(f"DROP TABLE {distinct}")
    return odd.column(0).combine_chunks()


def _mapped(scratch: _Scratch, plan: _Plan, raw: pa.Array, spec: Feed) -> _Plan:
    """Convert odd values in Python; keep tables of what came out and what was refused."""
    convert = converter(plan.column)
    kept: list[object] = []
    reasons: list[str | None] = []
    for value in _python_values(raw):
        try:
            kept.append(_arrow_value(plan.column, convert(value)))
            reasons.append(None)
        except InvalidValue as exc:
            reasons.append(exc.reason)
    refused = pa.array([reason is not None for reason in reasons], pa.bool_())
    good = bad = None
    if kept:
        type_ = arrow_schema(spec).field(plan.column.name).type
        table = pa.table({"raw": raw.filter(pc.invert(refused)), "value": pa.array(kept, type_)})
        good = scratch.load("good", table)
    if len(kept) < len(reasons):
        why = pa.array([reason for reason in reasons if reason is not None], pa.string())
        bad = scratch.load("bad", pa.table({"raw": raw.filter(refused), "reason": why}))
    return replace(plan, good=good, bad=bad)


def _bad_rows(scratch: _Scratch, src: _Source, plans: list[_Plan], lines: list[_Line]) -> str:
    """A table of the bad rows (``""`` when there are none); a line for each in ``lines``."""
    present = [(i, p) for i, p in enumerate(plans) if p.raw is not None]
    terms = [p.empty for _, p in present if p.refuses_empty]
    terms += [f"b{i}.reason IS NOT NULL" for i, p in present if p.bad]
    joins = "".join(f" LEFT JOIN {p.bad} b{i} ON {p.raw} = b{i}.raw" for i, p in present if p.bad)
    columns = "".join(
        f", {f'b{i}.reason' if p.bad else 'NULL'} AS _why{i}, {p.raw} AS _raw{i}"
        f", {p.empty if p.refuses_empty else 'false'} AS _empty{i}"
        for i, p in present
    )
    bad = scratch.name("bad")
    scratch.db.execute(
        f"CREATE TEMP TABLE {bad} AS SELECT s._row{columns} FROM {src.view} s{joins} "
        f"WHERE {' OR '.join(terms) or 'false'}"
    )
    before = len(lines)
    for batch in scratch.db.sql(f"SELECT * FROM {bad}").to_arrow_reader():
        raws = {i: _python_values(batch.column(f"_raw{i}")) for i, _ in present}
        whys = {i: batch.column(f"_why{i}").to_pylist() for i, _ in present}
        empties = {i: batch.column(f"_empty{i}").to_pylist() for i, _ in present}
        for k, row in enumerate(batch.column("_row").to_pylist()):
            problems = [
                (plan.column.name, raws[i][k], EMPTY if empties[i][k] else whys[i][k])
                for i, plan in present
                if empties[i][k] or whys[i][k] is not None
            ]
            lines.append(_problem_line(row, problems))
    return bad if len(lines) > before else ""


def _problem_line(row: int, problems: list[tuple[str, object, str]]) -> _Line:
    """One reject line for a row's bad values, worded as :class:`Intake` words it."""
    name, value, reason = problems[0]
    also = "".join(f"; also {other}: {why}" for other, _, why in problems[1:])
    return (row, False, name, value, reason + also)


# Storing: duplicates out (within the file, and ids the table holds already), the rest in.


def _store(scratch: _Scratch, typed: str, spec: Feed, table: str, lines: list[_Line]) -> int:
    """Append the typed rows with new ids to ``table``; each duplicate is a line in ``lines``."""
    db, target = scratch.db, _ident(table)
    held = _create_or_check(db, target, spec)
    ids = ", ".join(map(_ident, spec.id_columns))
    picked = ", ".join(f"t.{_ident(name)}" for name in spec.id_columns)
    # Ids are grouped by hash first: a 64-bit key groups fast, and the ids whose hash comes
    # twice (duplicates, and the odd collision) are few.
    clashes = scratch.name("clashes")
    db.execute(
        f"CREATE TEMP TABLE {clashes} AS SELECT hash({ids}) AS h FROM {typed} "
        "GROUP BY h HAVING count(*) > 1"
    )
    skip: set[int] = set()
    if db.execute(f"SELECT EXISTS (SELECT 1 FROM {clashes})").fetchall()[0][0]:
        firsts = (
            f"SELECT {ids}, min(_row) AS _first FROM {typed} "
            f"WHERE hash({ids}) IN (SELECT h FROM {clashes}) GROUP BY {ids} HAVING count(*) > 1"
        )
        query = (
            f"SELECT t._row, d._first, {picked} FROM {typed} t JOIN ({firsts}) d USING ({ids}) "
            "WHERE t._row <> d._first"
        )
        _duplicates(db, query, spec, table, skip, lines)
    if held:
        query = f"SELECT t._row, NULL, {picked} FROM {typed} t SEMI JOIN {target} USING ({ids})"
        _duplicates(db, query, spec, table, skip, lines)
    where = ""
    if skip:
        skipped = scratch.load("skip", pa.table({"_row": pa.array(sorted(skip), pa.int64())}))
        where = f" WHERE NOT EXISTS (SELECT 1 FROM {skipped} k WHERE k._row = t._row)"
    names = ", ".join(_ident(c.name) for c in spec.columns)
    inserted = db.execute(f"INSERT INTO {target} BY NAME SELECT {names} FROM {typed} t{where}")
    return int(inserted.fetchall()[0][0])


def _duplicates(
    db: duckdb.DuckDBPyConnection,
    query: str,
    spec: Feed,
    table: str,
    skip: set[int],
    lines: list[_Line],
) -> None:
    """A line for each row the query finds (``_row``, first row or NULL where the table holds
    the id, then the ids) and not skipped already; worded as :class:`Intake` words it."""
    label = "+".join(spec.id_columns)
    for batch in db.sql(query).to_arrow_reader():
        ids = [_python_values(batch.column(k)) for k in range(2, batch.num_columns)]
        firsts = batch.column(1).to_pylist()
        for k, row in enumerate(batch.column(0).to_pylist()):
            if row in skip:
                continue
            skip.add(row)
            shown = " / ".join(str(values[k]) for values in ids)
            if firsts[k] is None:
                why = f"duplicate {label} (already in table {table}); the stored one is kept"
            else:
                why = f"duplicate {label} (first seen at row {firsts[k]}); the first is kept"
            lines.append((row, True, label, shown, why))


def _create_or_check(db: duckdb.DuckDBPyConnection, target: str, spec: Feed) -> bool:
    """Create the table, or check that it has the feed's columns; whether it holds rows."""
    try:
        have = {str(d[0]) for d in db.execute(f"SELECT * FROM {target} LIMIT 0").description}
    except duckdb.CatalogException:
        columns = ", ".join(f"{_ident(f.name)} {_sql_type(f.type)}" for f in arrow_schema(spec))
        db.execute(f"CREATE TABLE {target} ({columns})")
        return False
    missing = [c.name for c in spec.columns if c.name not in have]
    if missing:
        raise InvalidInput(f"table {target} lacks the {spec.name} column(s) {', '.join(missing)}")
    return bool(db.execute(f"SELECT EXISTS (SELECT 1 FROM {target})").fetchall()[0][0])


# JSONL: values typed by JSON per line, converted by the Python column converters.


def _jsonl_typed(
    scratch: _Scratch, source: Path, spec: Feed, lines: list[_Line]
) -> tuple[str, int]:
    schema = pa.schema([("_row", pa.int64()), *[(f.name, f.type) for f in arrow_schema(spec)]])
    converters = [column_converter(c) for c in spec.columns]
    target = scratch.file("typed.parquet")
    rows = 0
    unreadable: list[_Line] = []
    with pq.ParquetWriter(target, schema) as writer:
        for columns, numbers in _jsonl_chunks(source, spec, unreadable):
            rows += len(numbers)
            converted = []
            bad: dict[int, list[tuple[str, object, str]]] = {}
            for column, convert, values in zip(spec.columns, converters, columns, strict=True):
                out, reasons = convert(values)
                converted.append(out)
                for i, reason in reasons.items():
                    bad.setdefault(i, []).append((column.name, values[i], reason))
            lines.extend(_problem_line(numbers[i], problems) for i, problems in bad.items())
            keep = [i for i in range(len(numbers)) if i not in bad]
            arrays: list[list[object]] = [[numbers[i] for i in keep]]
            arrays += [
                [_arrow_value(c, out[i]) for i in keep]
                for c, out in zip(spec.columns, converted, strict=True)
            ]
            writer.write_table(pa.table(arrays, schema=schema))
    lines.extend(unreadable)
    view, _ = _parquet_view(scratch, target, [c.name for c in spec.columns], numbered=True)
    return view.view, rows + len(unreadable)


def _jsonl_chunks(
    source: Path, spec: Feed, lines: list[_Line]
) -> Iterator[tuple[list[list[object]], list[int]]]:
    """Chunks of values (a list per feed column) and their line numbers."""
    names = [c.name for c in spec.columns]
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
                    why = f"not valid JSON: {exc.msg}"
                    lines.append((number, False, "", line.rstrip("\n"), why))
                    continue
                if not isinstance(item, dict):
                    lines.append((number, False, "", line.rstrip("\n"), "not a JSON object"))
                    continue
                rows.append([item.get(name) for name in names])
                numbers.append(number)
                if len(rows) == CHUNK_ROWS:
                    yield [list(c) for c in zip(*rows, strict=True)], numbers
                    rows, numbers = [], []
        except UnicodeDecodeError:
            raise InvalidInput(f"{source}: not UTF-8 text (near line {number + 1})") from None
    if rows:
        yield [list(c) for c in zip(*rows, strict=True)], numbers


# Fast paths, by kind: the SQL of a value for the raw values it covers.


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql(template: str) -> _Sql:
    """SQL from a template over ``{r}``, the raw value."""
    return lambda r: template.format(r=r)


@dataclass(frozen=True, slots=True)
class _Fast:
    """A kind's fast path: which non-empty raw values it covers, and their values."""

    value: _Sql  # the value, where the raw value is covered
    test: _Sql | None = None  # whether it is; None: ``value`` is NULL where it is not
    always: bool = False  # every non-empty raw value is covered

    def or_null(self, r: str) -> str:
        if self.test is None or self.always:
            return self.value(r)
        return f"CASE WHEN {self.test(r)} THEN {self.value(r)} END"

    def misses(self, r: str) -> str:
        """SQL: a non-empty raw value is not covered."""
        if self.test is None:
            return f"({self.value(r)}) IS NULL"
        return f"({self.test(r)}) IS NOT TRUE"


_E164 = r"\+[1-9][0-9]{6,14}"
_ISO = (
    r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
    r":[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)"
)
_BYTE = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"{_BYTE}(\.{_BYTE}){{3}}"
_AMOUNT = rf"[0-9]{{1,{len(str(int(MAX_AMOUNT))) - 1}}}(\.[0-9]{{1,2}})?"
_PHONES = (Kind.MSISDN, Kind.PRESENTED, Kind.SENDER)
_INTS = (
    *("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"),
    *("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"),
)
_TIMES = ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S")
_TIMES_NS = ("TIMESTAMP_NS", "TIMESTAMPTZ_NS")
# A text starts with none of str.isspace's characters (for ASCII, Latin-1, most scripts
# and CJK): UTF-8 texts compare as their code points do.
_VISIBLE = (
    "(({r} >= '!' AND {r} < chr(133)) OR ({r} >= chr(161) AND {r} < chr(5760))"
    " OR {r} >= chr(12289))"
)


def _whole_ms(micros: str) -> str:
    """SQL: the instant ``micros`` from the epoch, cut to the millisecond (towards the past)."""
    return f"make_timestamptz({micros} - ({micros} % 1000 + 1000) % 1000)"


def _text_timestamp(r: str) -> str:
    """SQL: epoch milliseconds in range, or ISO 8601 with ``Z`` or an offset; else NULL."""
    epoch = f"TRY_CAST({r} AS BIGINT)"
    in_range = f"{epoch} >= {MIN_EPOCH_MS} AND {epoch} < {MAX_EPOCH_MS}"
    micros = (  # a CASE at the top, so that DuckDB computes it once for _whole_ms
        f"CASE WHEN length({r}) <= 13 THEN CASE WHEN regexp_full_match({r}, '[0-9]{{12,13}}')"
        f" AND {in_range} THEN {epoch} * 1000 END"
        f" WHEN regexp_full_match({r}, {_lit(_ISO)})"
        f" THEN epoch_us(TRY_CAST({r} AS TIMESTAMPTZ)) END"
    )
    return _whole_ms(f"({micros})")


def _text_amount(r: str) -> str:
    """SQL: a plain positive decimal below the ceiling, at most 2 places; else NULL."""
    return (
        f"CASE WHEN regexp_full_match({r}, {_lit(_AMOUNT)})"
        f" THEN nullif(CAST({r} AS DECIMAL(20, 2)), 0) END"
    )


_TRUE_TEXTS = ", ".join(_lit(text) for text, value in BOOLS.items() if value)
_SAME = _sql("{r}")

_TEXT_FAST: dict[Kind, _Fast] = {
    # An id whose last character is not ASCII (rare) takes the Python path.
    Kind.ID: _Fast(_SAME, _sql(f"{_VISIBLE} AND ascii(substring({{r}}, -1)) BETWEEN 33 AND 126")),
    Kind.TEXT: _Fast(_SAME, _sql(_VISIBLE)),
    Kind.TIMESTAMP: _Fast(_text_timestamp),
    Kind.BOOL: _Fast(
        _sql(f"{{r}} IN ({_TRUE_TEXTS})"), _sql(f"{{r}} IN ({', '.join(map(_lit, BOOLS))})")
    ),
    Kind.INT: _Fast(_sql("CAST({r} AS BIGINT)"), _sql("regexp_full_match({r}, '[0-9]{{1,18}}')")),
    Kind.BIG_INT: _Fast(_SAME, _sql("regexp_full_match({r}, '0|[1-9][0-9]*')")),
    Kind.MONEY: _Fast(_text_amount),
    Kind.CURRENCY: _Fast(_sql("upper({r})"), _sql("regexp_full_match({r}, '[A-Za-z]{{3}}')")),
    Kind.ACCOUNT_REF: _Fast(_SAME, _sql("{r} = 'CASH'")),
    Kind.IP: _Fast(_SAME, lambda r: f"regexp_full_match({r}, {_lit(_IPV4)})"),
    # Phone numbers are tested on distinct values (_number_test); IBAN and ID_LIST values
    # all take the Python path.
}

_INT_FAST: dict[Kind, _Fast] = {
    Kind.ID: _Fast(_sql("CAST({r} AS VARCHAR)"), always=True),
    Kind.INT: _Fast(_sql("CAST({r} AS BIGINT)"), _sql(f"{{r}} >= 0 AND {{r}} <= {INT64_MAX}")),
    Kind.BIG_INT: _Fast(_sql("CAST({r} AS VARCHAR)"), _sql("{r} >= 0")),
    Kind.MONEY: _Fast(
        _sql("CAST({r} AS DECIMAL(20, 2))"), _sql(f"{{r}} > 0 AND {{r}} < {MAX_AMOUNT}")
    ),
    Kind.BOOL: _Fast(_sql("{r} = 1"), _sql("{r} IN (0, 1)")),
    Kind.TIMESTAMP: _Fast(
        _sql("make_timestamptz(CAST({r} AS BIGINT) * 1000)"),
        _sql(f"{{r}} >= {MIN_EPOCH_MS} AND {{r}} < {MAX_EPOCH_MS}"),
    ),
}


def _text_fast(column: Column) -> _Fast | None:
    if column.kind is Kind.CHOICE:
        return _Fast(_SAME, _sql(f"{{r}} IN ({', '.join(map(_lit, column.choices))})"))
    return _TEXT_FAST.get(column.kind)


def _native_fast(column: Column, raw_type: str) -> _Fast | None:
    kind = column.kind
    if raw_type in _INTS:
        return _INT_FAST.get(kind)
    if kind is Kind.MONEY and raw_type.startswith("DECIMAL"):
        test = f"{{r}} > 0 AND {{r}} < {MAX_AMOUNT} AND round({{r}}, 2) = {{r}}"
        return _Fast(_sql("CAST({r} AS DECIMAL(20, 2))"), _sql(test))
    if kind is Kind.BOOL and raw_type == "BOOLEAN":
        return _Fast(_SAME, always=True)
    if kind is Kind.TIMESTAMP and raw_type in _TIMES:
        return _Fast(lambda r: _whole_ms(f"epoch_us({r})"), always=True)
    if kind is Kind.TIMESTAMP and raw_type in _TIMES_NS:
        # Python truncates nanoseconds (towards zero), then milliseconds (down): alike
        # from 1970 on; earlier instants take the Python path.
        value = "make_timestamptz(epoch_ns({r}) // 1000000 * 1000)"
        return _Fast(_sql(value), _sql("epoch_ns({r}) >= 0"))
    return None


# Phone numbers: the numbering plans of phonenumbers as SQL.


def _number_test(kind: Kind, codes: tuple[int, ...]) -> _Sql:
    """Whether a raw text is a sender, number or short code that ``kind`` keeps as it is."""

    def test(r: str) -> str:
        e164 = f"(regexp_full_match({r}, '{_E164}') AND {_e164_sql(f'substr({r}, 2)', codes)})"
        if kind is Kind.MSISDN:
            return e164
        short = f"regexp_full_match({r}, '[0-9]{{3,6}}')"
        if kind is Kind.PRESENTED:
            return f"({short} OR {e164})"
        sender = (
            f"(regexp_full_match({r}, '[A-Za-z0-9._-]([A-Za-z0-9 ._-]{{0,9}}[A-Za-z0-9._-])?')"
            f" AND regexp_matches({r}, '[A-Za-z]'))"
        )
        return f"({sender} OR {short} OR {e164})"

    return test


def _country_code(digits: str) -> int | None:
    """The country code that starts ``digits`` (codes are prefix-free)."""
    for size in (1, 2, 3):
        code = int(digits[:size]) if digits[:size].isdigit() else -1
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def _e164_sql(digits: str, codes: tuple[int, ...]) -> str:
    """SQL: ``'+' || digits`` is valid as it stands, as ``qorgan.core.msisdn`` judges it.

    Only the country codes ``codes`` are tested; other numbers, and those whose national
    part starts with 0, are left to Python.
    """
    arms = []
    for code in codes:
        after = len(str(code)) + 1
        national = f"substr({digits}, {after})"
        arms.append(
            f" WHEN starts_with({digits}, '{code}') THEN substr({digits}, {after}, 1) <> '0'"
            f" AND {_country_sql(code, national)}"
        )
    return f"(CASE{''.join(arms)} ELSE false END)" if arms else "false"


@lru_cache(maxsize=256)
def _country_sql(code: int, national: str) -> str:
    """``phonenumbers.is_valid_number`` for one country code, as SQL over the national number.

    As ``phonenumbers`` does it: the region is the first of the code's regions whose leading
    digits match (or, with no leading digits, whose plan the number fits), and the number is
    valid in it when it fits the general pattern and the pattern of some number type, each
    within its possible lengths.
    """
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]
    if len(regions) == 1:
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, regions[0])
        return _region_sql(metadata, national) if metadata is not None else "false"
    arms = []
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        valid = _region_sql(metadata, national)
        if metadata.leading_digits is None:
            arms.append(f" WHEN {valid} THEN true")
        else:
            leading = _lit(f"^(?:{metadata.leading_digits})")
            arms.append(f" WHEN regexp_matches({national}, {leading}) THEN {valid}")
    return f"(CASE{''.join(arms)} ELSE false END)"


_NUMBER_TYPES = (
    *("mobile", "fixed_line", "premium_rate", "toll_free", "shared_cost", "voip"),
    *("personal_number", "pager", "uan", "voicemail"),
)


def _region_sql(metadata: PhoneMetadata, national: str) -> str:
    """Fits the general pattern and some type's; types of equal lengths share one regex."""
    by_lengths: dict[tuple[int, ...], list[str]] = {}
    for name in _NUMBER_TYPES:
        desc = getattr(metadata, name)
        if name == "mobile" and metadata.same_mobile_and_fixed_line_pattern:
            continue  # phonenumbers only tests fixed_line then
        if desc is not None and desc.national_number_pattern:
            patterns = by_lengths.setdefault(tuple(desc.possible_length), [])
            patterns.append(desc.national_number_pattern)
    types = [_pattern_sql(national, lengths, ps) for lengths, ps in by_lengths.items()]
    general = metadata.general_desc
    if general is None or not general.national_number_pattern or not types:
        return "false"
    fits = _pattern_sql(national, tuple(general.possible_length), [general.national_number_pattern])
    return f"({fits} AND ({' OR '.join(types)}))"


def _pattern_sql(national: str, lengths: tuple[int, ...], patterns: list[str]) -> str:
    match = f"regexp_full_match({national}, {_lit('|'.join(f'(?:{p})' for p in patterns))})"
    if not lengths:
        return match
    return f"(length({national}) IN ({', '.join(map(str, lengths))}) AND {match})"


# Small helpers.


def _python_values(array: pa.Array | pa.ChunkedArray) -> list[object]:
    """Arrow values as ``read_feed`` sees them: timestamps as aware UTC datetimes."""
    if pa.types.is_timestamp(array.type):
        array = array.cast(pa.timestamp("us", tz="UTC"), safe=False)
    values: list[object] = array.to_pylist()
    return values


def _arrow_value(column: Column, value: object) -> object:
    """A converted value as the feed's Arrow type holds it (a big integer as its digits)."""
    return str(value) if column.kind is Kind.BIG_INT and value is not None else value


def _sql_type(type_: pa.DataType) -> str:
    if pa.types.is_timestamp(type_):
        return "TIMESTAMPTZ"
    if pa.types.is_decimal(type_):
        return f"DECIMAL({type_.precision}, {type_.scale})"
    if pa.types.is_list(type_):
        return f"{_sql_type(type_.value_type)}[]"
    return {pa.bool_(): "BOOLEAN", pa.int64(): "BIGINT", pa.string(): "VARCHAR"}[type_]


def _format(source: Path) -> str:
    name = source.name.lower()
    suffix = ".csv.gz" if name.endswith(".csv.gz") else source.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"{source}: unknown feed file type {suffix or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    if not source.is_file():
        raise NotFound(f"{source}: no such file")
    return suffix


def _feed(feed: str | Feed) -> Feed:
    if isinstance(feed, Feed):
        return feed
    try:
        return FEEDS[feed]
    except KeyError:
        raise InvalidInput(f"unknown feed {feed!r}; known: {', '.join(FEEDS)}") from None
