"""One relational database: its engine, sessions, and migrations to the newest schema.

``Database(url)`` is cheap to build: nothing connects until the first session. SQLite is the
default (a file beside the work); ``postgresql+psycopg://user@host/db`` (or plain
``postgresql://``, read as psycopg 3) runs the same schema on PostgreSQL. The schema is made
only by the Alembic migrations shipped inside the package (:meth:`Database.upgrade`); no
``alembic.ini`` is needed.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

DEFAULT_URL = "sqlite:///qorgan.db"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every engine.

    PostgreSQL keeps ``timestamptz``; SQLite keeps text without an offset, so values are
    written as naive UTC and read back with ``tzinfo=UTC``. A naive datetime is refused:
    its zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} (expected an aware one)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def normalise_url(url: str) -> str:
    """``postgresql://`` read as psycopg 3 (the driver Qorgan ships), other URLs unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """A relational database Qorgan stores agencies, the audit log, the registry and cases in.

    Args:
        url: a SQLAlchemy URL (``sqlite:///qorgan.db``, ``postgresql+psycopg://...``).

    Attributes:
        url: the URL as used (``postgresql://`` rewritten for psycopg 3).
    """

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = normalise_url(url)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lock = threading.Lock()
        self._migrated = False

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> Engine:
        """The engine, made on first use."""
        return self._open()[0]

    def _open(self) -> tuple[Engine, sessionmaker[Session]]:
        with self._lock:
            if self._engine is None or self._sessions is None:
                self._engine = self._make_engine()
                self._sessions = sessionmaker(self._engine, expire_on_commit=False)
            return self._engine, self._sessions

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return make_url(self.url).get_backend_name()

    def _make_engine(self) -> Engine:
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True)
        if url.database in (None, "", ":memory:"):
            engine = create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed when the block ends, rolled back when it raises."""
        session = self._open()[1]()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema to ``revision`` (the newest by default)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        self._migrated = revision == "head"

    def migrated(self) -> Database:
        """This database, upgraded to the newest schema once per object (for servers)."""
        if not self._migrated:
            self.upgrade()
        return self

    def dispose(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
                self._sessions = None


def load_tables() -> None:
    """Import every module of :mod:`qorgan.store.sql`, so ``Base.metadata`` holds every table."""
    package = importlib.import_module("qorgan.store.sql")
    for module in pkgutil.iter_modules(package.__path__, "qorgan.store.sql."):
        importlib.import_module(module.name)
