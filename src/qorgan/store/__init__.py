"""Storage adapters: relational (SQLite default, PostgreSQL) and columnar (DuckDB).

Contract: may import ``qorgan.core`` and the domain packages, never the edges (api, web,
cli). Empty until the first issue that persists results.
"""
