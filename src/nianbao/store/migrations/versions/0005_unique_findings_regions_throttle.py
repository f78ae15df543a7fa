"""store: findings unique by content, one parentless region per name, login throttle counters

Concurrent ingests must not duplicate findings: each finding gets a fingerprint of its content
and (report, fingerprint) is unique, so writers insert with ON CONFLICT DO NOTHING. Regions were
unique by (name, parent) only, which lets two processes add the same top-level region (NULL
parents are distinct): the unique index now covers COALESCE(parent_id, 0). Existing duplicates
are merged first. `web_throttle` counts login attempts per account and per client atomically.

Revision ID: 0005_store_unique
Revises: 0004_review_states
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0005_store_unique"
down_revision = "0004_review_states"
branch_labels = None
depends_on = None


def _fingerprint(scope, code, cells, where, message, other):
    text = json.dumps(
        [scope, code, list(cells or []), where, message, other], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _merge_region(conn, regions, keep: int, drop: int) -> None:
    """Fold region `drop` into `keep`: same-named children merge too, references move over."""
    kept = dict(
        conn.execute(sa.select(regions.c.name, regions.c.id).where(regions.c.parent_id == keep)).all()
    )
    for child, name in conn.execute(
        sa.select(regions.c.id, regions.c.name).where(regions.c.parent_id == drop)
    ).all():
        if name in kept:
            _merge_region(conn, regions, kept[name], child)
        else:
            conn.execute(sa.update(regions).where(regions.c.id == child).values(parent_id=keep))
    for table, column in (("organs", "region_id"), ("reports", "region_id"), ("web_users", "region_id")):
        t = sa.table(table, sa.column(column, sa.Integer))
        conn.execute(sa.update(t).where(t.c[column] == drop).values({column: keep}))
    conn.execute(sa.delete(regions).where(regions.c.id == drop))


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(length=40), nullable=True))
    findings = sa.table(
        "findings",
        sa.column("id", sa.Integer),
        sa.column("report_id", sa.Integer),
        sa.column("scope", sa.String),
        sa.column("code", sa.String),
        sa.column("cells", sa.JSON),
        sa.column("where", sa.Text),
        sa.column("message", sa.Text),
        sa.column("other_report_id", sa.Integer),
        sa.column("fingerprint", sa.String),
    )
    seen: set[tuple[int, str]] = set()
    duplicates: list[int] = []
    rows = conn.execute(
        sa.select(
            findings.c.id,
            findings.c.report_id,
            findings.c.scope,
            findings.c.code,
            findings.c.cells,
            findings.c.where,
            findings.c.message,
            findings.c.other_report_id,
        ).order_by(findings.c.id)
    ).all()
    updates = []
    for fid, rid, scope, code, cells, where, message, other in rows:
        fp = _fingerprint(scope, code, cells, where, message, other)
        if (rid, fp) in seen:
            duplicates.append(fid)
            continue
        seen.add((rid, fp))
        updates.append({"fid": fid, "fp": fp})
    for i in range(0, len(duplicates), 500):
        conn.execute(sa.delete(findings).where(findings.c.id.in_(duplicates[i : i + 500])))
    if updates:
        conn.execute(
            sa.update(findings)
            .where(findings.c.id == sa.bindparam("fid"))
            .values(fingerprint=sa.bindparam("fp")),
            updates,
        )
    op.create_index("uq_findings_report_fingerprint", "findings", ["report_id", "fingerprint"], unique=True)

    # merge parentless regions of the same name (a race between two first ingests)
    regions = sa.table("regions", sa.column("id", sa.Integer), sa.column("name"), sa.column("parent_id"))
    groups: dict[str, list[int]] = {}
    for rid, name in conn.execute(
        sa.select(regions.c.id, regions.c.name).where(regions.c.parent_id.is_(None)).order_by(regions.c.id)
    ):
        groups.setdefault(name, []).append(rid)
    for ids in groups.values():
        for drop in ids[1:]:
            _merge_region(conn, regions, ids[0], drop)
    op.create_index(
        "uq_regions_name_parent0",
        "regions",
        ["name", sa.text("coalesce(parent_id, 0)")],
        unique=True,
    )

    op.create_table(
        "web_throttle",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("reset_at", sa.Float(), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_web_throttle")),
    )


def downgrade() -> None:
    op.drop_table("web_throttle")
    op.drop_index("uq_regions_name_parent0", table_name="regions")
    op.drop_index("uq_findings_report_fingerprint", table_name="findings")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("fingerprint")
