"""Ingested files, by content hash: a file is stored once however many runs or processes see it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Table, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..model import Report
from . import reports as report_repo
from .bulk import OrganCache, write_batch
from .db import clean, insert_ignore
from .schema import Document, FindingRow, Organ, Region, ReportRow

if TYPE_CHECKING:
    from .store import Store


@dataclass
class DocumentRecord:
    """One ingested file for `record_documents`."""

    sha256: str
    path: str
    size: int
    report: Report | None = None
    error: str | None = None
    format: str | None = None


def known_hashes(store: Store) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(Document.sha256)))


def _store_one(s: Session, item: DocumentRecord) -> tuple[int, bool]:
    """(document id, whether this call added it). ON CONFLICT: a concurrent writer's row wins."""
    stmt = insert_ignore(cast(Table, Document.__table__), s.get_bind().dialect.name, ["sha256"]).returning(
        Document.id
    )
    new_id = s.execute(
        stmt,
        {
            "sha256": item.sha256,
            "path": clean(item.path),
            "size": item.size,
            "format": item.format or (item.report.format if item.report else None),
            "status": "ok" if item.report is not None else "error",
            "error": clean(item.error),
        },
    ).scalar()
    if new_id is None:
        existing = s.scalar(select(Document.id).where(Document.sha256 == item.sha256))
        assert existing is not None
        return existing, False
    if item.report is not None:
        report_repo.insert(s, item.report, document_id=new_id)
    return new_id, True


def record_document(store: Store, item: DocumentRecord) -> int:
    """Store one ingested file with its report (or its error) in one transaction.

    Idempotent by content hash: a file already stored returns its existing id untouched.
    """
    for attempt in range(3):
        try:
            with store.session() as s:
                return _store_one(s, item)[0]
        except IntegrityError:
            # another process created the same organ or region between our look-up and insert
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def record_documents(
    store: Store, items: Sequence[DocumentRecord], organ_cache: OrganCache | None = None
) -> list[int]:
    """Store several ingested files in one transaction (fewer commits for large batches).

    All or none of the batch is committed, so a killed run still stores every file exactly
    once; on a concurrent conflict the batch falls back to one transaction per file. The rows
    go in bulk (`bulk.write_batch`); `organ_cache` keeps an ingest run's organ resolutions.
    """
    try:
        return write_batch(store, items, organ_cache)
    except IntegrityError:
        return [record_document(store, i) for i in items]


def documents(store: Store, status: str | None = None) -> list[Document]:
    with store.session() as s:
        q = select(Document).order_by(Document.id)
        if status:
            q = q.where(Document.status == status)
        return list(s.scalars(q))


def forget_errors(store: Store, starting_with: Sequence[str] = ()) -> int:
    """Drop the records of files that failed, so that the next ingest tries them again.

    `starting_with`: only errors whose text starts with one of these (a worker pool's failure,
    not the file's own); empty: every error.
    """
    cond = [Document.status == "error"]
    if starting_with:
        cond.append(or_(*(Document.error.startswith(p, autoescape=True) for p in starting_with)))
    with store.session() as s:
        return cast(CursorResult[Any], s.execute(delete(Document).where(*cond))).rowcount or 0


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:

        def n(model: type, *where: object) -> int:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]

        return {
            "documents": n(Document),
            "errors": n(Document, Document.status == "error"),
            "reports": n(ReportRow),
            "organs": n(Organ),
            "regions": n(Region),
            "findings": n(FindingRow),
        }
