"""The feature queries on Apache Spark: the same SQL text as on DuckDB, on a cluster.

:mod:`qorgan.telecom.simbox_features` (SIM-boxes) and :mod:`qorgan.banking.dropper_features`
(droppers) are written in SQL that DuckDB and Spark SQL evaluate identically. This module runs
that text on a ``SparkSession``: it registers the Parquet feeds (a local path or any Hadoop
URI: ``s3a://``, ``hdfs://``, ``abfss://`` ...) as temporary views and returns the query as a
Spark ``DataFrame``, so an operator with billions of CDRs or a bank with billions of transfers
computes the features where the records lie and brings home one row per SIM or account and
window (docs/simbox-finder-spark.md):

- :func:`simbox_features`, :func:`simbox_links`: views ``calls``, ``sms``, ``subset``,
  ``flagged``;
- :func:`dropper_features`, :func:`dropper_edges`: views ``transfers`` and ``accounts``;
- :func:`local_session` for a one-machine session, :func:`to_arrow` to collect a result.

PySpark is an optional dependency (``pip install qorgan[spark]``, plus a Java 17+ runtime):
it is imported inside the functions, so this module imports without it. Spark's objects are
typed ``Any`` because PySpark ships no complete type information.

The views belong to the session: each call replaces the views an earlier call registered
under the same names, so threads that run different feeds need sessions of their own
(``spark.newSession()``).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from qorgan.banking import dropper_features as droppers
from qorgan.telecom.simbox_features import CO_HOURS, feature_sql, links_sql

Feed = str | Path | Any
"""A feed for the queries: a Parquet path (file, folder, glob or Hadoop URI) or a Spark
``DataFrame`` already holding the contract's columns (e.g. read and filtered by the caller)."""

SESSION_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",  # hour() and date_trunc() as on DuckDB in UTC
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
    # Parquet timestamps as UTC-adjusted INT64 (what DuckDB and pyarrow read as UTC
    # instants), not Spark's legacy INT96 default, which pyarrow reads as naive nanoseconds.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
"""Settings of every session :func:`local_session` builds; a cluster job sets the first
(``spark.sql.session.timeZone``) and, when it writes features, the last too."""

UTC_ZONES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "+00:00", "Zulu"})

_LOG4J2 = """\
rootLogger.level = {level}
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n%ex
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = {level}
logger.pyspark.name = org.apache.spark.api.python.PythonGatewayServer
logger.pyspark.level = {level}
"""


def _log4j2_file(level: str) -> Path:
    """A log4j2 configuration that logs ``level`` and above to stderr (Spark's default
    profile logs INFO at start-up, before any ``setLogLevel`` can act; the shell's logger
    and PySpark's gateway at the same level keep them from announcing their own default)."""
    text = _LOG4J2.format(level=level.lower())
    path = Path(tempfile.gettempdir()) / f"qorgan-spark-log4j2-{level.lower()}.properties"
    try:
        if path.read_text("utf-8") == text:
            return path
    except OSError:
        pass
    with tempfile.NamedTemporaryFile("w", suffix=".properties", delete=False) as out:
        out.write(text)
    try:
        return Path(out.name).replace(path)  # atomic: a JVM starting beside us reads it whole
    except OSError:
        return Path(out.name)


