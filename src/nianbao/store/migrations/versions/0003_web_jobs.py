"""web app: upload jobs in the database

Revision ID: 0003_web_jobs
Revises: 0002_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_web_jobs"
down_revision = "0002_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["web_users.id"], name=op.f("fk_web_jobs_owner_id_web_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_jobs")),
    )
    op.create_index(op.f("ix_web_jobs_owner_id"), "web_jobs", ["owner_id"], unique=False)
    op.create_index(op.f("ix_web_jobs_status"), "web_jobs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("web_jobs")
