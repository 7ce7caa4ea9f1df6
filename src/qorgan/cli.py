"""The ``qorgan`` command: typer groups over the same services the API uses.

Every command prints a one-line summary and exits with a code from ``EXIT_CODES``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from qorgan.commands import agencies, audit, db, find, registry, screen, trace, train
from qorgan.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    QorganError,
    Unavailable,
)

if TYPE_CHECKING:
    from qorgan.telecom.passport import PassportVerifier

EXIT_CODES: dict[type[QorganError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    Conflict: 4,
    PermissionDenied: 5,
    Unavailable: 6,
}

app = typer.Typer(
    help="Qorgan: Kazakhstan's shared anti-fraud platform.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(screen.app, name="screen")
app.add_typer(train.app, name="train")
app.add_typer(find.app, name="find")
app.add_typer(db.app, name="db")
app.add_typer(agencies.app, name="agencies")
app.add_typer(audit.app, name="audit")
app.add_typer(registry.app, name="registry")
app.add_typer(trace.app, name="trace")
console = Console(stderr=True)


def _exit_code(error: QorganError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return 1


def _run_simulation(out: Path, seed: int, scale: str, profile: str, fmt: str) -> dict[str, int]:
    from qorgan.sim.world import simulate

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

        summary = simulate(out, seed=seed, scale=scale, profile=profile, fmt=fmt, progress=progress)
    typer.echo(
        f"simulate: seed {seed}, scale {scale}, profile {profile}: read 0, rejected 0, "
        f"produced {sum(summary.rows.values()):,} records in {len(summary.rows)} feeds "
        f"(+ {len(summary.truth)} truth tables), {summary.seconds:.1f} s -> {out}"
    )
    return {**summary.rows, **{f"truth/{k}": v for k, v in summary.truth.items()}}


@app.command()
def simulate(
    out: Annotated[Path, typer.Option(help="Directory to write the feeds and truth/ into.")],
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives byte-identical files.")] = 1,
    scale: Annotated[
        str, typer.Option(help="small (<1 min), medium (~10M calls), large (a national day).")
    ] = "small",
    profile: Annotated[
        str, typer.Option(help="default, or shifted: a world to evaluate on.")
    ] = "default",
    fmt: Annotated[
        str, typer.Option("--format", help="parquet or csv for the tabular feeds.")
    ] = "parquet",
) -> None:
    """Write a synthetic Kazakhstan: every feed of CONTRACTS.md plus truth/."""
    if scale not in ("small", "medium", "large"):
        raise typer.BadParameter(
            f"unknown scale {scale!r}; expected small, medium or large", param_hint="--scale"
        )
    if profile not in ("default", "shifted"):
        raise typer.BadParameter(
            f"unknown profile {profile!r}; expected default or shifted", param_hint="--profile"
        )
    if fmt not in ("parquet", "csv"):
        raise typer.BadParameter(
            f"unknown format {fmt!r}; expected parquet or csv", param_hint="--format"
        )
    _run_simulation(out, seed, scale, profile, fmt)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where the demo world is written.")] = Path(
        "demo-world"
    ),
    seed: Annotated[int, typer.Option()] = 7,
    db: Annotated[
        str | None,
        typer.Option(
            help="Database to fill, recreated each run (default sqlite:///OUT/qorgan.db)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address the console listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port of the console.")] = 8000,
    serve: Annotated[bool, typer.Option(help="Serve the console when built.")] = True,
    reset: Annotated[
        bool, typer.Option(help="Empty a --db that already holds tables (never the default).")
    ] = False,
) -> None:
    """Simulate a small country, run every detector, file the cases, serve the console."""
    from qorgan.commands.demo import build_demo
    from qorgan.core.errors import Conflict

    url = db or f"sqlite:///{out.resolve() / 'qorgan.db'}"
    try:  # the default database lives in OUT: the demo owns it and rebuilds it each run
        summary = build_demo(out, seed, url, report=console.print, reset=reset or db is None)
    except Conflict as error:
        raise typer.BadParameter(str(error), param_hint="--db") from None
    Console().print(_story(out))
    table = Table(title=f"Qorgan demo ({out}, {summary.seconds:.0f} s)")
    table.add_column("what")
    table.add_column("how many", justify="right")
    for queue, count in summary.alerts.items():
        table.add_row(f"alerts: {queue}", f"{count:,}")
    table.add_row("cases", f"{summary.cases:,}")
    for state, count in summary.orders.items():
        table.add_row(f"freeze orders: {state}", f"{count:,}")
    table.add_row("frozen, ₸", f"{summary.frozen / 100:,.2f}")
    table.add_row("returned to victims, ₸", f"{summary.returned / 100:,.2f}")
    table.add_row("alerts decided by the analyst", f"{summary.decided:,}")
    Console().print(table)
    bank = next(k for k in summary.keys if k.principal.bank)
    typer.echo(f"console: http://{host}:{port}/console")
    typer.echo(f"analyst key (afc): {summary.key_of('afc')}")
    typer.echo(f"bank key ({bank.agency}): {bank.key}")
    typer.echo(f"all keys: {summary.keys_path}; database: {summary.database_url}")
    if serve:
        import uvicorn

        from qorgan.api.app import ApiSettings, create_app

        settings = ApiSettings(database_url=url, transfers=out / "transfers.parquet",
                               accounts=out / "accounts.parquet", roaming=out / "roaming.parquet",
                               decision_log=out / "decisions.jsonl")  # fmt: skip
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _story(out: Path) -> str:
    import duckdb

    truth = out / "truth"

    def one(query: str) -> tuple[Any, ...]:
        row = duckdb.execute(query.replace("@", str(truth))).fetchone()
        return row if row is not None else (0, 0, 0)

    calls = one("select count(*) from '@/calls.parquet' where fraud")[0]
    boxes, slots = one("select count(*), sum(slots) from '@/simboxes.parquet'")[:2]
    sims = one("select count(*) from '@/simbox_sims.parquet'")[0]
    victims, lost, reported = one(
        "select count(*), sum(loss), count(report_id) from '@/victims.parquet'"
    )
    droppers = one("select count(*) from '@/droppers.parquet'")[0]
    held = duckdb.execute(
        f"select kind, sum(amount) from '{truth}/holdings.parquet' group by kind order by kind"
    ).fetchall()
    return "\n".join(
        [
            f"{calls:,} fraud calls; {boxes} SIM-boxes ({slots} slots) burnt {sims} SIMs",
            f"{victims:,} victims lost {lost:,.0f} ₸, {reported} reported; {droppers} droppers",
            "at report time the reported money sat in: "
            + ", ".join(f"{kind} {amount:,.0f} ₸" for kind, amount in held),
        ]
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    accounts: Annotated[
        Path | None, typer.Option(help="Accounts feed: holders' phones, opening dates, kinds.")
    ] = None,
    roaming: Annotated[Path | None, typer.Option(help="Roaming feed: who is abroad.")] = None,
    transfers: Annotated[
        Path | None,
        typer.Option(help="Transfers feed: reports filed at /v1/reports are traced through it."),
    ] = None,
    db: Annotated[
        str,
        typer.Option(envvar="QORGAN_DATABASE_URL", help="Registry, cases and audit database."),
    ] = "sqlite:///qorgan.db",
    decision_log: Annotated[Path, typer.Option(help="Every decision, one JSON line each.")] = Path(
        "qorgan-decisions.jsonl"
    ),
) -> None:
    """The real-time HTTP API: payments scored before confirmation, calls screened at set-up.

    OpenAPI at ``/docs`` and ``/openapi.json``.
    """
    import uvicorn

    from qorgan.api.app import ApiSettings, create_app

    settings = ApiSettings(accounts=accounts, roaming=roaming, decision_log=decision_log,
                           transfers=transfers, database_url=db)  # fmt: skip
    console.print(f"serve: http://{host}:{port}/docs, decisions -> {decision_log}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
def sip(
    host: Annotated[str, typer.Option(help="Address to listen on, UDP and TCP.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port, the same for UDP and TCP.")] = 5060,
    roaming: Annotated[Path | None, typer.Option(help="Roaming feed: who is abroad.")] = None,
    trust: Annotated[
        Path | None,
        typer.Option(
            help="STIR/SHAKEN trust store: a folder with roots/*.pem, intermediates/*.pem and "
            "certificates.json mapping each x5u URL to a PEM file in the folder."
        ),
    ] = None,
) -> None:
    """A SIP screening redirect server: 302 lets a call on, 603 or 608 blocks it.

    One decision line per INVITE goes to stdout; diagnostics go to stderr. Without
    ``--trust`` Identity headers are not verified (no verstat is added).
    """
    import logging
    from contextlib import suppress
    from typing import cast

    from qorgan.core.readers import read_all
    from qorgan.core.records import RoamingRecord
    from qorgan.sipfront import DecisionLog, SipSettings, run
    from qorgan.telecom.roaming import RoamingIndex
    from qorgan.telecom.screening import CallScreener

    settings = SipSettings(host=host, port=port)
    index = None
    if roaming is not None:
        records, stats = read_all(roaming, "roaming")
        index = RoamingIndex(cast(list[RoamingRecord], records))
        console.print(f"sip: roaming read {stats.rows:,}, rejected {stats.rejected:,}")
    passports = _trust_store(trust) if trust is not None else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    screener = CallScreener(roaming=index, passports=passports)
    with suppress(KeyboardInterrupt):
        run(settings, screener, decisions=DecisionLog(sys.stdout))
    console.print(f"sip: stopped listening on {host}:{port}")


def _trust_store(folder: Path) -> PassportVerifier:
    """A verifier over the trust store laid out in ``folder`` (see ``qorgan sip --help``)."""
    import json

    from qorgan.telecom.certs import TrustStore
    from qorgan.telecom.passport import PassportVerifier

    index = folder / "certificates.json"
    if not folder.is_dir() or not index.is_file():
        raise InvalidInput(f"{folder}: a trust store needs a certificates.json (x5u -> PEM file)")
    try:
        certificates = {url: folder / name for url, name in json.loads(index.read_text()).items()}
    except (ValueError, AttributeError) as error:
        raise InvalidInput(
            f"{index}: not a JSON object of x5u URL -> file name: {error}"
        ) from error
    store = TrustStore(
        roots=sorted((folder / "roots").glob("*.pem")),
        intermediates=sorted((folder / "intermediates").glob("*.pem")),
        certificates=certificates,
    )
    console.print(f"sip: STIR/SHAKEN trust store with {len(certificates)} certificate(s)")
    return PassportVerifier(store)


def main() -> None:
    """Entry point: maps Qorgan errors to exit codes in one place."""
    try:
        app()
    except QorganError as error:
        console.print(f"[red]error:[/red] {error}")
        sys.exit(_exit_code(error))
