"""Many ingested files written in one transaction, in bulk: what `record_documents` does file by
file, with a handful of statements per batch instead of a dozen per report.

The rows are those `documents._store_one` and `reports.insert` write, column for column (the JSON
columns serialised as SQLAlchemy's JSON type does, with `json.dumps`): the documents, reports and
findings go through SQLAlchemy Core as one multi-row INSERT … RETURNING each; the cells, most of
the data, straight to the driver (`executemany` on SQLite, `COPY` on PostgreSQL). A printed
organ is resolved once per run: `OrganCache` remembers the ids of organs whose rows are committed.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ..document import Provenance
from ..identity import identify
from . import findings as finding_repo
from . import organs as organ_repo
from .db import clean, insert_ignore
from .schema import CellRow, Document, FindingRow, ReportRow

if TYPE_CHECKING:
    from .documents import DocumentRecord
    from .store import Store

_CELL_COLUMNS = ("report_id", "key", "value", "raw", "method", "label", "provenance")


@dataclass
class OrganCache:
    """Printed (organ, region) → (organ id, region id), for one ingest run.

    Only resolutions whose rows are committed are kept: `pending` holds those made in the open
    transaction, `commit()` keeps them, `rollback()` forgets them.
    """

    known: dict[tuple[str | None, str | None], tuple[int | None, int | None]] = field(default_factory=dict)
    pending: dict[tuple[str | None, str | None], tuple[int | None, int | None]] = field(default_factory=dict)

    def get(self, key: tuple[str | None, str | None]) -> tuple[int | None, int | None] | None:
        return self.known.get(key) or self.pending.get(key)

    def commit(self) -> None:
        self.known.update(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


def write_batch(store: Store, items: Sequence[DocumentRecord], cache: OrganCache | None = None) -> list[int]:
    """Store the files of `items` in one transaction; their document ids, in order.

    As `record_documents`: idempotent by content hash (a file already stored keeps its row and
    its report is not written again), all or nothing. Raises IntegrityError when a concurrent
    writer got in the way; the caller then falls back to one transaction per file.
    """
    cache = cache if cache is not None else OrganCache()
    try:
        with store.session() as s:
            ids = _write(s, items, cache)
    except BaseException:
        cache.rollback()
        raise
    cache.commit()
    return ids


def _write(s: Session, items: Sequence[DocumentRecord], cache: OrganCache) -> list[int]:
    conn = s.connection()
    dialect = conn.dialect.name
    # 1. the documents; a row another process stored first is left as it is
    doc_rows = [
        {
            "sha256": it.sha256,
            "path": clean(it.path),
            "size": it.size,
            "format": it.format or (it.report.format if it.report else None),
            "status": "ok" if it.report is not None else "error",
            "error": clean(it.error),
        }
        for it in items
    ]
    stmt = insert_ignore(cast(Table, Document.__table__), dialect, ["sha256"]).returning(
        Document.id, Document.sha256
    )
    added = {sha: doc_id for doc_id, sha in conn.execute(stmt, doc_rows)}
    missing = [it.sha256 for it in items if it.sha256 not in added]
    existing = (
        dict(s.execute(select(Document.sha256, Document.id).where(Document.sha256.in_(missing))).all())
        if missing
        else {}
    )
    # 2. the reports of the documents this batch added (a file given twice: its first record,
    # as one transaction per file would do)
    new, taken = [], set()
    for it in items:
        if it.sha256 in added and it.sha256 not in taken:
            taken.add(it.sha256)
            if it.report is not None:
                new.append((it, added[it.sha256]))
    if new:
        report_rows = [_report_row(s, it, doc_id, cache) for it, doc_id in new]
        stmt_r = (
            cast(Table, ReportRow.__table__).insert().returning(ReportRow.id, sort_by_parameter_order=True)
        )
        report_ids = [rid for (rid,) in conn.execute(stmt_r, report_rows)]
        # 3. cells, straight to the driver
        cells = [
            (
                rid,
                key,
                None if c.value is None else float(c.value),
                c.raw if c.raw is None or "\x00" not in c.raw else clean(c.raw),
                c.method,
                c.label if c.label is None or "\x00" not in c.label else clean(c.label),
                _provenance_json(c.prov) if c.prov else None,
            )
            for (it, _), rid in zip(new, report_ids, strict=True)
            for key, c in it.report.cells.items()  # type: ignore[union-attr]
        ]
        _insert_cells(s, dialect, cells)
        # 4. findings, one multi-row insert
        rows = [
            finding_repo.row_values(rid, f, "report")
            for (it, _), rid in zip(new, report_ids, strict=True)
            for f in it.report.findings  # type: ignore[union-attr]
        ]
        if rows:
            conn.execute(
                insert_ignore(cast(Table, FindingRow.__table__), dialect, ["report_id", "fingerprint"]), rows
            )
    return [added.get(it.sha256) or existing[it.sha256] for it in items]


_ENCODER = json.JSONEncoder()  # json.dumps with its defaults, as SQLAlchemy's JSON type writes
_FIELDS = Provenance.__slots__
_VALUES = operator.attrgetter(*_FIELDS)


def _provenance_json(prov: Provenance) -> str:
    """`json.dumps(clean(prov.to_dict()))`, in fewer steps (it runs for every cell)."""
    d = {k: v for k, v in zip(_FIELDS, _VALUES(prov), strict=True) if v is not None}
    if "bbox" in d or "confidence" in d:
        d = prov.to_dict()  # numpy numbers from a reader become Python ones there
    text = _ENCODER.encode(d)
    return _ENCODER.encode(clean(d)) if "\\u0000" in text else text


def _report_row(s: Session, item: DocumentRecord, document_id: int, cache: OrganCache) -> dict[str, Any]:
    report = item.report
    assert report is not None
    organ, region = clean(report.organ), clean(report.region)
    found = cache.get((organ, region))
    if found is None:
        ident = identify(organ, region)
        found = organ_repo.resolve(s, ident) if ident else (None, None)
        cache.pending[(organ, region)] = found
    organ_id, region_id = found
    from .reports import _section_dict

    return {
        "document_id": document_id,
        "source": clean(report.source),
        "organ": organ,
        "organ_id": organ_id,
        "region": region,
        "region_id": region_id,
        "year": report.year,
        "template": report.template,
        "table_templates": dict(report.table_templates),
        "tables_present": sorted(report.tables_present),
        "published": clean(report.published),
        "title": clean(report.title),
        "format": report.format,
        "sections": clean([_section_dict(x) for x in report.sections]),
        "consolidated": False,
    }


def _insert_cells(s: Session, dialect: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    raw = s.connection().connection.driver_connection
    table = CellRow.__tablename__
    columns = ", ".join(_CELL_COLUMNS)
    if dialect == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(_CELL_COLUMNS))
    cur = raw.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    finally:
        cur.close()
