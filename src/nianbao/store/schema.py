"""The database schema, one definition for SQLite and PostgreSQL.

Cells are stored long (one row per report and canonical key): the keys come from
`nianbao.templates`, so a new template year needs no schema change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so that Alembic migrations are identical on both back ends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("name", "parent_id", name="uq_regions_name_parent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    level: Mapped[str | None] = mapped_column(String(20))  # 省 / 市 / 县 / 乡镇
    code: Mapped[str | None] = mapped_column(String(20))  # 行政区划代码 when a CSV supplies it
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))


# NULL parents are distinct in the constraint above; two top-level regions of one name are not
Index("uq_regions_name_parent0", Region.name, func.coalesce(Region.parent_id, 0), unique=True)


class Organ(Base):
    __tablename__ = "organs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # normalised identity
    name: Mapped[str] = mapped_column(String(200))  # canonical display name
    kind: Mapped[str | None] = mapped_column(String(20))  # 政府 / 部门 / 乡镇 / 街道 / 其他
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # a consolidated-level organ (e.g. 洪泽区人民政府) owns the region's units for 逐级汇总
    aliases: Mapped[list[OrganAlias]] = relationship(back_populates="organ", cascade="all, delete-orphan")


class OrganAlias(Base):
    __tablename__ = "organ_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)  # normalised spelling
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)  # set by `nianbao organs link`
    organ: Mapped[Organ] = relationship(back_populates="aliases")


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), index=True)  # ok / error
    error: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_organ_year", "organ_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True
    )
    source: Mapped[str | None] = mapped_column(Text)
    organ: Mapped[str | None] = mapped_column(String(200))  # as printed
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(200))  # as printed / extracted
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    template: Mapped[str | None] = mapped_column(String(10))
    table_templates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tables_present: Mapped[list[str]] = mapped_column(JSON, default=list)
    published: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(20))
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    consolidated: Mapped[bool] = mapped_column(Boolean, default=False)  # a 汇总 report
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CellRow(Base):
    __tablename__ = "cells"
    __table_args__ = (UniqueConstraint("report_id", "key", name="uq_cells_report_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    raw: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(20), default="read")
    label: Mapped[str | None] = mapped_column(Text)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # SQL NULL: no decode


class FindingRow(Base):
    __tablename__ = "findings"
    # concurrent writers insert with ON CONFLICT DO NOTHING on this: a finding is stored once
    __table_args__ = (Index("uq_findings_report_fingerprint", "report_id", "fingerprint", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50), index=True)
    severity: Mapped[str] = mapped_column(String(10), index=True)
    message: Mapped[str] = mapped_column(Text)
    cells: Mapped[list[str]] = mapped_column(JSON, default=list)
    where: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scope: Mapped[str] = mapped_column(String(10), default="report")  # report / corpus
    other_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)
    accepted_by: Mapped[str | None] = mapped_column(String(100))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fingerprint: Mapped[str | None] = mapped_column(String(40))  # findings.fingerprint() of the content


class CellEdit(Base):
    __tablename__ = "cell_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    who: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- the web app's tables (migrations 0002, 0003, 0005) ---------------------------------------
class User(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin / reviewer / writer
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))  # reviewer scope
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.id"))  # writer scope
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "web_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class Draft(Base):
    __tablename__ = "web_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # a writer.ReportData dump
    created_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JobRow(Base):
    """An upload job, so that its page works after a restart and from any worker process."""

    __tablename__ = "web_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # queued / running / done / failed
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # per-file results
    error: Mapped[str | None] = mapped_column(Text)  # why the whole job failed
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid:token of the process running it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # heartbeat


class Throttle(Base):
    """A login-attempt counter (per account, per client, per both), updated atomically in SQL."""

    __tablename__ = "web_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)  # attempts in the current window
    reset_at: Mapped[float] = mapped_column(Float)  # epoch seconds when the window (or lock) ends
    strikes: Mapped[int] = mapped_column(Integer, default=0)  # lock-outs so far: the back-off doubles
