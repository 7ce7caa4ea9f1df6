"""Alerts: detectors' decisions queued for the agencies, keyset-paged by id.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qorgan.store.sql.db import UtcDateTime

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("queue", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("region", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("bank", sa.String(50), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("queue", "source_id", name="uq_alerts_queue_source_id"),
    )
    op.create_index("ix_alerts_queue_id", "alerts", ["queue", "id"])
    op.create_index("ix_alerts_queue_status_id", "alerts", ["queue", "status", "id"])
    op.create_index("ix_alerts_queue_bank_id", "alerts", ["queue", "bank", "id"])
    op.create_index("ix_alerts_subject", "alerts", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_alerts_subject", table_name="alerts")
    op.drop_index("ix_alerts_queue_bank_id", table_name="alerts")
    op.drop_index("ix_alerts_queue_status_id", table_name="alerts")
    op.drop_index("ix_alerts_queue_id", table_name="alerts")
    op.drop_table("alerts")
