"""The shared indicator registry: indicators, their sources and evidence links.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        _at("first_seen"),
        _at("last_seen"),
        _at("status_at"),
        _at("changed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_indicators"),
        sa.UniqueConstraint("kind", "value", name="uq_indicators_kind_value"),
    )
    op.create_index("ix_indicators_value", "indicators", ["value"])
    op.create_index("ix_indicators_status", "indicators", ["status"])
    op.create_index("ix_indicators_changed_at", "indicators", ["changed_at"])
    op.create_table(
        "indicator_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        _at("at"),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_sources"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            ondelete="CASCADE",
            name="fk_indicator_sources_indicator_id_indicators",
        ),
        sa.UniqueConstraint("indicator_id", "source", name="uq_indicator_sources_indicator_source"),
    )
    op.create_table(
        "indicator_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_evidence"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            ondelete="CASCADE",
            name="fk_indicator_evidence_indicator_id_indicators",
        ),
        sa.UniqueConstraint("indicator_id", "link", name="uq_indicator_evidence_indicator_link"),
    )


def downgrade() -> None:
    op.drop_table("indicator_evidence")
    op.drop_table("indicator_sources")
    op.drop_index("ix_indicators_changed_at", table_name="indicators")
    op.drop_index("ix_indicators_status", table_name="indicators")
    op.drop_index("ix_indicators_value", table_name="indicators")
    op.drop_table("indicators")
