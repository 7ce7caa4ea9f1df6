"""Feed files (CSV, Parquet, JSONL) into records, bad rows into rejects with the reason."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schwifty import IBAN

from qorgan.core.errors import InvalidInput, MissingColumns, NotFound
from qorgan.core.feeds import CALLS, FEEDS, REPORTS, TRANSFERS, arrow_schema
from qorgan.core.readers import read_all, read_feed
from qorgan.core.records import (
    CallRecord,
    Channel,
    FraudType,
    Ingress,
    Record,
    ReportRecord,
    RoamingRecord,
    SmsRecord,
    TokenTransferRecord,
    TransferRecord,
)
from qorgan.core.rejects import RejectSink
from qorgan.core.timestamps import format_ts

CALLS_HEADER = "call_id,ts,caller,callee,ingress,imsi,imei,cell_id,answered,duration_s"
GOOD_1 = (
    "c1,2026-03-02T10:15:00Z,87011234567,+79161234567,radio,"
    "401020000000001,356000000000001,cell-7,true,30"
)
GOOD_2 = "c2,2026-03-02T15:16:00+05:00,,+77011234568,international,,,,false,0"
GOOD_3 = "c3,1772446620000,+7 701 123 45 67,87011234568,voip,,,,yes,12"


def _csv_file(tmp_path: Path, *lines: str, name: str = "calls.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _reject_lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# The acceptance test: a broken calls file.


def test_broken_calls_csv_keeps_good_rows_and_writes_one_clear_line_per_bad_row(
    tmp_path: Path,
) -> None:
    calls = _csv_file(
        tmp_path,
        CALLS_HEADER,
        GOOD_1,
        "c4,2026-03-02T10:17:00Z,+77011234567,+77011234568,domestic,,,,false",  # missing field
        GOOD_2,
        "c5,02.03.2026 10:18,+77011234567,+77011234568,domestic,,,,false,0",  # bad timestamp
        "c6,2026-03-02T10:19:00Z,+77011234567,+77011234568,domestic,,,,true,12s",  # bad number
        "c1,2026-03-02T10:15:00Z,87011234567,+79161234567,radio,,,,true,30",  # duplicate id
        GOOD_3,
    )
    rejects_path = tmp_path / "out" / "rejects.csv"
    with RejectSink(rejects_path) as rejects:
        batches = list(read_feed(calls, "calls", rejects=rejects))
    records = [r for batch in batches for r in batch]

    assert [r.call_id for r in records if isinstance(r, CallRecord)] == ["c1", "c2", "c3"]
    lines = _reject_lines(rejects_path)
    assert [(line["row"], line["field"]) for line in lines] == [
        ("2", "duration_s"),
        ("4", "ts"),
        ("5", "duration_s"),
        ("6", "call_id"),
    ]
    assert all(line["file"] == str(calls) for line in lines)
    reasons = [line["reason"] for line in lines]
    assert reasons[0] == "missing field(s): row has 9 fields, the header has 10"
    assert "not a timestamp" in reasons[1]
    assert reasons[2] == "not a whole number"
    assert reasons[3] == "duplicate call_id (first seen at row 1); the first is kept"
    assert lines[1]["value"] == "02.03.2026 10:18"
    assert lines[2]["value"] == "12s"
    summary = rejects.summary()
    assert (summary.rows, summary.accepted, summary.rejected, summary.duplicates) == (7, 3, 3, 1)


def test_good_rows_are_normalised(tmp_path: Path) -> None:
    records, _ = read_all(_csv_file(tmp_path, CALLS_HEADER, GOOD_1, GOOD_2, GOOD_3), CALLS)
    assert records == [
        CallRecord(
            "c1",
            datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
            "+77011234567",
            "+79161234567",
            Ingress.RADIO,
            "401020000000001",
            "356000000000001",
            "cell-7",
            True,
            30,
        ),
        CallRecord(
            "c2",
            datetime(2026, 3, 2, 10, 16, tzinfo=UTC),
            None,
            "+77011234568",
            Ingress.INTERNATIONAL,
            None,
            None,
            None,
            False,
            0,
        ),
        CallRecord(
            "c3",
            datetime(2026, 3, 2, 10, 17, tzinfo=UTC),
            "+77011234567",
            "+77011234568",
            Ingress.VOIP,
            None,
            None,
            None,
            True,
            12,
        ),
    ]


def test_file_missing_a_required_column_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = _csv_file(
        tmp_path, "call_id,ts,caller,ingress,answered", "c1,2026-03-02T10:15:00Z,,radio,1"
    )
    with pytest.raises(MissingColumns) as caught:
        read_feed(path, "calls", rejects=RejectSink())
    message = str(caught.value)
    assert str(path) in message
    assert "calls feed lacks required column(s): callee, imsi, imei, cell_id, duration_s" in message
    assert caught.value.missing == ["callee", "imsi", "imei", "cell_id", "duration_s"]


def test_row_with_several_bad_fields_is_one_line_naming_the_first_and_listing_all(
    tmp_path: Path,
) -> None:
    path = _csv_file(
        tmp_path, CALLS_HEADER, "c1,2026-03-02T10:15:00,call-me,,satellite,,,,maybe,-1"
    )
    rejects = RejectSink()
    records, stats = read_all(path, CALLS, rejects=rejects)
    assert records == []
    assert stats.rejected == 1
    (line,) = rejects.lines
    assert (line.row, line.field, line.value) == (1, "ts", "2026-03-02T10:15:00")
    # An unallocated CLI such as +7 740 ... is not a bad record: screening must see it.
    assert line.reason == (
        "timestamp has no UTC offset"
        "; also caller: not a phone number: only digits, '+', spaces, '-', '.', '/' and "
        "brackets"
        "; also callee: empty or missing value"
        "; also ingress: unknown ingress 'satellite': expected one of radio, domestic, "
        "international, voip"
        "; also answered: not a boolean: expected true/false, 1/0 or yes/no"
        "; also duration_s: negative integer"
    )


def test_columns_in_any_order_with_extra_ones_are_read(tmp_path: Path) -> None:
    path = _csv_file(
        tmp_path,
        "note,duration_s,answered,cell_id,imei,imsi,ingress,callee,caller,ts,call_id,operator",
        "hello,5,0,,,,domestic,87011234568,,2026-03-02T10:15:00Z,c1,kcell",
    )
    (record,), _ = read_all(path, CALLS)
    assert isinstance(record, CallRecord)
    assert (record.call_id, record.duration_s, record.operator) == ("c1", 5, "kcell")


def test_absent_optional_column_reads_as_none_and_absent_currency_as_kzt(tmp_path: Path) -> None:
    calls, _ = read_all(_csv_file(tmp_path, CALLS_HEADER, GOOD_1), CALLS)
    assert isinstance(calls[0], CallRecord)
    assert calls[0].operator is None
    path = _csv_file(
        tmp_path,
        "transfer_id,ts,from_account,to_account,amount,channel,device_id,ip",
        "t1,2026-03-02T10:15:00Z,CASH,crypto:Binance,1500,p2p_crypto,,10.0.0.1",
        name="transfers.csv",
    )
    (transfer,), _ = read_all(path, TRANSFERS)
    assert transfer == TransferRecord(
        "t1",
        datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
        "CASH",
        "CRYPTO:binance",
        Decimal("1500.00"),
        "KZT",
        Channel.P2P_CRYPTO,
        None,
        "10.0.0.1",
    )


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("-100", "negative amount"),
        ("0", "zero amount"),
        ("12.345", "amount has more than 2 decimal places"),
    ],
)
def test_impossible_amount_is_rejected(tmp_path: Path, amount: str, reason: str) -> None:
    path = _csv_file(
        tmp_path,
        "transfer_id,ts,from_account,to_account,amount,currency,channel,device_id,ip",
        f"t1,2026-03-02T10:15:00Z,CASH,KZ86125KZT5004100100,{amount},KZT,branch,,",
        name="transfers.csv",
    )
    rejects = RejectSink()
    records, _ = read_all(path, TRANSFERS, rejects=rejects)
    assert records == []
    assert [(r.field, r.reason) for r in rejects.lines] == [("amount", reason)]


def test_blank_lines_are_skipped_but_counted_so_rows_match_lines(tmp_path: Path) -> None:
    path = _csv_file(tmp_path, CALLS_HEADER, GOOD_1, "", "", "c9,bad,,,,,,,,")
    rejects = RejectSink()
    records, stats = read_all(path, CALLS, rejects=rejects)
    assert len(records) == 1
    assert stats.rows == 2
    assert [r.row for r in rejects.lines] == [4]  # physical line 5
    assert path.read_text().splitlines()[4].startswith("c9")


def test_row_with_too_many_fields_is_rejected_whole(tmp_path: Path) -> None:
    rejects = RejectSink()
    read_all(_csv_file(tmp_path, CALLS_HEADER, GOOD_1 + ",extra"), CALLS, rejects=rejects)
    (line,) = rejects.lines
    assert (line.row, line.field) == (1, "")
    assert line.reason == "extra field(s): row has 11 fields, the header has 10"


def test_reject_lines_come_in_row_order_across_chunks(tmp_path: Path) -> None:
    good = [f"g{i},2026-03-02T10:15:00Z,,87011234568,domestic,,,,0,0" for i in range(5000)]
    lines = [CALLS_HEADER, *good[:10], "ragged", *good[10:4200], "b1,x,,,,,,,,", *good[4200:]]
    rejects = RejectSink()
    records, stats = read_all(_csv_file(tmp_path, *lines), CALLS, rejects=rejects)
    assert len(records) == 5000
    assert [r.row for r in rejects.lines] == [11, 4202]
    assert stats.rows == 5002


def test_batches_have_the_asked_size(tmp_path: Path) -> None:
    good = [f"g{i},2026-03-02T10:15:00Z,,87011234568,domestic,,,,0,0" for i in range(25)]
    batches = list(
        read_feed(
            _csv_file(tmp_path, CALLS_HEADER, *good), CALLS, rejects=RejectSink(), batch_size=10
        )
    )
    assert [len(b) for b in batches] == [10, 10, 5]


def test_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("\ufeff" + CALLS_HEADER + "\n" + GOOD_1 + "\n", encoding="utf-8")
    records, _ = read_all(path, CALLS)
    assert len(records) == 1


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(
        (CALLS_HEADER + "\n" + GOOD_1.replace("cell-7", "сота") + "\n").encode("cp1251")
    )
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_all(path, CALLS)


def test_unknown_extension_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "calls.xlsx"
    path.write_text("x")
    with pytest.raises(InvalidInput, match=r"calls\.xlsx: unknown feed file type '\.xlsx'"):
        read_feed(path, CALLS, rejects=RejectSink())


def test_missing_file_and_unknown_feed_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such file"):
        read_feed(tmp_path / "nope.csv", CALLS, rejects=RejectSink())
    with pytest.raises(InvalidInput, match="unknown feed 'cals'"):
        read_feed(tmp_path / "nope.csv", "cals", rejects=RejectSink())


def test_empty_csv_and_repeated_column_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no header row"):
        read_feed(_csv_file(tmp_path, ""), CALLS, rejects=RejectSink())
    with pytest.raises(InvalidInput, match="'ts' appears more than once"):
        read_feed(_csv_file(tmp_path, CALLS_HEADER + ",ts"), CALLS, rejects=RejectSink())


def test_jsonl_bad_lines_are_rejected_and_the_rest_read(tmp_path: Path) -> None:
    good = {
        "call_id": "c1",
        "ts": 1772446500000,
        "caller": None,
        "callee": 77011234568,
        "ingress": "Radio",
        "answered": True,
        "duration_s": 3,
    }  # imsi, imei, cell_id absent: nullable, so null
    path = tmp_path / "calls.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                "[1, 2]",
                "",
                json.dumps({**good, "call_id": "c2", "callee": None}),
                json.dumps(
                    {k: v for k, v in good.items() if k != "duration_s"} | {"call_id": "c3"}
                ),
            ]
        ),
        encoding="utf-8",
    )
    rejects = RejectSink()
    records, stats = read_all(path, CALLS, rejects=rejects)
    assert [r.call_id for r in records if isinstance(r, CallRecord)] == ["c1"]
    assert records[0] == CallRecord(
        "c1",
        datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
        None,
        "+77011234568",
        Ingress.RADIO,
        None,
        None,
        None,
        True,
        3,
    )
    assert [(r.row, r.field, r.reason.split(":")[0]) for r in rejects.lines] == [
        (2, "", "not valid JSON"),
        (3, "", "not a JSON object"),
        (5, "callee", "empty or missing value"),
        (6, "duration_s", "empty or missing value"),
    ]
    assert stats.rows == 5


def test_parquet_typed_columns_are_read_natively(tmp_path: Path) -> None:
    iban = "KZ86125KZT5004100100"
    table = pa.table(
        {
            "report_id": ["r1", "r2"],
            "ts": pa.array(
                [datetime(2026, 3, 2, 10, 15, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC)],
                pa.timestamp("ms", tz="UTC"),
            ),
            "victim_account": [iban.lower(), iban],
            "victim_phone": [None, "87011234567"],
            "fraud_type": ["investment", "loan"],
            "transfer_ids": pa.array([["t1", "t2"], []], pa.list_(pa.string())),
        },
        schema=arrow_schema(REPORTS),
    )
    path = tmp_path / "reports.parquet"
    pq.write_table(table, path)
    records, stats = read_all(path, REPORTS)
    assert stats.rejected == 0
    assert records == [
        ReportRecord(
            "r1",
            datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
            iban,
            None,
            FraudType.INVESTMENT,
            ("t1", "t2"),
        ),
        ReportRecord(
            "r2", datetime(2026, 3, 2, 11, tzinfo=UTC), iban, "+77011234567", FraudType.LOAN, ()
        ),
    ]


def test_parquet_with_other_types_is_read_and_bad_values_rejected(tmp_path: Path) -> None:
    table = pa.table(
        {
            "call_id": pa.array([1, 2, 3], pa.int64()),
            "ts": pa.array([datetime(2026, 3, 2, 15, 15)] * 3, pa.timestamp("ns")),  # naive: UTC
            "caller": [None, None, None],
            "callee": ["87011234568", "+77011234568", "call me"],
            "ingress": pa.array(["radio", "voip", "voip"]).dictionary_encode(),
            "imsi": ["401020000000001", None, None],
            "imei": [None, None, None],
            "cell_id": [None, None, None],
            "answered": ["true", "false", "0"],
            "duration_s": pa.array([5, 0, 0], pa.int32()),
        }
    )
    path = tmp_path / "calls.parquet"
    pq.write_table(table, path)
    rejects = RejectSink()
    records, _ = read_all(path, CALLS, rejects=rejects)
    assert [(r.call_id, r.ts.hour, r.ingress) for r in records if isinstance(r, CallRecord)] == [
        ("1", 15, Ingress.RADIO),
        ("2", 15, Ingress.VOIP),
    ]
    assert [(r.row, r.field) for r in rejects.lines] == [(3, "callee")]


def test_parquet_missing_a_required_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calls.parquet"
    pq.write_table(pa.table({"call_id": ["c1"]}), path)
    with pytest.raises(MissingColumns, match="lacks required column"):
        read_feed(path, CALLS, rejects=RejectSink())


def test_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calls.parquet"
    path.write_text("call_id\nc1\n")
    with pytest.raises(InvalidInput, match="not a readable Parquet file"):
        read_feed(path, CALLS, rejects=RejectSink())


# Round trips and idempotence, over every kind of value.

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=10)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
phones = st.one_of(
    st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"+7701{n:07d}"),
    st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"+7916{n:07d}"),
    st.sampled_from(["+4915112345678", "+16502530000"]),
)
ibans = st.builds(
    lambda bank, account: str(IBAN.generate("KZ", bank_code=bank, account_code=account)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=13, max_size=13),
)
texts = st.text(min_size=1, max_size=40).filter(lambda t: not t.isspace())
optional_ids = st.none() | ids

RECORDS: dict[str, st.SearchStrategy[Record]] = {
    "calls": st.builds(
        CallRecord,
        ids,
        moments,
        st.none() | phones,
        phones,
        st.sampled_from(Ingress),
        optional_ids,
        optional_ids,
        optional_ids,
        st.booleans(),
        st.integers(min_value=0, max_value=2**63 - 1),
        optional_ids,
    ),
    "sms": st.builds(
        SmsRecord,
        ids,
        moments,
        phones | st.sampled_from(["KASPI", "Halyk Bank", "1414"]),
        phones,
        st.sampled_from(Ingress),
        optional_ids,
        texts,
        optional_ids,
    ),
    "roaming": st.builds(RoamingRecord, phones, moments, st.none() | moments, optional_ids),
    "transfers": st.builds(
        TransferRecord,
        ids,
        moments,
        ibans | st.just("CASH"),
        ibans | st.sampled_from(["CASH", "CRYPTO:binance", "CRYPTO:okx"]),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2),
        st.sampled_from(["KZT", "USD", "RUB"]),
        st.sampled_from(Channel),
        optional_ids,
        st.none() | st.ip_addresses().map(str),
    ),
    "reports": st.builds(
        ReportRecord,
        ids,
        moments,
        ibans,
        st.none() | phones,
        st.sampled_from(FraudType),
        st.lists(ids, max_size=4).map(tuple),
    ),
    "token_transfers": st.builds(
        TokenTransferRecord,
        ids,
        ids,
        ids,
        st.integers(min_value=0, max_value=10**40),
        ids,
        st.integers(min_value=0, max_value=2**63 - 1),
        st.integers(min_value=0, max_value=2**63 - 1),
        moments,
    ),
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return str(value)


def _json(value: object) -> object:
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _write(path: Path, feed_name: str, records: list[Record]) -> None:
    names = [c.name for c in FEEDS[feed_name].columns]
    rows = [[getattr(r, name) for name in names] for r in records]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(names)
            writer.writerows([_text(v) for v in row] for row in rows)
    elif path.suffix == ".jsonl":
        lines = [
            json.dumps({n: _json(v) for n, v in zip(names, row, strict=True)}, ensure_ascii=False)
            for row in rows
        ]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        schema = arrow_schema(FEEDS[feed_name])
        columns = {
            name: [
                None if v is None else v if schema.field(name).type != pa.string() else str(v)
                for v in column
            ]
            for name, column in zip(names, zip(*rows, strict=True), strict=True)
        }
        pq.write_table(pa.table(columns, schema=schema), path)


def _feed_records(feed_name: str) -> st.SearchStrategy[list[Record]]:
    key_names = FEEDS[feed_name].id_columns
    return st.lists(
        RECORDS[feed_name],
        min_size=1,
        max_size=6,
        unique_by=lambda r: tuple(getattr(r, n) for n in key_names),
    )


SUFFIXES = [".csv", ".jsonl", ".parquet"]


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("feed_name", sorted(RECORDS))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_records_written_to_a_file_read_back_equal(
    suffix: str, feed_name: str, data: st.DataObject
) -> None:
    records = data.draw(_feed_records(feed_name))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{feed_name}{suffix}"
        _write(path, feed_name, records)
        rejects = RejectSink()
        read, stats = read_all(path, feed_name, rejects=rejects)
    assert rejects.lines == []
    assert read == records
    assert stats.rows == stats.accepted == len(records)


@pytest.mark.parametrize("suffix", SUFFIXES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_reading_a_file_whose_rows_are_repeated_gives_each_record_once(
    suffix: str, data: st.DataObject
) -> None:
    feed_name = data.draw(st.sampled_from(sorted(RECORDS)))
    records = data.draw(_feed_records(feed_name))
    repeated = data.draw(st.lists(st.sampled_from(records), max_size=8))
    with tempfile.TemporaryDirectory() as tmp:
        once, twice = Path(tmp) / f"once{suffix}", Path(tmp) / f"twice{suffix}"
        _write(once, feed_name, records)
        _write(twice, feed_name, records + repeated)
        read_once, _ = read_all(once, feed_name)
        read_twice, stats = read_all(twice, feed_name)
    assert read_twice == read_once == records
    assert stats.duplicates == len(repeated)
    assert stats.rejected == 0
