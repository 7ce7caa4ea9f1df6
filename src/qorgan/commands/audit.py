"""``qorgan audit verify``: check that the audit trail's hash chain is whole."""

from __future__ import annotations

import typer

from qorgan.commands.db import DbOption, open_database
from qorgan.store.sql.audit import verify_audit
from qorgan.store.sql.db import DEFAULT_URL

app = typer.Typer(help="The audit trail.", no_args_is_help=True)

TAMPERED = 7
"""Exit code when the chain is broken."""


@app.command("verify")
def verify(db: DbOption = DEFAULT_URL) -> None:
    """Walk the chain; exit 0 when whole, else 7 naming the first tampered entry and why."""
    database = open_database(db)
    try:
        with database.session() as session:
            verdict = verify_audit(session)
    finally:
        database.dispose()
    if verdict.ok:
        typer.echo(f"audit verify: {verdict.entries:,} entries checked, chain intact")
        return
    typer.echo(
        f"audit verify: TAMPERED at seq {verdict.first_bad_seq}: {verdict.reason} "
        f"({verdict.entries:,} entries before it are intact)",
        err=True,
    )
    raise typer.Exit(TAMPERED)
