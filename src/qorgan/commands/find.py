"""``qorgan find simboxes``: the SIM cards that act as gateways, grouped by box."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from qorgan.commands.common import console, rejects_path, summary
from qorgan.core.errors import InvalidInput
from qorgan.core.rejects import RejectSink
from qorgan.store.columnar import stage
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