def local_session(
    app: str = "qorgan",
    cores: int = 2,
    memory: str = "2g",
    *,
    log_level: str = "ERROR",
    short_lived: bool = False,
    conf: Mapping[str, str] | None = None,
) -> Any:
    """A local-mode ``SparkSession`` in UTC, for tests, notebooks and one-machine runs.

    Args:
        app: the application name.
        cores: worker threads (``local[cores]``); shuffles use ``2 * cores`` partitions,
            which suits what one machine holds (Spark's default of 200 is for clusters).
        memory: the driver's heap (``spark.driver.memory``).
        log_level: Spark's log level from the JVM's start (``ERROR``, ``WARN``, ``INFO``).
        short_lived: compile with the JVM's quick compiler only (``-XX:TieredStopAtLevel=1``):
            a session that runs a few small queries (a test) finishes sooner, one that
            crunches for minutes runs slower.
        conf: further Spark settings, applied last (they override the ones above).

    Returns:
        The session. The JVM settings (memory, logging, compiler) only act when this call
        starts the JVM, i.e. when no session exists yet in this process.
    """
    from pyspark.sql import SparkSession

    java = [f"-Dlog4j2.configurationFile={_log4j2_file(log_level).as_uri()}", "-Duser.timezone=UTC"]
    if short_lived:
        java += ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    extra = dict(conf or {})
    if "spark.driver.extraJavaOptions" in extra:
        java.append(extra.pop("spark.driver.extraJavaOptions"))
    settings = {
        **SESSION_CONF,
        "spark.master": f"local[{int(cores)}]",
        "spark.pyspark.python": sys.executable,  # Python workers (UDFs) run this interpreter
        "spark.driver.memory": memory,
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.extraJavaOptions": " ".join(java),
        "spark.sql.shuffle.partitions": str(2 * int(cores)),
        "spark.default.parallelism": str(2 * int(cores)),
        **extra,
    }
    builder = SparkSession.builder.appName(app)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(log_level.upper())
    return spark


def _frame(spark: Any, feed: Feed) -> Any:
    """A ``DataFrame`` of ``feed``: itself when it is one, else the Parquet it names."""
    if hasattr(feed, "createOrReplaceTempView"):
        return feed
    return spark.read.parquet(str(feed))


def _check_utc(spark: Any) -> None:
    zone = spark.conf.get("spark.sql.session.timeZone")
    if zone not in UTC_ZONES:
        raise ValueError(
            f"spark.sql.session.timeZone is {zone!r}: the feature queries need 'UTC' "
            "(hour() and date_trunc() follow the session time zone)"
        )


def _imsi_view(spark: Any, name: str, imsis: Any) -> None:
    """Register ``imsis`` (IMSIs, or a ``DataFrame`` with an ``imsi`` column or a single
    column) as the view ``name(imsi)``."""
    if hasattr(imsis, "createOrReplaceTempView"):
        columns = list(imsis.columns)
        if "imsi" in columns:
            frame = imsis.select("imsi")
        elif len(columns) == 1:
            frame = imsis.withColumnRenamed(columns[0], "imsi")
        else:
            raise ValueError(f"{name}: a DataFrame of IMSIs needs an 'imsi' column, not {columns}")
    elif isinstance(imsis, str | bytes):
        raise TypeError(f"{name}: expected an iterable of IMSIs, got the string {imsis!r}")
    else:
        rows = [(str(imsi),) for imsi in sorted(set(imsis))]
        frame = spark.createDataFrame(rows, "imsi string")
    frame.createOrReplaceTempView(name)


def simbox_features(
    spark: Any,
    calls: Feed,
    sms: Feed | None = None,
    window: str = "week",
    subset: Iterable[str] | Any | None = None,
) -> Any:
    """Per-SIM, per-window features: :func:`~qorgan.telecom.simbox_features.feature_sql`.

    Args:
        spark: a ``SparkSession`` whose ``spark.sql.session.timeZone`` is UTC.
        calls: the calls feed: Parquet (path, folder or URI such as ``s3a://bucket/calls/``)
            or a ``DataFrame``; registered as the view ``calls``.
        sms: the SMS feed likewise (view ``sms``); with it ``sms_out``/``sms_in`` are
            counted, without it they are 0.
        window: ``hour``, ``day``, ``week`` or ``all``.
        subset: only these SIMs (IMSIs, or a ``DataFrame`` of them); their handsets' other
            SIMs still count.

    Returns:
        A lazy ``DataFrame``, one row per (``imsi``, ``window_start``), in the columns and
        order of DuckDB's :meth:`qorgan.store.simboxes.SimBoxRun.features`. Write it with
        ``.write.parquet(...)`` or collect it with :func:`to_arrow`.

    Raises:
        ValueError: the session is not in UTC, or ``window`` is unknown.
    """
    _check_utc(spark)
    query = feature_sql(window, with_sms=sms is not None, subset=subset is not None)
    _frame(spark, calls).createOrReplaceTempView("calls")
    if sms is not None:
        _frame(spark, sms).createOrReplaceTempView("sms")
    if subset is not None:
        _imsi_view(spark, "subset", subset)
    return spark.sql(query)


