"""``qorgan db upgrade``: the relational store migrated to the newest schema.

``--db`` (or ``QORGAN_DATABASE_URL``) names the database: ``sqlite:///qorgan.db`` by default,
``postgresql+psycopg://user@host/db`` at scale.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from qorgan.store.sql.db import DEFAULT_URL, Database

DbOption = Annotated[
    str,
    typer.Option(
        "--db", envvar="QORGAN_DATABASE_URL", help="Database URL (SQLite file or PostgreSQL)."
    ),
]

app = typer.Typer(help="The relational store.", no_args_is_help=True)


def open_database(url: str) -> Database:
    """The database at ``url``, migrated to the newest schema."""
    database = Database(url)
    database.upgrade()
    return database


@app.command("upgrade")
def upgrade(db: DbOption = DEFAULT_URL) -> None:
    """Create or migrate the schema to the newest revision."""
    started = time.perf_counter()
    database = Database(db)
    try:
        database.upgrade()
    finally:
        database.dispose()
    seconds = time.perf_counter() - started
    typer.echo(f"db upgrade: {database!r} at the newest schema, {seconds:.1f} s")
