"""The database: migrations make exactly the models' schema, timestamps come back aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from qorgan.store.sql.base import Base
from qorgan.store.sql.db import Database, UtcDateTime, load_tables, normalise_url


def test_migrated_schema_equals_the_models(database: Database) -> None:
    load_tables()
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrations_reach_the_newest_revision(database: Database) -> None:
    with database.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    assert revision is not None
    assert revision >= "0002"


def test_upgrading_twice_changes_nothing(database: Database) -> None:
    database.upgrade()
    with database.session() as session:
        heads = session.execute(text("select count(*) from audit_head")).scalar_one()
    assert heads == 1


def test_timestamps_come_back_aware_and_in_utc(database: Database) -> None:
    almaty = datetime(2026, 3, 2, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5)))
    column = UtcDateTime()
    bound = column.process_bind_param(almaty, database.engine.dialect)
    assert bound is not None
    back = column.process_result_value(bound, database.engine.dialect)
    assert back == almaty
    assert back is not None
    assert back.tzinfo is UTC


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(datetime(2026, 3, 2), Database().engine.dialect)


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_enforces_foreign_keys(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fk.db'}")
    db.upgrade()
    try:
        with db.engine.connect() as connection:
            assert connection.execute(text("pragma foreign_keys")).scalar_one() == 1
            assert connection.execute(text("pragma journal_mode")).scalar_one() == "wal"
    finally:
        db.dispose()
