"""Cases: victim reports, traces, freeze orders and their items, returns, timeline, notes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qorgan.store.sql.db import UtcDateTime

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], name=f"fk_{table}_case_id_cases")


def _order_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["order_id"], ["freeze_orders.order_id"], name=f"fk_{table}_order_id_freeze_orders"
    )


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("filed_by", sa.String(100), nullable=False),
        sa.Column("filed_bank", sa.String(50), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
    )
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_table(
        "reports",
        sa.Column("report_id", sa.String(100), nullable=False),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("ts", UtcDateTime(), nullable=False),
        sa.Column("victim_account", sa.String(34), nullable=False),
        sa.Column("victim_phone", sa.String(20), nullable=True),
        sa.Column("fraud_type", sa.String(32), nullable=False),
        sa.Column("transfer_ids", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("filed_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name="pk_reports"),
        _case_fk("reports"),
    )
    op.create_index("ix_reports_case_id", "reports", ["case_id"])
    op.create_index("ix_reports_victim_account", "reports", ["victim_account"])
    op.create_table(
        "traces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("report_id", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("loss", sa.BigInteger(), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("cashed_out", sa.BigInteger(), nullable=False),
        sa.Column("unresolved", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_traces"),
        _case_fk("traces"),
    )
    op.create_index("ix_traces_case_id", "traces", ["case_id"])
    op.create_table(
        "freeze_orders",
        sa.Column("order_id", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("bank", sa.String(50), nullable=False),
        sa.Column("legal_basis", sa.String(300), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("release_reason", sa.String(20), nullable=True),
        sa.Column("history", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_freeze_orders"),
        _case_fk("freeze_orders"),
    )
    for column in ("case_id", "bank", "expires_at", "state"):
        op.create_index(f"ix_freeze_orders_{column}", "freeze_orders", [column])
    op.create_table(
        "freeze_items",
        sa.Column("order_id", sa.String(200), nullable=False),
        sa.Column("account", sa.String(34), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount_ordered", sa.BigInteger(), nullable=False),
        sa.Column("amount_blocked", sa.BigInteger(), nullable=True),
        sa.Column("amount_returned", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "account", name="pk_freeze_items"),
        _order_fk("freeze_items"),
    )
    op.create_table(
        "returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(200), nullable=False),
        sa.Column("account", sa.String(34), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("to_account", sa.String(34), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("sanction", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_returns"),
        _order_fk("returns"),
    )
    op.create_index("ix_returns_order_id", "returns", ["order_id"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("bank", sa.String(50), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
        _case_fk("case_events"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notes"),
        _case_fk("notes"),
    )
    op.create_index("ix_notes_case_id", "notes", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_notes_case_id", table_name="notes")
    op.drop_table("notes")
    op.drop_index("ix_case_events_case_id", table_name="case_events")
    op.drop_table("case_events")
    op.drop_index("ix_returns_order_id", table_name="returns")
    op.drop_table("returns")
    op.drop_table("freeze_items")
    for column in ("state", "expires_at", "bank", "case_id"):
        op.drop_index(f"ix_freeze_orders_{column}", table_name="freeze_orders")
    op.drop_table("freeze_orders")
    op.drop_index("ix_traces_case_id", table_name="traces")
    op.drop_table("traces")
    op.drop_index("ix_reports_victim_account", table_name="reports")
    op.drop_index("ix_reports_case_id", table_name="reports")
    op.drop_table("reports")
    op.drop_index("ix_cases_status", table_name="cases")
    op.drop_table("cases")
