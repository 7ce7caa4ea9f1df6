"""``qorgan screen calls|sms|payments``: replay feeds through the real-time screeners."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, cast

import typer

from qorgan.banking.droppers import to_registry
from qorgan.banking.payments import PaymentScorer
from qorgan.commands.common import load_all, rejects_path, stream, summary
from qorgan.core.ports import InMemoryCallContext, InMemoryIndicators
from qorgan.core.readers import read_feed
from qorgan.core.records import AccountRecord, CallRecord, RoamingRecord, SmsRecord, TransferRecord
from qorgan.core.rejects import RejectSink
from qorgan.engine.payments import PaymentFlow
from qorgan.store.droppers import read_findings
from qorgan.store.results import DecisionWriter
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener
from qorgan.telecom.smsfilter import SmsScreener
from qorgan.telecom.textmodel import TextModel

app = typer.Typer(
    help="Screen calls, SMS or payments as they happen, before they complete.",
    no_args_is_help=True,
)


@app.command("calls")
def calls(
    calls_file: Annotated[Path, typer.Option("--calls", help="Calls feed (.csv, .parquet).")],
    out: Annotated[Path, typer.Option(help="Decisions: .csv, .parquet, .json or .jsonl.")],
    roaming: Annotated[Path | None, typer.Option(help="Roaming feed: who is abroad.")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where bad rows go.")] = None,
) -> None:
    """One decision per call: ``call_id, action (allow|block|flag), score, reasons``."""
    started = time.perf_counter()
    with RejectSink(rejects_path(out, rejects)) as sink:
        index = load_all(
            roaming, "roaming", sink, lambda rs: RoamingIndex(cast(list[RoamingRecord], rs))
        )
        screener = CallScreener(roaming=index)
        with DecisionWriter(out, "call_id") as writer:
            for batch in stream(calls_file, "calls", sink, "screening calls"):
                writer.write(screener.screen_all(cast(list[CallRecord], batch)))
        summary("screen calls", sink, writer.rows, started, out)


@app.command("sms")
def sms(
    sms_file: Annotated[Path, typer.Option("--sms", help="SMS feed (.csv, .parquet).")],
    out: Annotated[Path, typer.Option(help="Decisions: .csv, .parquet, .json or .jsonl.")],
    model: Annotated[
        Path | None, typer.Option(help="Text model artefact (JSON); rules only without it.")
    ] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where bad rows go.")] = None,
) -> None:
    """One decision per message: ``sms_id, action (allow|block|flag), score, reasons``."""
    started = time.perf_counter()
    screener = SmsScreener(model=TextModel.load(model) if model is not None else None)
    with RejectSink(rejects_path(out, rejects)) as sink:
        with DecisionWriter(out, "sms_id") as writer:
            for batch in stream(sms_file, "sms", sink, "screening sms"):
                writer.write(screener.screen_all(cast(list[SmsRecord], batch)))
        summary("screen sms", sink, writer.rows, started, out)


@app.command("payments")
def payments(
    transfers: Annotated[Path, typer.Option(help="Transfers feed (.csv, .parquet).")],
    out: Annotated[Path, typer.Option(help="Decisions: .csv, .parquet, .json or .jsonl.")],
    accounts: Annotated[
        Path | None, typer.Option(help="Accounts feed: holders' phones, opening dates, kinds.")
    ] = None,
    calls: Annotated[
        Path | None, typer.Option(help="Calls feed: screened and replayed with the transfers.")
    ] = None,
    roaming: Annotated[
        Path | None, typer.Option(help="Roaming feed, for screening the calls.")
    ] = None,
    droppers: Annotated[
        Path | None,
        typer.Option(help="Suspected droppers from `qorgan find droppers`: payees to watch."),
    ] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where bad rows go.")] = None,
) -> None:
    """One decision per transfer: ``transfer_id, action (allow|hold|review), score, reasons``.

    Calls and transfers are replayed in event-time order, so each transfer sees only the calls
    before it; the payer's phone comes from ``--accounts``.
    """
    started = time.perf_counter()
    with RejectSink(rejects_path(out, rejects)) as sink:
        index = load_all(
            roaming, "roaming", sink, lambda rs: RoamingIndex(cast(list[RoamingRecord], rs))
        )
        book = load_all(
            accounts, "accounts", sink,
            lambda rs: {r.account: r for r in cast(list[AccountRecord], rs)},
        ) or {}  # fmt: skip
        context = InMemoryCallContext()
        registry = InMemoryIndicators()
        if droppers is not None:
            known = to_registry(read_findings(droppers), registry)
            typer.echo(f"screen payments: {known:,} suspected droppers in the registry")
        flow = PaymentFlow(
            PaymentScorer(
                accounts=book, context=context if calls is not None else None, indicators=registry
            ),
            CallScreener(roaming=index) if calls is not None else None,
            context,
        )
        the_calls: Iterator[CallRecord] = iter(())
        if calls is not None:
            batches = read_feed(calls, "calls", rejects=sink)
            the_calls = (cast(CallRecord, r) for batch in batches for r in batch)
        the_transfers = (
            cast(TransferRecord, r)
            for batch in stream(transfers, "transfers", sink, "scoring payments")
            for r in batch
        )
        with DecisionWriter(out, "transfer_id") as writer:
            writer.write(flow.replay(the_calls, the_transfers))
        summary("screen payments", sink, writer.rows, started, out)
        if calls is not None:
            typer.echo(f"screen payments: replayed {flow.calls_seen:,} calls beside the transfers")
