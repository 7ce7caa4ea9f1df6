"""``qorgan screen calls|sms``: replay a feed through the real-time screeners."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, cast

import typer

from qorgan.commands.common import load_all, rejects_path, stream, summary
from qorgan.core.records import CallRecord, RoamingRecord, SmsRecord
from qorgan.core.rejects import RejectSink
from qorgan.store.results import DecisionWriter
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener
from qorgan.telecom.smsfilter import SmsScreener
from qorgan.telecom.textmodel import TextModel

app = typer.Typer(help="Screen calls or SMS as the network would, at set-up.", no_args_is_help=True)


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
