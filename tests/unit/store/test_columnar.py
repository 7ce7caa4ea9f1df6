"""Staging feed files into DuckDB: the same verdicts as ``read_feed``, row for row."""

from __future__ import annotations

import csv
import gzip
import json
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import astuple
from pathlib import Path

import duckdb
import phonenumbers
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.core.errors import InvalidInput, MissingColumns, NotFound
from qorgan.core.feeds import CALLS, FEEDS, Kind
from qorgan.core.readers import read_all
from qorgan.core.rejects import ReadStats, RejectSink
from qorgan.sim.world import simulate
from qorgan.store import columnar
from qorgan.store.columnar import stage

CALLS_HEADER = [c.name for c in CALLS.columns if c.required]
GOOD = ["c1", "2026-03-02T10:15:00Z", "+77011234567", "+79161234567", "radio"]
GOOD += ["401020000000001", "356000000000001", "cell-7", "true", "30"]

# The ways a calls feed goes wrong, and odd values that are right; most rows differ from
# GOOD in one place.
MIXED = [
    GOOD,
    ["c2", "2026-03-02T15:16:00+05:00", "", "+77011234568", "international", *[""] * 3, "no", "0"],
    ["c3", "1772446620000", "8 701 123 45 67", "87011234568", "voip", "", "", "", "yes", "12"],
    ["c4", "yesterday", *GOOD[2:]],  # a bad timestamp
    ["c5", "2026-03-02T10:15:00", *GOOD[2:]],  # no offset
    ["c6", "2026-02-30T10:15:00Z", *GOOD[2:]],  # no such day
    ["c7", *GOOD[1:4], "satellite", *GOOD[5:]],  # unknown ingress
    ["c8", *GOOD[1:9], "ten"],  # non-numeric duration
    ["", *GOOD[1:]],  # empty id
    ["c9", *GOOD[1:2], "abc", *GOOD[3:]],  # not a phone number
    ["c10", *GOOD[1:3], "+77401234567", *GOOD[4:]],  # presented, unallocated: kept
    ["c11", *GOOD[1:2], "+2812345678", *GOOD[3:]],  # no such country code
    ["c12", *GOOD[1:2], "102", "1414", *GOOD[4:]],  # short numbers
    ["c1", *GOOD[1:]],  # duplicate id
    [" c3 ", *GOOD[1:]],  # duplicate once stripped
    ["c13", "2026-03-02 10:15:00.1239+00", *GOOD[2:4], "RADIO ", *GOOD[5:8], " TRUE", "007"],
    ["c14", *GOOD[1:8], "maybe", "-3"],  # two bad values in one row
    ["c15", *GOOD[1:5], "  ", "\u00a0", "", *GOOD[8:]],  # blank nullable values
]


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_parquet(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    columns = {
        name: pa.array([row[i] for row in rows], pa.string()) for i, name in enumerate(header)
    }
    pq.write_table(pa.table(columns), path)
    return path


def _staged(db: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    data = db.sql(f'SELECT * FROM "{table}"').to_arrow_table()
    columns = []
    for column in data.columns:
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.timestamp("us", tz="UTC"))
        columns.append([tuple(v) if isinstance(v, list) else v for v in column.to_pylist()])
    return sorted(zip(*columns, strict=True), key=repr)


def _read(path: Path, feed: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What ``read_feed`` makes of a file: its records as plain tuples, its reject lines."""
    sink = RejectSink()
    records, _ = read_all(path, feed, rejects=sink)
    big = [c.kind is Kind.BIG_INT for c in FEEDS[feed].columns]
    rows = [
        tuple(str(v) if is_big else v for v, is_big in zip(astuple(r), big, strict=True))
        for r in records
    ]
    return sorted(rows, key=repr), [astuple(line) for line in sink.lines]


def _assert_staged_as_read(path: Path, feed: str) -> ReadStats:
    db = duckdb.connect()
    sink = RejectSink()
    stats = stage(db, path, feed, feed, sink)
    expected_rows, expected_lines = _read(path, feed)
    assert _staged(db, feed) == expected_rows
    assert [astuple(line) for line in sink.lines] == expected_lines
    assert stats == sink.summary()
    assert stats.rows == stats.accepted + stats.rejected + stats.duplicates
    return stats


WRITERS = {".csv": _write_csv, ".parquet": _write_parquet}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_mixed_calls_are_staged_exactly_as_read_feed_reads_them(
    tmp_path: Path, suffix: str
) -> None:
    path = WRITERS[suffix](tmp_path / f"calls{suffix}", CALLS_HEADER, MIXED)
    stats = _assert_staged_as_read(path, "calls")
    assert stats == ReadStats(rows=18, accepted=7, rejected=9, duplicates=2)


def test_rejects_name_the_row_field_and_reason_as_read_feed_does(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "calls.csv", CALLS_HEADER, MIXED)
    sink = RejectSink()
    stage(duckdb.connect(), path, "calls", "calls", sink)
    by_row = {line.row: line for line in sink.lines}
    assert (by_row[4].field, by_row[4].value) == ("ts", "yesterday")
    assert by_row[7].reason.startswith("unknown ingress 'satellite'")
    assert (by_row[9].field, by_row[9].reason) == ("call_id", "empty or missing value")
    assert by_row[14].reason == "duplicate call_id (first seen at row 1); the first is kept"
    assert by_row[15].is_duplicate
    assert "; also duration_s: negative integer" in by_row[17].reason


def test_national_and_spaced_numbers_are_normalised_like_read_feed(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "calls.csv", CALLS_HEADER, MIXED[:3])
    db = duckdb.connect()
    stage(db, path, "calls", "calls", RejectSink())
    found = db.sql("SELECT call_id, caller, callee FROM calls ORDER BY call_id").fetchall()
    assert found == [
        ("c1", "+77011234567", "+79161234567"),
        ("c2", None, "+77011234568"),
        ("c3", "+77011234567", "+77011234568"),
    ]


NUMBERS = st.sampled_from(
    ["+77011234567", "87011234567", "8 701 123 45 67", "+77401234567", "", "102", "x", "+7 777"]
)
TIMES = st.sampled_from(
    ["2026-03-02T10:15:00Z", "2026-03-02T15:16:00.5+05:00", "1772446620000", "1", "", "soon"]
)
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["c1", "c2", "c3", " c2", ""]),
        TIMES,
        NUMBERS,
        NUMBERS,
        st.sampled_from(["radio", "voip", "Radio", "sat"]),
        st.sampled_from(["", "401020000000001", " 4010 "]),
        st.sampled_from(["true", "0", "no", "2"]),
        st.sampled_from(["0", "45", "-1", "4.5", " 7"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=6, deadline=None)
@given(ROWS)
def test_generated_calls_are_staged_as_read_feed_reads_them(rows: list[tuple[str, ...]]) -> None:
    header = ["call_id", "ts", "caller", "callee", "ingress", "imsi", "answered", "duration_s"]
    header += ["imei", "cell_id"]
    with tempfile.TemporaryDirectory() as scratch:
        for write, name in ((_write_csv, "calls.csv"), (_write_parquet, "calls.parquet")):
            path = write(Path(scratch) / name, header, [[*row, "", ""] for row in rows])
            _assert_staged_as_read(path, "calls")


@settings(max_examples=5, deadline=None)
@given(ROWS)
def test_staging_a_file_twice_stores_each_id_once(rows: list[tuple[str, ...]]) -> None:
    header = ["call_id", "ts", "caller", "callee", "ingress", "imsi", "answered", "duration_s"]
    header += ["imei", "cell_id"]
    with tempfile.TemporaryDirectory() as scratch:
        path = _write_csv(Path(scratch) / "calls.csv", header, [[*r, "", ""] for r in rows])
        db = duckdb.connect()
        first = stage(db, path, "calls", "calls", RejectSink())
        again = stage(db, path, "calls", "calls", RejectSink())
        ids = db.sql("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchall()[0]
    assert ids == (first.accepted, first.accepted)
    assert again.accepted == 0
    assert again.duplicates == first.accepted + first.duplicates


def test_a_staged_row_already_in_the_table_is_reported_as_a_duplicate(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "calls.csv", CALLS_HEADER, [GOOD])
    db = duckdb.connect()
    stage(db, path, "calls", "calls", RejectSink())
    sink = RejectSink()
    stage(db, path, "calls", "calls", sink)
    [line] = sink.lines
    assert (line.row, line.field, line.value) == (1, "call_id", "c1")
    assert line.reason == "duplicate call_id (already in table calls); the stored one is kept"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(out, seed=1, scale="small")
    return out


@pytest.mark.parametrize("feed", ["calls", "sms"])
def test_a_simulated_world_stages_without_a_reject(world: Path, feed: str) -> None:
    path = world / f"{feed}.parquet"
    db = duckdb.connect()
    sink = RejectSink()
    stats = stage(db, path, feed, feed, sink)
    rows = pq.ParquetFile(path).metadata.num_rows
    assert sink.lines == []
    assert stats == ReadStats(rows=rows, accepted=rows)
    assert db.sql(f"SELECT count(*) FROM {feed}").fetchall() == [(rows,)]


def test_simulated_transfers_accounts_and_roaming_stage_as_read_feed_reads_them(
    world: Path,
) -> None:
    stats = stage(duckdb.connect(), world / "transfers.parquet", "transfers", "t", RejectSink())
    assert (
        stats.accepted
        == stats.rows
        == pq.ParquetFile(world / "transfers.parquet").metadata.num_rows
    )
    for feed in ("accounts", "roaming", "reports"):
        _assert_staged_as_read(world / f"{feed}.parquet", feed)
    _assert_staged_as_read(world / "texts.jsonl", "texts")


def _example_numbers() -> Iterator[str]:
    """Example numbers of every region's plan, and near misses of them."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                yield from (e164, e164[:-1], e164 + "0", e164[:-1] + str(9 - int(e164[-1])))


def test_numbers_of_every_plan_are_judged_as_read_feed_judges_them(tmp_path: Path) -> None:
    numbers = sorted(set(_example_numbers()))
    since = "2026-03-02T10:15:00Z"
    rows = [[number, since, ""] for number in numbers]
    path = _write_parquet(tmp_path / "roaming.parquet", ["msisdn", "since", "until"], rows)
    stats = _assert_staged_as_read(path, "roaming")
    assert stats.accepted > len(numbers) / 4


def test_typed_parquet_columns_are_read_as_read_feed_reads_them(tmp_path: Path) -> None:
    n = 6
    table = pa.table(
        {
            "call_id": pa.array([1, 2, 3, -4, 5, 2], pa.int64()),
            "ts": pa.array([1772446500123456, -1500, None, 0, 17, 7], pa.timestamp("us")),
            "caller": ["+77011234567"] * n,
            "callee": ["87011234568"] * n,
            "ingress": ["radio"] * n,
            "imsi": [None] * n,
            "imei": [None] * n,
            "cell_id": [None] * n,
            "answered": pa.array([1, 0, 2, 1, None, 1], pa.int8()),
            "duration_s": pa.array([1.0, 2.5, -1.0, 3.0, 4.0, 5.0], pa.float64()),
        }
    )
    pq.write_table(table, tmp_path / "calls.parquet")
    _assert_staged_as_read(tmp_path / "calls.parquet", "calls")


def test_csv_that_duckdb_would_read_otherwise_is_split_as_read_feed_splits_it(
    tmp_path: Path,
) -> None:
    good = ",".join(GOOD)
    lines = [
        ",".join(CALLS_HEADER),
        good,
        "",  # a blank line still counts
        good.replace("c1", "c2").rsplit(",", 1)[0],  # a field short
        good.replace("c1", "c3") + ",extra",
        good.replace("c1", "c4").replace("+77011234567", ' "+77011234567"'),  # space, quote
        good.replace("c1", "c5").replace("cell-7", '"cell\n7"'),  # a quoted line break
    ]
    path = tmp_path / "calls.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    stats = _assert_staged_as_read(path, "calls")
    assert (stats.rows, stats.rejected) == (5, 3)  # the blank line is no row


def test_a_large_csv_is_checked_through_a_parquet_file_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columnar, "CSV_IN_MEMORY_BYTES", 0)
    _assert_staged_as_read(_write_csv(tmp_path / "calls.csv", CALLS_HEADER, MIXED), "calls")


def test_rows_keep_their_numbers_where_the_connection_lets_order_go(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "calls.csv", CALLS_HEADER, MIXED)
    db = duckdb.connect()
    db.execute("SET preserve_insertion_order = false")
    sink = RejectSink()
    stage(db, path, "calls", "calls", sink)
    assert [astuple(line) for line in sink.lines] == _read(path, "calls")[1]
    setting = "SELECT current_setting('preserve_insertion_order')"
    assert db.sql(setting).fetchall() == [(False,)]


def test_gzipped_csv_is_staged_like_the_plain_file(tmp_path: Path) -> None:
    plain = _write_csv(tmp_path / "calls.csv", CALLS_HEADER, MIXED)
    packed = tmp_path / "calls.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    db = duckdb.connect()
    sink = RejectSink()
    stage(db, packed, "calls", "calls", sink)
    expected_rows, expected_lines = _read(plain, "calls")
    assert _staged(db, "calls") == expected_rows
    assert [astuple(line)[1:] for line in sink.lines] == [line[1:] for line in expected_lines]


def test_jsonl_texts_are_staged_as_read_feed_reads_them(tmp_path: Path) -> None:
    items = [
        {"item_id": "i1", "ts": "2026-03-02T10:15:00Z", "source": "sms", "text": "hello"},
        {"item_id": "i2", "ts": 1772446620000, "source": "web", "text": "x", "url": None},
        {"item_id": " i1", "ts": "2026-03-02T10:15:00Z", "source": "sms", "text": "again"},
        {"item_id": 5, "ts": 1.5, "source": "sms", "text": 7},
        ["not", "an", "object"],
    ]
    path = tmp_path / "texts.jsonl"
    path.write_text("\n".join(map(json.dumps, items)) + "\n\n{broken\n", encoding="utf-8")
    stats = _assert_staged_as_read(path, "texts")
    assert stats == ReadStats(rows=6, accepted=2, rejected=3, duplicates=1)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_missing_required_column_makes_the_file_unusable(tmp_path: Path, suffix: str) -> None:
    header = [name for name in CALLS_HEADER if name != "callee"]
    rows = [[value for name, value in zip(CALLS_HEADER, GOOD, strict=True) if name != "callee"]]
    path = WRITERS[suffix](tmp_path / f"calls{suffix}", header, rows)
    with pytest.raises(MissingColumns) as caught:
        stage(duckdb.connect(), path, "calls", "calls", RejectSink())
    assert caught.value.missing == ["callee"]


def test_unusable_paths_and_tables_are_refused(tmp_path: Path) -> None:
    db = duckdb.connect()
    with pytest.raises(NotFound):
        stage(db, tmp_path / "nowhere.csv", "calls", "calls", RejectSink())
    with pytest.raises(InvalidInput, match="unknown feed file type"):
        stage(db, tmp_path / "calls.xlsx", "calls", "calls", RejectSink())
    path = _write_csv(tmp_path / "calls.csv", CALLS_HEADER, [GOOD])
    db.execute("CREATE TABLE calls (call_id VARCHAR)")
    with pytest.raises(InvalidInput, match="lacks"):
        stage(db, path, "calls", "calls", RejectSink())
    with pytest.raises(InvalidInput, match="unknown feed"):
        stage(db, path, "cals", "calls", RejectSink())
