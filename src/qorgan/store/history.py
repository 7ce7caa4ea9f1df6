"""Feeds to what a fund trace needs: the indexed transfer history, the reports, the banks.

The feeds go through :func:`~qorgan.store.columnar.stage` (validated, rejects counted, the
same id twice stored once), then leave DuckDB as Arrow columns for
:meth:`~qorgan.tracing.index.TransferIndex.build`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from qorgan.core.records import FraudType, ReportRecord
from qorgan.core.rejects import RejectSink
from qorgan.store.columnar import stage
from qorgan.tracing.flow import ReportSeed, bank_resolver, trace_report
from qorgan.tracing.index import TransferIndex
from qorgan.tracing.result import Rule, Trace


@dataclass(frozen=True)
class FundHistory:
    """A transfer history ready to trace, with the reports to trace and accounts' banks."""

    index: TransferIndex
    reports: list[ReportRecord]
    banks: dict[str, str]


def load_history(
    db: duckdb.DuckDBPyConnection,
    transfers: Path,
    reports: Path,
    accounts: Path | None,
    sink: RejectSink,
) -> FundHistory:
    """Stage the feeds on ``db`` and index the transfers (with the accounts' kinds, when
    the accounts feed is given: payments to businesses are their holders' own spending)."""
    banks: dict[str, str] = {}
    business: list[str] = []
    if accounts is not None:
        stage(db, accounts, "accounts", "accounts", sink)
        banks = dict(db.sql("select account, bank from accounts").fetchall())
        rows = db.sql("select account from accounts where kind = 'business'").fetchall()
        business = [account for (account,) in rows]
    stage(db, transfers, "transfers", "transfers", sink)
    stage(db, reports, "reports", "reports", sink)
    table = db.sql(
        "select transfer_id, ts, from_account, to_account, amount from transfers"
    ).to_arrow_table()
    index = TransferIndex.build(table, pa.array(business, pa.string()))
    rows = (
        db.sql(
            "select report_id, ts, victim_account, victim_phone, fraud_type, transfer_ids "
            "from reports order by ts, report_id"
        )
        .to_arrow_table()
        .to_pylist()
    )
    records = [
        ReportRecord(
            r["report_id"],
            r["ts"],
            r["victim_account"],
            r["victim_phone"],
            FraudType(r["fraud_type"]),
            tuple(r["transfer_ids"]),
        )
        for r in rows
    ]
    return FundHistory(index, records, banks)


def seed(report: ReportRecord) -> ReportSeed:
    """What the trace needs of a report."""
    return ReportSeed(report.report_id, report.ts, report.victim_account, report.transfer_ids)


def index_transfers(
    db: duckdb.DuckDBPyConnection,
    transfers: Path,
    sink: RejectSink,
    business: Sequence[str] = (),
) -> TransferIndex:
    """Stage a transfers feed on ``db`` and index it (``business``: the businesses'
    accounts, whose payments in are their holders' own money and out their own spending)."""
    stage(db, transfers, "transfers", "transfers", sink)
    return TransferIndex.build(
        db.sql(
            "select transfer_id, ts, from_account, to_account, amount from transfers"
        ).to_arrow_table(),
        pa.array(list(business), pa.string()),
    )


def report_tracer(
    index: TransferIndex, banks: dict[str, str] | None = None, rule: Rule = Rule.FIFO
) -> Callable[[ReportRecord], Trace]:
    """A tracer over ``index`` for the API to run on each report filed."""
    bank_of = bank_resolver(banks)

    def trace(report: ReportRecord) -> Trace:
        return trace_report(index, seed(report), rule, bank_of)

    return trace
