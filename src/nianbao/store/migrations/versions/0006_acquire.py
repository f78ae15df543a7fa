"""acquire: 报送进度 per unit and year (nianbao watch) and what was fetched from where (nianbao fetch)

Revision ID: 0006_acquire
Revises: 0005_store_unique
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_acquire"
down_revision = "0005_store_unique"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "acquire_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_key", sa.String(length=400), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("organ", sa.String(length=200), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("column_url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.String(length=10), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("published_source", sa.String(length=40), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("report_url", sa.Text(), nullable=True),
        sa.Column("page_url", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("evidence_path", sa.Text(), nullable=True),
        sa.Column("evidence_offset", sa.BigInteger(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organ_id"], ["organs.id"], name=op.f("fk_acquire_status_organ_id_organs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_acquire_status_region_id_regions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_acquire_status_report_id_reports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acquire_status")),
        sa.UniqueConstraint("unit_key", "year", name="uq_acquire_status_unit_year"),
    )
    op.create_index(op.f("ix_acquire_status_year"), "acquire_status", ["year"], unique=False)
    op.create_index(op.f("ix_acquire_status_state"), "acquire_status", ["state"], unique=False)
    op.create_index(op.f("ix_acquire_status_region_id"), "acquire_status", ["region_id"], unique=False)
    op.create_index(op.f("ix_acquire_status_organ_id"), "acquire_status", ["organ_id"], unique=False)
    op.create_table(
        "acquire_fetches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("published_source", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=True),
        sa.Column("evidence_path", sa.Text(), nullable=True),
        sa.Column("evidence_offset", sa.BigInteger(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acquire_fetches")),
        sa.UniqueConstraint("sha256", "url", name="uq_acquire_fetches_sha256_url"),
    )
    op.create_index(op.f("ix_acquire_fetches_sha256"), "acquire_fetches", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_table("acquire_fetches")
    op.drop_table("acquire_status")
