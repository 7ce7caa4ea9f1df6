"""Running the SIM-box finder on DuckDB: over whole files, or incrementally batch by batch.

``SimBoxRun`` holds a DuckDB database with ``calls`` (and ``sms``) in the contract's columns,
runs :func:`qorgan.telecom.simbox_features.feature_sql` over it, scores the SIMs with the
rules and (optionally) the model of :mod:`qorgan.telecom.simboxes`, and groups the flagged
ones into boxes. ``add`` appends a new batch of CDRs, forgets calls older than the retention,
and rescores only the SIMs that the batch touched, so a finder fed every few minutes keeps
its list current without recomputing the country.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from qorgan.core.decisions import Signal
from qorgan.core.errors import InvalidInput
from qorgan.store.results import write_table
from qorgan.telecom.simbox_features import feature_sql, links_sql
from qorgan.telecom.simboxes import (
    SimBoxModel,
    SimBoxRules,
    SimFinding,
    group_boxes,
    score_sims,
    train,
)

RETENTION = {"hour": timedelta(days=1), "day": timedelta(days=7), "week": timedelta(days=28)}


def connect(
    memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in UTC that spills to a temporary folder when memory runs short."""
    db = duckdb.connect()
    db.execute("set TimeZone = 'UTC'")
    db.execute(f"set temp_directory = '{tempfile.gettempdir()}/qorgan-duckdb'")
    if memory_limit:
        db.execute(f"set memory_limit = '{memory_limit}'")
    if threads:
        db.execute(f"set threads = {int(threads)}")
    return db


@dataclass
class SimBoxRun:
    """The finder's state: the CDRs within retention, and each SIM's current best window.

    Args:
        db: a connection whose tables ``calls`` (and ``sms`` when ``with_sms``) hold the
            contract columns (see :func:`qorgan.store.columnar.stage`).
        window: the feature window (``hour``, ``day``, ``week`` or ``all``).
        rules: thresholds of the rule layer.
        model: the calibrated model, or ``None`` for rules only.
        flag_at: the score from which a SIM is reported (default: the rules' flag score).
    """

    db: duckdb.DuckDBPyConnection
    window: str = "week"
    with_sms: bool = False
    rules: SimBoxRules = field(default_factory=SimBoxRules)
    model: SimBoxModel | None = None
    flag_at: float | None = None
    scores: dict[str, tuple[float, str, tuple[Signal, ...]]] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        return self.rules.flag_score if self.flag_at is None else self.flag_at

    def features(self, subset: Iterable[str] | None = None) -> pa.Table:
        """Per-SIM, per-window features, of every SIM or only of ``subset``."""
        if subset is None:
            return self.db.sql(feature_sql(self.window, self.with_sms)).to_arrow_table()
        imsis = pa.table({"imsi": pa.array(sorted(set(subset)), pa.string())})
        self.db.register("subset", imsis)
        try:
            return self.db.sql(
                feature_sql(self.window, self.with_sms, subset=True)
            ).to_arrow_table()
        finally:
            self.db.unregister("subset")

    def score(self, subset: Iterable[str] | None = None, partitions: int = 1) -> int:
        """(Re)score every SIM, or the ``subset``; returns how many SIMs were scored.

        ``partitions`` > 1 scores every SIM in that many passes, each over the SIMs of one
        hash bucket of their IMSI: the query's largest aggregates (per SIM and callee, per
        handset) then hold a bucket's groups at a time, so a national day fits in memory at
        the cost of reading the calls once per pass.
        """
        if subset is None and partitions > 1:
            self.scores = {}
            for bucket in range(partitions):
                members = [r[0] for r in self.db.execute(
                    "select distinct imsi from calls where imsi is not null "
                    "and hash(imsi) % ? = ?", [partitions, bucket]).fetchall()]  # fmt: skip
                self.scores.update(
                    score_sims(self.features(members), self.rules, self.window, self.with_sms,
                               self.model)
                )  # fmt: skip
            return len(self.scores)
        table = self.features(subset)
        fresh = score_sims(table, self.rules, self.window, self.with_sms, self.model)
        if subset is not None:
            for imsi in set(subset) - fresh.keys():
                self.scores.pop(imsi, None)  # no calls left within retention
        else:
            self.scores = {}
        self.scores.update(fresh)
        return len(fresh)

    def add(self, calls: pa.Table, sms: pa.Table | None = None) -> int:
        """Append a batch of CDRs, forget those past retention, rescore the SIMs touched:
        those in the batch, those it called back, those sharing its handsets, and those whose
        calls expired.

        Returns how many SIMs were rescored. ``calls`` (and ``sms``) are Arrow tables in the
        contract's columns, already validated.
        """
        self.db.register("batch_calls", calls)
        self.db.execute("insert into calls by name select * from batch_calls")
        touched = {r[0] for r in self.db.execute(
            """select distinct imsi from batch_calls where imsi is not null
               union select distinct c.imsi from calls c
               where c.imsi is not null and c.caller in (select callee from batch_calls)
               union select distinct c.imsi from calls c
               where c.imei in (select imei from batch_calls where imei is not null)"""
        ).fetchall()}  # fmt: skip
        self.db.unregister("batch_calls")
        if sms is not None and self.with_sms:
            self.db.register("batch_sms", sms)
            self.db.execute("insert into sms by name select * from batch_sms")
            self.db.unregister("batch_sms")
        if self.window in RETENTION:
            keep = RETENTION[self.window]
            cutoff = "(select max(ts) - ? from calls)"
            expired = self.db.execute(
                f"select distinct imsi from calls where imsi is not null and ts < {cutoff}", [keep]
            ).fetchall()
            touched.update(r[0] for r in expired)
            self.db.execute(f"delete from calls where ts < {cutoff}", [keep])
            if self.with_sms:
                self.db.execute(f"delete from sms where ts < {cutoff}", [keep])
        return self.score(touched)

    def findings(self) -> list[SimFinding]:
        """Flagged SIMs, highest score first, each with its box."""
        flagged = {imsi: v for imsi, v in self.scores.items() if v[0] >= self.threshold}
        self.db.register("flagged", pa.table({"imsi": pa.array(sorted(flagged), pa.string())}))
        try:
            links = [(a, b) for a, b, _ in self.db.sql(links_sql()).fetchall()]
        finally:
            self.db.unregister("flagged")
        boxes = group_boxes(flagged, links)
        found = [
            SimFinding(imsi, msisdn, score, boxes[imsi], signals)
            for imsi, (score, msisdn, signals) in flagged.items()
        ]
        return sorted(found, key=lambda f: (-f.score, f.imsi))


