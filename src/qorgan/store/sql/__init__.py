"""Relational storage (SQLAlchemy 2, Alembic): the registry, cases, orders, agencies, audit.

SQLite by default (a file beside the work, nothing to install), PostgreSQL at scale; the same
repository tests run against both (``tests/unit/store/sql``).
"""
