"""Alembic migrations of the relational store, hand-written, with fixed revision ids.

Run by :meth:`qorgan.store.sql.db.Database.upgrade` (or ``qorgan db upgrade``); the folder
ships inside the package, so no ``alembic.ini`` is needed.
"""