def load_parquet(db: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """Make ``table`` the rows of a Parquet file already in the contract's columns."""
    db.execute(f"create or replace table {table} as select * from read_parquet(?)", [str(path)])


FINDINGS_SCHEMA = pa.schema(
    [
        ("imsi", pa.string()),
        ("score", pa.float64()),
        ("box", pa.string()),
        ("msisdn", pa.string()),
        ("reasons", pa.string()),
        ("evidence", pa.string()),
    ]
)


def write_findings(findings: list[SimFinding], out: Path) -> None:
    """``imsi, score, box`` (the contract) plus ``msisdn``, ``reasons`` (a JSON list) and
    ``evidence`` (a JSON object per reason) to .csv, .parquet, .json or .jsonl."""
    rows = [
        {
            "imsi": f.imsi,
            "score": f.score,
            "box": f.box,
            "msisdn": f.msisdn,
            "reasons": json.dumps(list(f.reasons)),
            "evidence": json.dumps(
                {s.code: dict(s.evidence) for s in f.signals}, ensure_ascii=False, sort_keys=True
            ),
        }
        for f in findings
    ]
    write_table(pa.Table.from_pylist(rows, schema=FINDINGS_SCHEMA), out)


def train_from_world(world: Path, window: str = "week", seed: int = 0) -> SimBoxModel:
    """Fit the SIM-box model on a simulated world: labels from ``truth/simbox_sims``, folds
    grouped by box (box SIMs) and by handset (every other SIM)."""

    calls, truth = world / "calls.parquet", world / "truth" / "simbox_sims.parquet"
    if not calls.exists() or not truth.exists():
        raise InvalidInput(f"{world}: needs calls.parquet and truth/simbox_sims.parquet")
    db = connect()
    load_parquet(db, "calls", calls)
    sms = world / "sms.parquet"
    if sms.exists():
        load_parquet(db, "sms", sms)
    features = SimBoxRun(db, window, sms.exists()).features()
    boxes = dict(db.execute("select imsi, box from read_parquet(?)", [str(truth)]).fetchall())
    handsets = dict(db.execute("select imsi, min(imei) from calls group by imsi").fetchall())
    imsis = [str(i) for i in features.column("imsi").to_pylist()]
    labels = [i in boxes for i in imsis]
    groups = [f"box:{boxes[i]}" if i in boxes else f"imei:{handsets.get(i) or i}" for i in imsis]
    return train(features, labels, groups, window, seed=seed,
                 trained_on={"world": str(world), "window": window})  # fmt: skip
