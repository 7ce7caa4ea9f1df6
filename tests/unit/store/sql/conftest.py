"""Fixtures of the relational store's tests: a session on the shared ``database`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from qorgan.store.sql.db import Database


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session on a fresh database of each engine, committed at the end of the test."""
    with database.session() as session:
        yield session
