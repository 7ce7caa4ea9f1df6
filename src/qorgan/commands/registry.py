"""``qorgan registry load|show``: findings into the shared registry, and what it knows of a value.

``load`` takes the output of ``qorgan find droppers`` / ``find simboxes`` (or any table with a
value column and a ``score``) and asserts each row as a claim of ``--source``: a second load of
the same file changes nothing.
"""

from __future__ import annotations

import getpass
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from qorgan.commands.db import DbOption, open_database
from qorgan.core.errors import InvalidInput, InvalidValue, NotFound
from qorgan.core.ports import IndicatorKind
from qorgan.core.roles import Principal, Role
from qorgan.registry import Claim, Indicator, normalise
from qorgan.store.sql.db import DEFAULT_URL
from qorgan.store.sql.registry import SqlRegistry

app = typer.Typer(help="The shared indicator registry.", no_args_is_help=True)
console = Console(stderr=True)

VALUE_COLUMNS = {IndicatorKind.IBAN: "account", IndicatorKind.IMSI: "imsi"}
"""The value column of a findings file by kind (``value`` for the others)."""
TRANSFERS_PER_ROW = 10


def _rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a .csv, .parquet, .json (an array) or .jsonl file."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.suffix == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list):
            raise InvalidInput(f"{path}: expected a JSON array of objects")
        return rows
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_table(path).to_pylist())
    if path.suffix == ".csv":
        import pyarrow.csv as pcsv

        return list(pcsv.read_csv(path).to_pylist())
    raise InvalidInput(f"{path}: expected .csv, .parquet, .json or .jsonl")


def _when(raw: object, fallback: datetime) -> datetime:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo is not None else raw.replace(tzinfo=UTC)
    if isinstance(raw, str) and raw:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return fallback


def _claim(row: dict[str, Any], kind: IndicatorKind, column: str, source: str,
           now: datetime) -> Claim:  # fmt: skip
    value = row.get(column)
    if value in (None, ""):
        raise InvalidValue(f"{kind.value}: empty {column}")
    at = _when(row.get("window_start"), now)
    evidence = [f"finding:{source}:{at.date().isoformat()}"]
    transfers = row.get("transfers")
    if isinstance(transfers, str) and transfers.startswith("["):
        evidence += [f"transfer:{t}" for t in json.loads(transfers)[:TRANSFERS_PER_ROW]]
    score = float(row.get("score") or 0.5)
    return Claim(kind, normalise(kind, str(value)), source, min(max(score, 0.0), 1.0), at,
                 evidence=tuple(evidence))  # fmt: skip


@app.command("load")
def load(
    findings: Annotated[Path, typer.Option(help="Findings: .csv, .parquet, .json or .jsonl.")],
    kind: Annotated[IndicatorKind, typer.Option(help="What the values identify.")],
    source: Annotated[str, typer.Option(help="Who found them: dropper_finder, simbox_finder.")],
    column: Annotated[
        str | None, typer.Option(help="The value column (default: account, imsi or value).")
    ] = None,
    db: DbOption = DEFAULT_URL,
) -> None:
    """Assert every finding as a suspected indicator of ``--source`` (idempotent)."""
    started = time.perf_counter()
    column = column or VALUE_COLUMNS.get(kind, "value")
    rows = _rows(findings)
    now = datetime.now(UTC)
    claims, rejected = [], 0
    for number, row in enumerate(rows, start=1):
        try:
            claims.append(_claim(row, kind, column, source, now))
        except (InvalidValue, ValueError) as error:
            rejected += 1
            if rejected <= 5:
                console.print(f"{findings}: row {number}: {error}")
    database = open_database(db)
    try:
        changed = SqlRegistry(database).assert_many(claims)
    finally:
        database.dispose()
    typer.echo(
        f"registry load: read {len(rows):,}, rejected {rejected:,}, produced {len(changed):,} "
        f"new or changed indicators, {time.perf_counter() - started:.1f} s -> {database!r}"
    )


def _describe(indicator: Indicator) -> str:
    sources = ", ".join(f"{a.source} ({a.confidence:.2f})" for a in indicator.sources)
    return (
        f"{indicator.kind.value} {indicator.value}: {indicator.status.value}, confidence "
        f"{indicator.confidence:.2f}, seen {indicator.first_seen:%Y-%m-%d} to "
        f"{indicator.last_seen:%Y-%m-%d}\n  sources: {sources}\n"
        f"  evidence: {', '.join(indicator.evidence) or '-'}"
    )


@app.command("show")
def show(
    value: Annotated[str, typer.Argument(help="The value: a number, IBAN, wallet, domain ...")],
    kind: Annotated[
        IndicatorKind | None, typer.Option(help="Its kind (default: every kind it can be).")
    ] = None,
    db: DbOption = DEFAULT_URL,
) -> None:
    """What the registry knows of a value (the read is written to the audit log)."""
    reader = Principal(f"cli:{getpass.getuser()}", Role.ADMIN)
    kinds = [kind] if kind is not None else list(IndicatorKind)
    database = open_database(db)
    found = []
    try:
        registry = SqlRegistry(database)
        for candidate in kinds:
            try:
                found.append(registry.read(reader, candidate, value))
            except (InvalidValue, NotFound):
                continue
    finally:
        database.dispose()
    if not found:
        raise NotFound(f"the registry knows nothing of {value!r}")
    for indicator in found:
        typer.echo(_describe(indicator))
