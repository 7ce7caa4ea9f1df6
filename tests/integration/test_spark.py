"""Spark runs the SIM-box and dropper feature SQL and gets DuckDB's answer, row for row.

One local Spark session and one small simulated world serve the whole module. Both engines
read the world's first 48 hours (some 45,000 calls, both SIM-boxes at work; some 9,000
transfers between 5,500 accounts, mules among them): Spark's cost here is per query and per
stage far more than per row, and two days keep the module near a minute on two cores while
every feature, window and join still has work to do.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from qorgan.banking import dropper_features
from qorgan.sim.world import simulate
from qorgan.store import spark as qspark
from qorgan.store.droppers import DropperRun
from qorgan.store.simboxes import SimBoxRun, connect, load_parquet
from qorgan.telecom.simbox_features import FEATURES, links_sql

if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime: no `java` on PATH", allow_module_level=True)
if importlib.util.find_spec("pyspark") is None:
    pytest.skip("pyspark is not installed (pip install qorgan[spark])", allow_module_level=True)

Row = dict[str, Any]
REL = 1e-9
DAYS = 2


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calls, SMS and transfers of a small world's first ``DAYS`` days and all its
    accounts, in the simulator's Parquet (timestamps as UTC-adjusted INT64 milliseconds)."""
    full = tmp_path_factory.mktemp("world")
    simulate(full, seed=1, scale="small")
    out = tmp_path_factory.mktemp("first-days")
    calls = pq.read_table(full / "calls.parquet")
    end = pa.scalar(pc.min(calls["ts"]).as_py() + timedelta(days=DAYS))
    for feed in ("calls", "sms", "transfers"):
        table = pq.read_table(full / f"{feed}.parquet")
        keep = pc.less(table["ts"], end.cast(table["ts"].type))
        pq.write_table(table.filter(keep), out / f"{feed}.parquet")
    shutil.copy(full / "accounts.parquet", out / "accounts.parquet")
    return out


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = qspark.local_session("qorgan-test", cores=2, memory="1g", short_lived=True)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def duck(world: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    db = connect()
    load_parquet(db, "calls", world / "calls.parquet")
    load_parquet(db, "sms", world / "sms.parquet")
    yield db
    db.close()


@pytest.fixture(scope="module")
def bank(world: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    db = connect()
    load_parquet(db, "transfers", world / "transfers.parquet")
    load_parquet(db, "accounts", world / "accounts.parquet")
    yield db
    db.close()


def _utc(value: object) -> object:
    """DuckDB's ``all`` window starts at a naive ``TIMESTAMP '1970-01-01'`` (the other
    windows and every Spark timestamp are UTC instants); both mean UTC, so compare as such."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _keyed(table: pa.Table, *key: str) -> dict[tuple[object, ...], Row]:
    key = key or ("imsi", "window_start")
    rows = table.to_pylist()
    keyed = {tuple(_utc(r[k]) for k in key): r for r in rows}
    assert len(keyed) == len(rows), f"{key} is not a key"
    return keyed


def _differ(expected: pa.Table, got: pa.Table, *key: str) -> list[tuple[object, ...]]:
    """(key, column, DuckDB's value, Spark's) wherever the two disagree, after checking
    both have the same columns, keys and (but for a time zone) types."""
    assert got.column_names == expected.column_names
    for want_field, got_field in zip(expected.schema, got.schema, strict=True):
        if pa.types.is_timestamp(want_field.type):
            assert pa.types.is_timestamp(got_field.type), got_field
        else:
            assert got_field.type == want_field.type, (want_field, got_field)
    want, have = _keyed(expected, *key), _keyed(got, *key)
    assert want.keys() == have.keys()
    return [
        (k, column, row[column], have[k][column])
        for k, row in want.items()
        for column in expected.column_names
        if not _same(row[column], have[k][column])
    ]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=REL, abs_tol=1e-12)
    return _utc(a) == _utc(b)


@pytest.mark.parametrize("with_sms", [False, True], ids=["calls", "calls+sms"])
@pytest.mark.parametrize("window", ["day", "all"])
def test_spark_features_equal_duckdb_features(
    world: Path, spark: Any, duck: duckdb.DuckDBPyConnection, window: str, with_sms: bool
) -> None:
    expected = SimBoxRun(duck, window, with_sms).features()
    sms = world / "sms.parquet" if with_sms else None
    got = qspark.to_arrow(qspark.simbox_features(spark, world / "calls.parquet", sms, window))

    assert got.column_names == expected.column_names
    assert set(FEATURES) <= set(got.column_names)
    want, have = _keyed(expected), _keyed(got)
    assert want.keys() == have.keys()
    assert len(want) > 1000
    differ = [
        (key, column, row[column], have[key][column])
        for key, row in want.items()
        for column in expected.column_names
        if not _same(row[column], have[key][column])
    ]
    assert not differ, f"{len(differ)} values differ, e.g. {differ[:5]}"
    if with_sms:
        assert sum(r["sms_out"] for r in want.values()) > 0


def test_spark_links_equal_duckdb_links(
    world: Path, spark: Any, duck: duckdb.DuckDBPyConnection
) -> None:
    busiest = duck.sql(
        "select imsi from calls where ingress = 'radio' and imsi is not null "
        "group by imsi order by count(*) desc, imsi limit 50"
    ).fetchall()
    flagged = [imsi for (imsi,) in busiest]
    duck.register("flagged", pa.table({"imsi": pa.array(flagged, pa.string())}))
    try:
        expected = sorted(duck.sql(links_sql()).fetchall())
    finally:
        duck.unregister("flagged")

    links = qspark.simbox_links(spark, flagged, world / "calls.parquet")
    got = sorted((r["a"], r["b"], r["how"]) for r in qspark.to_arrow(links).to_pylist())

    assert got == expected
    assert {how for _, _, how in expected} == {"imei", "cell"}


def test_spark_refuses_a_session_outside_utc(world: Path, spark: Any) -> None:
    spark.conf.set("spark.sql.session.timeZone", "Asia/Almaty")
    try:
        with pytest.raises(ValueError, match="UTC"):
            qspark.simbox_features(spark, world / "calls.parquet", None, "day")
        with pytest.raises(ValueError, match="UTC"):
            qspark.dropper_features(spark, world / "transfers.parquet", None, "day")
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


@pytest.mark.parametrize(
    ("window", "with_accounts"),
    [("week", False), ("day", True), ("all", True)],
    ids=["week-transfers", "day-transfers+accounts", "all-transfers+accounts"],
)
def test_spark_dropper_features_equal_duckdb_features(
    world: Path,
    spark: Any,
    bank: duckdb.DuckDBPyConnection,
    window: str,
    with_accounts: bool,
) -> None:
    expected = DropperRun(bank, window, with_accounts).base_features()
    accounts = world / "accounts.parquet" if with_accounts else None
    got = qspark.to_arrow(
        qspark.dropper_features(spark, world / "transfers.parquet", accounts, window)
    )

    assert set(dropper_features.FEATURES) <= set(got.column_names)
    differ = _differ(expected, got, "account", "window_start")
    assert not differ, f"{len(differ)} values differ, e.g. {differ[:5]}"
    rows = expected.to_pylist()
    assert len(rows) > 1000
    # the time-ordered features (strangers, running sums, delays) have work to do
    for feature in ("stranger_payers", "passthrough_1h", "forward_delay_min", "atm_share"):
        assert sum(1 for r in rows if r[feature]) > 10, feature
    aged = sum(1 for r in rows if r["age_days"] is not None)
    assert aged > 10 if with_accounts else aged == 0


def test_spark_dropper_edges_equal_duckdb_edges(
    world: Path, spark: Any, bank: duckdb.DuckDBPyConnection
) -> None:
    expected = bank.sql(dropper_features.edges_sql()).to_arrow_table()
    got = qspark.to_arrow(qspark.dropper_edges(spark, world / "transfers.parquet"))

    differ = _differ(expected, got, "src", "dst")
    assert not differ, f"{len(differ)} values differ, e.g. {differ[:5]}"
    assert expected.num_rows > 1000
    # epoch seconds keep their milliseconds on both engines
    assert any(s != int(s) for s in expected.column("first_s").to_pylist())
