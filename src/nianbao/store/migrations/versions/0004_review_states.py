"""reviewer's desk: the review state of each report (未审 / 已审 / 待整改) and superseded versions

Revision ID: 0004_review_states
Revises: 0003_web_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_review_states"
down_revision = "0003_web_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_states",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_review_states_report_id_reports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["reports.id"],
            name=op.f("fk_review_states_superseded_by_reports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_review_states")),
    )
    op.create_index(op.f("ix_review_states_state"), "review_states", ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("review_states")