def simbox_links(
    spark: Any,
    flagged: Iterable[str] | Any,
    calls: Feed | None = None,
    co_hours: int = CO_HOURS,
) -> Any:
    """Pairs ``a, b, how`` of flagged SIMs that shared a handset or a cell in the same
    clock hours: :func:`~qorgan.telecom.simbox_features.links_sql`.

    Args:
        spark: a ``SparkSession`` in UTC.
        flagged: the flagged IMSIs: an iterable, or a ``DataFrame`` with an ``imsi`` column.
        calls: the calls feed (Parquet or ``DataFrame``); ``None`` uses the session's
            ``calls`` view, as :func:`simbox_features` left it.
        co_hours: clock hours two SIMs must share a cell in before they are linked.

    Returns:
        A lazy ``DataFrame`` with the columns ``a``, ``b`` (``a < b``) and ``how``
        (``imei`` or ``cell``).
    """
    _check_utc(spark)
    if calls is not None:
        _frame(spark, calls).createOrReplaceTempView("calls")
    _imsi_view(spark, "flagged", flagged)
    return spark.sql(links_sql(co_hours))


def dropper_features(
    spark: Any,
    transfers: Feed,
    accounts: Feed | None = None,
    window: str = "week",
) -> Any:
    """Per-account, per-window features of the dropper finder:
    :func:`~qorgan.banking.dropper_features.feature_sql`.

    Args:
        spark: a ``SparkSession`` whose ``spark.sql.session.timeZone`` is UTC.
        transfers: the transfers feed: Parquet (path, folder or URI) or a ``DataFrame``;
            registered as the view ``transfers``.
        accounts: the accounts feed likewise (view ``accounts``); with it ``age_days`` is
            measured, without it it is null.
        window: ``day``, ``week`` or ``all``.

    Returns:
        A lazy ``DataFrame``, one row per (``account``, ``window_start``), in the columns
        and order of DuckDB's :meth:`qorgan.store.droppers.DropperRun.base_features`.

    Raises:
        ValueError: the session is not in UTC, or ``window`` is unknown.
    """
    _check_utc(spark)
    query = droppers.feature_sql(window, with_accounts=accounts is not None, engine="spark")
    _frame(spark, transfers).createOrReplaceTempView("transfers")
    if accounts is not None:
        _frame(spark, accounts).createOrReplaceTempView("accounts")
    return spark.sql(query)


def dropper_edges(spark: Any, transfers: Feed | None = None) -> Any:
    """The transfer graph's edges, ``src, dst, n, value, first_s, last_s`` summed per payer
    and payee: :func:`~qorgan.banking.dropper_features.edges_sql`.

    Args:
        spark: a ``SparkSession`` (epoch seconds do not depend on its time zone).
        transfers: the transfers feed (Parquet or ``DataFrame``); ``None`` uses the
            session's ``transfers`` view, as :func:`dropper_features` left it.

    Returns:
        A lazy ``DataFrame``, one row per (``src``, ``dst``) pair of accounts.
    """
    if transfers is not None:
        _frame(spark, transfers).createOrReplaceTempView("transfers")
    return spark.sql(droppers.edges_sql("spark"))


def to_arrow(frame: Any) -> pa.Table:
    """Collect a Spark ``DataFrame`` on the driver as an Arrow table, e.g. the features of
    the SIMs to score with :func:`qorgan.telecom.simboxes.score_sims` or of the accounts to
    score with :func:`qorgan.banking.droppers.score_accounts`."""
    if hasattr(frame, "toArrow"):  # PySpark 4
        table: pa.Table = frame.toArrow()
        return table
    return pa.Table.from_batches(frame._collect_as_arrow())  # PySpark 3.5
