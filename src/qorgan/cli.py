"""The ``qorgan`` command: typer groups over the same services the API uses.

Every command prints a one-line summary and exits with a code from ``EXIT_CODES``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from qorgan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, QorganError, Unavailable

EXIT_CODES: dict[type[QorganError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    Conflict: 4,
    PermissionDenied: 5,
    Unavailable: 6,
}

app = typer.Typer(help="Qorgan: Kazakhstan's shared anti-fraud platform.", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)


def _exit_code(error: QorganError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return 1


def _run_simulation(out: Path, seed: int, scale: str, profile: str, fmt: str) -> dict[str, int]:
    from qorgan.sim.world import simulate  # noqa: PLC0415 (keeps `qorgan --help` fast)

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

        summary = simulate(out, seed=seed, scale=scale, profile=profile, fmt=fmt, progress=progress)
    rows = dict(summary.rows)
    typer.echo(
        f"simulate: seed {seed}, scale {scale}, profile {profile}: "
        f"{sum(v for k, v in rows.items() if '/' not in k):,} records in {len(rows)} tables, "
        f"0 rejected, {summary.seconds:.1f} s -> {out}"
    )
    return rows


@app.command()
def simulate(
    out: Annotated[Path, typer.Option(help="Directory to write the feeds and truth/ into.")],
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives byte-identical files.")] = 1,
    scale: Annotated[str, typer.Option(help="small (<1 min), medium (~10M calls), large (a national day).")] = "small",
    profile: Annotated[str, typer.Option(help="default, or shifted: a world to evaluate on.")] = "default",
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv for the tabular feeds.")] = "parquet",
) -> None:
    """Write a synthetic Kazakhstan: every feed of CONTRACTS.md plus truth/."""
    if scale not in ("small", "medium", "large"):
        raise typer.BadParameter(f"unknown scale {scale!r}; expected small, medium or large", param_hint="--scale")
    if profile not in ("default", "shifted"):
        raise typer.BadParameter(f"unknown profile {profile!r}; expected default or shifted", param_hint="--profile")
    if fmt not in ("parquet", "csv"):
        raise typer.BadParameter(f"unknown format {fmt!r}; expected parquet or csv", param_hint="--format")
    _run_simulation(out, seed, scale, profile, fmt)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where the demo world is written.")] = Path("demo-world"),
    seed: Annotated[int, typer.Option()] = 7,
) -> None:
    """Simulate a small country and show what it holds (grows into the full platform)."""
    rows = _run_simulation(out, seed, "small", "default", "parquet")
    table = Table(title=f"Qorgan demo world ({out})")
    table.add_column("feed or truth table")
    table.add_column("rows", justify="right")
    for name, count in sorted(rows.items()):
        table.add_row(name, f"{count:,}")
    Console().print(table)
    Console().print(_story(out))


def _story(out: Path) -> str:
    import duckdb  # noqa: PLC0415

    truth = out / "truth"
    con = duckdb.connect()
    fraud_calls = con.sql(f"select count(*) from '{truth}/calls.parquet' where fraud").fetchone()
    boxes = con.sql(f"select count(*), sum(slots) from '{truth}/simboxes.parquet'").fetchone()
    sims = con.sql(f"select count(*) from '{truth}/simbox_sims.parquet'").fetchone()
    victims = con.sql(f"select count(*), sum(loss), count(report_id) from '{truth}/victims.parquet'").fetchone()
    droppers = con.sql(f"select count(*) from '{truth}/droppers.parquet'").fetchone()
    held = con.sql(f"select kind, sum(amount) from '{truth}/holdings.parquet' group by kind order by kind").fetchall()
    assert fraud_calls and boxes and sims and victims and droppers  # noqa: S101 (queries always return a row)
    lines = [
        f"{fraud_calls[0]:,} fraud calls; {boxes[0]} SIM-boxes with {boxes[1]} slots burnt through {sims[0]} SIMs",
        f"{victims[0]:,} victims lost {victims[1]:,.0f} ₸; {victims[2]} reported; {droppers[0]} dropper accounts",
        "at report time the reported money sat in: " + ", ".join(f"{k} {v:,.0f} ₸" for k, v in held),
    ]
    return "\n".join(lines)


def main() -> None:
    """Entry point: maps Qorgan errors to exit codes in one place."""
    try:
        app()
    except QorganError as error:
        console.print(f"[red]error:[/red] {error}")
        sys.exit(_exit_code(error))
