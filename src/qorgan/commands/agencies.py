"""``qorgan agencies add|list``: the agencies that call the API, and their keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from qorgan.commands.db import DbOption, open_database
from qorgan.core.roles import Role
from qorgan.store.sql.agencies import create_agency, issue_key, list_agencies
from qorgan.store.sql.audit import append_audit
from qorgan.store.sql.db import DEFAULT_URL

app = typer.Typer(help="Agencies and their API keys.", no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Option(help="Unique short name: kaspi, beeline, afc ...")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(Role)}.")],
    bank: Annotated[
        str | None, typer.Option(help="For a bank: its code in the accounts feed (KASPI).")
    ] = None,
    bank_code: Annotated[
        list[str] | None, typer.Option(help="For a bank: a bank code inside its IBANs (repeat).")
    ] = None,
    db: DbOption = DEFAULT_URL,
) -> None:
    """Add an agency and print its API key: shown this once, stored only as a hash."""
    database = open_database(db)
    try:
        with database.session() as session:
            agency = create_agency(session, name, role, bank, tuple(bank_code or ()))
            key = issue_key(session, agency)
            append_audit(session, actor=None, action="agency.create", subject_kind="agency",
                         subject_id=agency.name, detail={"role": agency.role})  # fmt: skip
    finally:
        database.dispose()
    typer.echo(key)
    Console(stderr=True).print(
        f"agencies add: {name} ({role}) added; the key above is shown once, keep it secret"
    )


@app.command("list")
def list_(db: DbOption = DEFAULT_URL) -> None:
    """Every agency, its role, bank and how many live keys it has."""
    database = open_database(db)
    try:
        with database.session() as session:
            table = Table(title="agencies")
            for column in ("name", "role", "bank", "keys", "disabled"):
                table.add_column(column)
            agencies = list_agencies(session)
            for agency in agencies:
                live = sum(1 for k in agency.keys if k.revoked_at is None)
                table.add_row(agency.name, agency.role, agency.bank or "", str(live),
                              "yes" if agency.disabled else "")  # fmt: skip
    finally:
        database.dispose()
    Console().print(table)
    typer.echo(f"agencies list: {len(agencies)} agencies")
