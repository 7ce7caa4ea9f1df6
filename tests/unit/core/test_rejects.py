"""The rejects output and the counts of a read."""

from __future__ import annotations

import csv
from pathlib import Path

from qorgan.core.rejects import MAX_VALUE_CHARS, ReadStats, RejectSink, shown


def test_rejects_file_has_its_header_even_when_nothing_was_rejected(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "rejects.csv"
    with RejectSink(path):
        pass
    assert path.read_text(encoding="utf-8").splitlines() == ["file,row,field,value,reason"]


def test_rejects_are_written_as_csv_and_flushed_on_close(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    sink = RejectSink(path)
    sink.reject("calls.csv", 3, "ts", "02.03.2026, 10:15", "not a timestamp")
    sink.duplicate("calls.csv", 9, "call_id", "c1", "duplicate call_id (first seen at row 1)")
    sink.close()
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[1:] == [
        ["calls.csv", "3", "ts", "02.03.2026, 10:15", "not a timestamp"],
        ["calls.csv", "9", "call_id", "c1", "duplicate call_id (first seen at row 1)"],
    ]
    assert sink.lines == []  # a file sink keeps nothing in memory


def test_memory_sink_keeps_lines_and_counts_rejects_apart_from_duplicates() -> None:
    sink = RejectSink()
    sink.count(rows=5, accepted=3)
    sink.reject("f.csv", 1, "amount", "-5", "negative amount")
    sink.duplicate("f.csv", 2, "transfer_id", "t1", "duplicate transfer_id (first seen at row 1)")
    assert sink.summary() == ReadStats(rows=5, accepted=3, rejected=1, duplicates=1)
    assert [line.is_duplicate for line in sink.lines] == [False, True]


def test_long_values_are_cut_and_native_values_shown_as_text() -> None:
    assert len(shown("x" * 1000)) == MAX_VALUE_CHARS
    assert shown("x" * 1000).endswith("…")
    assert shown(None) == ""
    assert shown(["t1", "t2"]) == '["t1", "t2"]'
    assert shown(12) == "12"


def test_stats_say_what_happened_in_words_and_subtract() -> None:
    stats = ReadStats(rows=10, accepted=7, rejected=2, duplicates=1)
    assert str(stats) == "10 rows read: 7 accepted, 2 rejected, 1 duplicate ids"
    assert stats - ReadStats(rows=4, accepted=4) == ReadStats(6, 3, 2, 1)
