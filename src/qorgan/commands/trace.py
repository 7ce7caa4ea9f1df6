"""``qorgan trace funds``: where each reported victim's money is now, and the freeze orders.

Reads the transfer history and the reports, traces each report forward in time up to the
moment it was filed (docs/tracing.md), and writes one JSON object per report: the accounts
holding the money with amounts and banks, the cash-outs, what could not be placed, every hop,
and one freeze order per bank. With ``--db`` the reports are also filed as cases, the traces
recorded and the orders issued in the case store (the audit trail records each step).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qorgan.cases.calendar import KAZAKHSTAN
from qorgan.cases.case import EventKind, case_id_for
from qorgan.cases.freeze import FreezeOrder, orders_from_trace
from qorgan.cases.summary import tenge, trace_summary
from qorgan.commands.common import console, rejects_path, summary
from qorgan.commands.db import open_database
from qorgan.core.errors import InvalidInput
from qorgan.core.records import ReportRecord
from qorgan.core.rejects import RejectSink
from qorgan.core.roles import Principal, Role
from qorgan.store.history import load_history, seed
from qorgan.store.simboxes import connect
from qorgan.store.sql.cases import CaseService
from qorgan.tracing import Rule, Trace, TraceLimits, bank_resolver, trace_report

app = typer.Typer(help="Follow money: bank transfers after a victim report.", no_args_is_help=True)

CLI = Principal("qorgan-cli", Role.ANALYST)
"""Who files cases from ``qorgan trace funds --db``: the Anti-Fraud Centre's analyst role."""
DEFAULT_BASIS = "victim report; basis to be completed by the issuing officer"


@app.command("funds")
def funds(
    transfers: Annotated[Path, typer.Option(help="Transfers feed: the history to trace through.")],
    reports: Annotated[Path, typer.Option(help="Victim reports to trace.")],
    out: Annotated[Path, typer.Option(help="Traces and freeze orders: .json or .jsonl.")],
    accounts: Annotated[
        Path | None, typer.Option(help="Accounts feed: each account's bank (else the IBAN's).")
    ] = None,
    rule: Annotated[Rule, typer.Option(help="Allocation rule (docs/tracing.md).")] = Rule.FIFO,
    legal_basis: Annotated[
        str, typer.Option(help="Legal basis written on every freeze order.")
    ] = DEFAULT_BASIS,
    min_freeze: Annotated[
        float, typer.Option(help="Tenge: holdings below this are not ordered frozen.")
    ] = 0.0,
    hops: Annotated[bool, typer.Option(help="Include every hop (the evidence).")] = True,
    db: Annotated[
        str | None,
        typer.Option(envvar="QORGAN_DATABASE_URL", help="Also file the cases in this database."),
    ] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where bad rows go.")] = None,
) -> None:
    """One object per report: holdings with banks, cash-outs, hops and freeze orders."""
    started = time.perf_counter()
    if out.suffix not in (".json", ".jsonl"):
        raise InvalidInput(f"{out}: --out must end in .json or .jsonl")
    with RejectSink(rejects_path(out, rejects)) as sink:
        with console.status("reading and indexing the transfer history"):
            history = load_history(connect(), transfers, reports, accounts, sink)
        bank_of = bank_resolver(history.banks)
        store = _case_store(db)
        results = []
        totals = {"loss": 0, "held": 0, "cashed_out": 0, "orders": 0}
        with Progress(
            TextColumn("[bold]tracing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("reports", total=len(history.reports))
            for report in history.reports:
                trace = trace_report(history.index, seed(report), rule, bank_of, TraceLimits())
                if store is None:
                    orders = orders_from_trace(
                        trace,
                        case_id_for(report),
                        legal_basis,
                        report.ts,
                        KAZAKHSTAN,
                        int(min_freeze * 100),
                    )
                else:
                    orders = _file(store, report, trace, legal_basis, int(min_freeze * 100))
                results.append(trace_summary(trace, orders, hops))
                totals["loss"] += trace.loss
                totals["held"] += trace.held
                totals["cashed_out"] += trace.cashed_out
                totals["orders"] += len(orders)
                bar.advance(task)
        _write(results, out)
        console.print(
            f"traced {len(results):,} reports over {len(history.index):,} transfers: loss "
            f"{tenge(totals['loss'])} ₸, held {tenge(totals['held'])} ₸, cashed out "
            f"{tenge(totals['cashed_out'])} ₸; {totals['orders']:,} freeze orders"
        )
        summary("trace funds", sink, len(results), started, out)


def _case_store(db: str | None) -> CaseService | None:
    return None if db is None else CaseService(open_database(db), KAZAKHSTAN)


def _file(
    store: CaseService, report: ReportRecord, trace: Trace, legal_basis: str, min_amount: int
) -> list[FreezeOrder]:
    """File the report as a case, record its trace, issue the orders (none when nothing is
    held). A case an earlier run filed keeps its trace and orders: a re-run issues none."""
    case = store.open_case(CLI, report, at=report.ts)
    if any(e.kind is EventKind.ORDER_ISSUED for e in case.events):
        return list(store.get_case(CLI, case.case_id, at=report.ts).orders)
    store.record_trace(CLI, case.case_id, trace, at=report.ts)
    if not any(h.amount >= max(min_amount, 1) for h in trace.holdings):
        return []
    return list(store.issue_orders(CLI, case.case_id, legal_basis, report.ts, min_amount))


def _write(results: list[dict[str, object]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    else:
        text = json.dumps(results, ensure_ascii=False, indent=1) + "\n"
    out.write_text(text, "utf-8")
