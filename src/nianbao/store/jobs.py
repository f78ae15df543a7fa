"""The web app's upload jobs, so that a job's page works from any worker process and after a restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from .schema import JobRow

if TYPE_CHECKING:
    from .store import Store


def add(
    store: Store, job_id: str, owner: str, owner_id: int | None, worker: str, items: list[dict[str, Any]]
) -> None:
    with store.session() as s:
        s.add(JobRow(id=job_id, owner=owner, owner_id=owner_id, status="queued", worker=worker, items=items))


def save(store: Store, job_id: str, status: str, error: str | None, items: list[dict[str, Any]]) -> None:
    """The job's progress; also its heartbeat (`updated_at`)."""
    with store.session() as s:
        s.execute(
            update(JobRow)
            .where(JobRow.id == job_id)
            .values(status=status, error=error, items=items, updated_at=datetime.now(UTC))
        )


def fail(row: JobRow, message: str) -> None:
    """Mark a job failed, with its unfinished files (inside `check_unfinished`'s transaction)."""
    row.status, row.error = "failed", message
    row.items = [
        {**i, "status": "error", "error": message} if i.get("status") in ("waiting", "running") else i
        for i in row.items or []
    ]
    row.updated_at = datetime.now(UTC)


def check_unfinished(store: Store, is_gone: Callable[[JobRow], bool], message: str) -> int:
    """Fail every queued or running job `is_gone` says has lost its process; returns how many."""
    n = 0
    with store.session() as s:
        for row in s.scalars(select(JobRow).where(JobRow.status.in_(("queued", "running")))):
            if is_gone(row):
                fail(row, message)
                n += 1
    return n


def get(
    store: Store, job_id: str, is_gone: Callable[[JobRow], bool] | None = None, message: str = ""
) -> JobRow | None:
    """A job; an unfinished one `is_gone` says has lost its process is failed first."""
    with store.session() as s:
        row = s.get(JobRow, job_id)
        if row is not None and row.status in ("queued", "running") and is_gone is not None and is_gone(row):
            fail(row, message)
        return row
