"""Fixtures shared by every tier: a migrated relational database on SQLite and on PostgreSQL.

``database`` is parametrised: each test that asks for it runs twice, ids ``sqlite`` (a copy
of a file migrated once) and ``postgresql`` (a database on a throwaway server started from
Debian's binaries, migrated once per session and emptied before each test: other sessions
ended, every table truncated, the migrations' rows put back). Either way a test starts on an
empty database at the newest schema, for a file copy or a ``TRUNCATE``, not a migration.

Without PostgreSQL's binaries the ``postgresql`` cases are skipped, unless
``QORGAN_REQUIRE_POSTGRES=1`` (CI), which makes them fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, text

from qorgan.store.sql.db import Database


def _pg_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres() -> list[str]:
    """The prefix that runs a command as the ``postgres`` user when we are root (it refuses
    to run as root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    return ["su", "postgres", "-s", "/bin/sh", "-c"]  # pragma: no cover (no util-linux)


def _run(command: list[str]) -> None:
    prefix = _as_postgres()
    if prefix and prefix[0] == "su":  # pragma: no cover
        command = [" ".join(command)]
    result = subprocess.run(prefix + command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr or result.stdout}")


@dataclass(frozen=True)
class PostgresServer:
    """A throwaway PostgreSQL server reached over a Unix socket."""

    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def execute(self, sql: str) -> None:
        import psycopg

        conninfo = f"host={self.socket_dir} port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (skipped, or failed under CI, without one)."""
    bindir = _pg_bindir()
    if bindir is None:
        reason = "PostgreSQL binaries (initdb, pg_ctl) not found; apt-get install postgresql"
        if os.environ.get("QORGAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (QORGAN_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="qorgan-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
    port = _free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "--no-sync", "-E", "UTF8", "--locale=C"])  # fmt: skip
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options,
              "-w", "start"])  # fmt: skip
    except RuntimeError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield PostgresServer(sockets, port)
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class PostgresDatabase:
    """One database migrated once per session, emptied before each test.

    Attributes:
        url: where it is.
        admin: a database object kept open to empty it.
        tables: every table but Alembic's, parents first.
        seeds: the rows the migrations inserted (the audit head), put back after emptying.
    """

    url: str
    admin: Database
    tables: tuple[Table, ...]
    seeds: dict[str, list[dict[str, object]]]

    def reset(self) -> None:
        """Back to the state right after the migrations: other sessions ended, rows gone."""
        names = ", ".join(f'"{t.name}"' for t in self.tables)
        with self.admin.engine.begin() as connection:
            connection.execute(
                text("select pg_terminate_backend(pid) from pg_stat_activity "
                     "where datname = current_database() and pid <> pg_backend_pid()")
            )  # fmt: skip
            connection.execute(text(f"truncate {names} restart identity cascade"))
            for table in self.tables:
                if self.seeds[table.name]:
                    connection.execute(table.insert(), self.seeds[table.name])


@pytest.fixture(scope="session")
def postgres_database(postgres_server: PostgresServer) -> Iterator[PostgresDatabase]:
    """A database on the server, migrated to head once for the session."""
    name = f"qorgan_test_{os.getpid()}"
    postgres_server.execute(f"CREATE DATABASE {name}")
    admin = Database(postgres_server.url(name))
    admin.upgrade()
    metadata = MetaData()
    metadata.reflect(admin.engine)
    tables = tuple(t for t in metadata.sorted_tables if t.name != "alembic_version")
    with admin.engine.connect() as connection:
        seeds = {
            t.name: [dict(row._mapping) for row in connection.execute(t.select())] for t in tables
        }
    try:
        yield PostgresDatabase(admin.url, admin, tables, seeds)
    finally:
        admin.dispose()
        postgres_server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, to copy each test's database from."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    template = Database(f"sqlite:///{path}")
    template.upgrade()
    template.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database migrated to the newest schema, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "qorgan.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
    else:
        shared: PostgresDatabase = request.getfixturevalue("postgres_database")
        shared.reset()
        db = Database(shared.url)
    db.upgrade()  # a no-op at head; marks the object migrated
    try:
        yield db
    finally:
        db.dispose()
