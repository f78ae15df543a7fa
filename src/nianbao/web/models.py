"""Tables of the web app (accounts, sessions, audit log, drafts), on the store's metadata.

They are created by the store's Alembic migration `0002_web_accounts`, so `Store(url)` brings
them up to date like every other table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.schema import Base, utcnow

ROLES = ("admin", "reviewer", "writer")
ROLE_ZH = {"admin": "管理员", "reviewer": "审核人员", "writer": "填报人员"}


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


JOB_STATES = ("queued", "running", "done", "failed")


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
