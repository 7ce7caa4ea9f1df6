"""``qorgan find simboxes|droppers``: suspects over a feed's history.

``simboxes``: the SIM cards that act as gateways, grouped by box. ``droppers``: the bank
accounts that act as money mules, with the transfers that make them suspicious.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from qorgan.banking.dropper_features import WINDOWS as DROPPER_WINDOWS
from qorgan.banking.dropper_model import DropperModel
from qorgan.commands.common import console, rejects_path, summary
from qorgan.core.errors import InvalidInput
from qorgan.core.rejects import RejectSink
from qorgan.store.columnar import stage
from qorgan.store.droppers import DropperRun
from qorgan.store.droppers import write_findings as write_droppers
from qorgan.store.simboxes import SimBoxRun, connect, write_findings
from qorgan.telecom.simbox_features import WINDOWS
from qorgan.telecom.simboxes import SimBoxModel

app = typer.Typer(help="Find suspects over a feed's history.", no_args_is_help=True)


@app.command("simboxes")
def simboxes(
    calls_file: Annotated[Path, typer.Option("--calls", help="Calls feed (.csv, .parquet).")],
    out: Annotated[Path, typer.Option(help="Suspected SIMs: .csv, .parquet, .json or .jsonl.")],
    sms_file: Annotated[
        Path | None, typer.Option("--sms", help="SMS feed: SIMs that never text look less human.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="Model from `qorgan train simboxes`; rules only without it."),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(help=f"Feature window: {', '.join(WINDOWS)} (default: the model's, or week)."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Score from which a SIM is reported (default: 0.5 with a model, else "
            "the rules' flag score)."
        ),
    ] = None,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 6GB (spills to disk beyond).")
    ] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where bad rows go.")] = None,
) -> None:
    """One row per suspected SIM: ``imsi, score, box``, plus its number, reasons and evidence."""
    started = time.perf_counter()
    loaded = SimBoxModel.load(model) if model is not None else None
    if loaded is not None and window is not None and window != loaded.window:
        raise InvalidInput(f"{model}: trained on {loaded.window} windows, not {window}")
    window = window or (loaded.window if loaded is not None else "week")
    if window not in WINDOWS:
        raise InvalidInput(f"--window {window}: expected one of {', '.join(WINDOWS)}")
    if threshold is None and loaded is not None:
        threshold = 0.5  # the calibrated probability of a box SIM
    db = connect(memory_limit)
    with RejectSink(rejects_path(out, rejects)) as sink:
        with console.status("reading calls"):
            stage(db, calls_file, "calls", "calls", sink)
            if sms_file is not None:
                stage(db, sms_file, "sms", "sms", sink)
        run = SimBoxRun(db, window, sms_file is not None, model=loaded, flag_at=threshold)
        with console.status(f"scoring SIMs over {window} windows"):
            scored = run.score()
            findings = run.findings()
        write_findings(findings, out)
        boxes = len({f.box for f in findings})
        console.print(f"scored {scored:,} SIMs; {len(findings):,} suspected in {boxes:,} boxes")
        summary("find simboxes", sink, len(findings), started, out)


@app.command("droppers")
def droppers(
    transfers: Annotated[Path, typer.Option(help="Transfers feed (.csv, .parquet).")],
    out: Annotated[Path, typer.Option(help="Suspected accounts: .csv, .parquet, .json or .jsonl.")],
    accounts: Annotated[
        Path | None, typer.Option(help="Accounts feed: opening dates tell fresh accounts.")
    ] = None,
    reports: Annotated[
        Path | None,
        typer.Option(help="Victim reports: accounts that received reported fraud transfers."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="Model from `qorgan train droppers`; rules only without it."),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            help=f"Feature window: {', '.join(DROPPER_WINDOWS)} (default: the model's, or week)."
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Score from which an account is reported (default: 0.5 with a model, else "
            "the rules' flag score)."
        ),
    ] = None,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 6GB (spills to disk beyond).")
    ] = None,
    rejects: Annotated[Path | None, typer.Option(help="Where bad rows go.")] = None,
) -> None:
    """One row per suspected account: ``account, score, reasons``, plus the transfers behind
    them and the evidence of each reason."""
    started = time.perf_counter()
    loaded = DropperModel.load(model) if model is not None else None
    if loaded is not None and window is not None and window != loaded.window:
        raise InvalidInput(f"{model}: trained on {loaded.window} windows, not {window}")
    window = window or (loaded.window if loaded is not None else "week")
    if window not in DROPPER_WINDOWS:
        raise InvalidInput(f"--window {window}: expected one of {', '.join(DROPPER_WINDOWS)}")
    db = connect(memory_limit)
    with RejectSink(rejects_path(out, rejects)) as sink:
        with console.status("reading transfers"):
            stage(db, transfers, "transfers", "transfers", sink)
            for path, feed in ((accounts, "accounts"), (reports, "reports")):
                if path is not None:
                    stage(db, path, feed, feed, sink)
        run = DropperRun(db, window, accounts is not None, reports is not None,
                         model=loaded, flag_at=threshold)  # fmt: skip
        with console.status(f"scoring accounts over {window} windows"):
            features = run.features()
            findings = run.findings(features)
        write_droppers(findings, out)
        scored = len(set(features.column("account").to_pylist()))
        console.print(f"scored {scored:,} accounts; {len(findings):,} suspected droppers")
        summary("find droppers", sink, len(findings), started, out)
