"""`Store`: the corpus database behind ingest, the corpus rules, exports and the web app.

>>> store = Store("sqlite:///nianbao.db")          # or postgresql://… ; migrates on open
>>> rid = store.add_report(report)                   # a nianbao.Report
>>> [s.report.organ for s in store.load_reports(ReportFilter(year=2024))]
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..identity import OrganIdentity, identify, level_of, normalise_text
from ..document import Provenance
from ..findings import Finding, Severity
from ..model import CellValue, Report, Section
from ..templates import get_template
from . import migrate
from .schema import (
    CellEdit,
    CellRow,
    Document,
    FindingRow,
    Organ,
    OrganAlias,
    Region,
    ReportRow,
    utcnow,
)
from .url import normalise_url


@dataclass
class ReportFilter:
    """Which reports: every field that is set must match. `region` includes its sub-regions."""

    region: str | None = None
    year: int | None = None
    organ: str | None = None  # a printed or canonical name; any spelling of the organ matches
    organ_id: int | None = None
    severity: str | None = None  # reports with at least one finding of this severity or worse
    consolidated: bool | None = None
    ids: Sequence[int] | None = None
    limit: int | None = None  # paging, for the web app: in id order
    offset: int = 0


@dataclass
class DocumentRecord:
    """One ingested file for `Store.record_documents`."""

    sha256: str
    path: str
    size: int
    report: Report | None = None
    error: str | None = None
    format: str | None = None


@dataclass
class StoredReport:
    """A report read back from the store, with its database identity."""

    id: int
    report: Report
    organ_id: int | None = None
    organ_name: str | None = None  # canonical
    region_id: int | None = None
    region_name: str | None = None
    document_id: int | None = None
    consolidated: bool = False
    finding_ids: list[int] = field(default_factory=list)


class Store:
    def __init__(self, url: str | os.PathLike[str] | None = None, *, migrate_schema: bool = True) -> None:
        self.url = normalise_url(url)
        self.engine: Engine = _engine(self.url)
        if migrate_schema:
            migrate.upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    # --- documents (ingest) ---------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        with self.session() as s:
            return set(s.scalars(select(Document.sha256)))

    def record_document(
        self,
        sha256: str,
        path: str,
        size: int,
        report: Report | None = None,
        error: str | None = None,
        format: str | None = None,
    ) -> int:
        """Store one ingested file with its report (or its error) in one transaction.

        Idempotent by content hash: a file already stored returns its existing id untouched.
        """
        for attempt in range(3):
            try:
                with self.session() as s:
                    existing = s.scalar(select(Document.id).where(Document.sha256 == sha256))
                    if existing is not None:
                        return existing
                    doc = Document(
                        sha256=sha256,
                        path=path,
                        size=size,
                        format=format or (report.format if report else None),
                        status="ok" if report is not None else "error",
                        error=error,
                    )
                    s.add(doc)
                    s.flush()
                    if report is not None:
                        self._insert_report(s, report, document_id=doc.id)
                    return doc.id
            except IntegrityError:
                # another process stored the same content, or created the same organ or region,
                # between our check and insert: look again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def record_documents(self, items: Sequence[DocumentRecord]) -> list[int]:
        """Store several ingested files in one transaction (fewer commits for large batches).

        All or none of the batch is committed, so a killed run still stores every file exactly
        once; on a concurrent duplicate the batch falls back to one transaction per file.
        """
        try:
            with self.session() as s:
                hashes = [i.sha256 for i in items]
                found = s.execute(select(Document.sha256, Document.id).where(Document.sha256.in_(hashes)))
                existing = {sha: doc_id for sha, doc_id in found}
                ids = []
                for item in items:
                    if item.sha256 in existing:
                        ids.append(existing[item.sha256])
                        continue
                    doc = Document(
                        sha256=item.sha256,
                        path=item.path,
                        size=item.size,
                        format=item.format or (item.report.format if item.report else None),
                        status="ok" if item.report is not None else "error",
                        error=item.error,
                    )
                    s.add(doc)
                    s.flush()
                    if item.report is not None:
                        self._insert_report(s, item.report, document_id=doc.id)
                    existing[item.sha256] = doc.id
                    ids.append(doc.id)
                return ids
        except IntegrityError:
            return [
                self.record_document(i.sha256, i.path, i.size, i.report, i.error, i.format) for i in items
            ]

    def documents(self, status: str | None = None) -> list[Document]:
        with self.session() as s:
            q = select(Document).order_by(Document.id)
            if status:
                q = q.where(Document.status == status)
            return list(s.scalars(q))

    # --- reports --------------------------------------------------------------------------
    def add_report(self, report: Report, *, consolidated: bool = False) -> int:
        with self.session() as s:
            return self._insert_report(s, report, consolidated=consolidated)

    def delete_report(self, report_id: int) -> None:
        with self.session() as s:
            for model in (CellRow, FindingRow, CellEdit):
                s.execute(delete(model).where(model.report_id == report_id))
            s.execute(delete(ReportRow).where(ReportRow.id == report_id))

    def _insert_report(
        self, s: Session, report: Report, document_id: int | None = None, consolidated: bool = False
    ) -> int:
        ident = identify(report.organ, report.region)
        organ_id, region_id = self._resolve_organ(s, ident) if ident else (None, None)
        row = ReportRow(
            document_id=document_id,
            source=report.source,
            organ=report.organ,
            organ_id=organ_id,
            region=report.region,
            region_id=region_id,
            year=report.year,
            template=report.template,
            table_templates=dict(report.table_templates),
            tables_present=sorted(report.tables_present),
            published=report.published,
            title=report.title,
            format=report.format,
            sections=[
                {"key": x.key, "heading": x.heading, "number": x.number, "text": x.text}
                for x in report.sections
            ],
            consolidated=consolidated,
        )
        s.add(row)
        s.flush()
        cells = [
            {
                "report_id": row.id,
                "key": k,
                "value": None if c.value is None else float(c.value),
                "raw": c.raw,
                "method": c.method,
                "label": c.label,
                "provenance": c.prov.to_dict() if c.prov else None,
            }
            for k, c in report.cells.items()
        ]
        if cells:
            # Core executemany: the ORM bulk path costs more than the database for 200 rows
            s.connection().execute(CellRow.__table__.insert(), cells)
        self._insert_findings(s, row.id, report.findings, scope="report")
        return row.id

    def _insert_findings(
        self, s: Session, report_id: int, findings: Iterable[Finding], scope: str, other: int | None = None
    ) -> None:
        rows = [self._finding_row(report_id, f, scope, other) for f in findings]
        if rows:
            s.connection().execute(FindingRow.__table__.insert(), rows)

    @staticmethod
    def _finding_row(report_id: int, f: Finding, scope: str, other: int | None = None) -> dict[str, Any]:
        return {
            "report_id": report_id,
            "code": f.code,
            "severity": str(f.severity),
            "message": f.message,
            "cells": list(f.cells),
            "where": f.where,
            "data": _jsonable(f.data),
            "scope": scope,
            "other_report_id": other if other is not None else f.data.get("other_report_id"),
            "accepted": False,
        }

    def report_ids(self, flt: ReportFilter | None = None) -> list[int]:
        flt = flt or ReportFilter()
        with self.session() as s:
            q = self._filtered(s, flt).order_by(ReportRow.id)
            if flt.offset:
                q = q.offset(flt.offset)
            if flt.limit is not None:
                q = q.limit(flt.limit)
            return list(s.scalars(q))

    def count_reports(self, flt: ReportFilter | None = None) -> int:
        with self.session() as s:
            sub = self._filtered(s, flt or ReportFilter()).subquery()
            return s.scalar(select(func.count()).select_from(sub)) or 0

    def set_consolidated(self, report_id: int, consolidated: bool = True) -> None:
        """Mark a report as a consolidated (汇总) report, so AGG_MISMATCH checks it against its units."""
        with self.session() as s:
            s.execute(update(ReportRow).where(ReportRow.id == report_id).values(consolidated=consolidated))

    def forget_errors(self) -> int:
        """Drop the records of files that failed, so that the next ingest tries them again."""
        with self.session() as s:
            return s.execute(delete(Document).where(Document.status == "error")).rowcount or 0

    def reports(self, flt: ReportFilter | None = None, **kw: Any) -> list[StoredReport]:
        """Reports matching the filter, fully loaded (cells, findings, sections)."""
        if kw:
            flt = ReportFilter(**kw)
        return self.load_reports(self.report_ids(flt))

    def get_report(self, report_id: int) -> StoredReport:
        found = self.load_reports([report_id])
        if not found:
            raise KeyError(f"没有编号为 {report_id} 的报告")
        return found[0]

    def load_reports(
        self, ids: Sequence[int], cell_prefixes: Sequence[str] | None = None
    ) -> list[StoredReport]:
        """Reports by id, in that order. `cell_prefixes` loads only the cells whose keys start with
        one of them (corpus checks over 100,000 reports need a few cells each, not 200)."""
        out: list[StoredReport] = []
        with self.session() as s:
            regions = {r.id: r.name for r in s.scalars(select(Region))}
            for chunk in _chunks(list(ids), 500):
                rows = {r.id: r for r in s.scalars(select(ReportRow).where(ReportRow.id.in_(chunk)))}
                organs = {
                    o.id: o.name
                    for o in s.scalars(
                        select(Organ).where(Organ.id.in_({r.organ_id for r in rows.values() if r.organ_id}))
                    )
                }
                cells: dict[int, dict[str, CellValue]] = {i: {} for i in chunk}
                # plain rows, not ORM objects: a corpus check loads millions of cells
                cell_rows = s.execute(
                    select(
                        CellRow.report_id,
                        CellRow.key,
                        CellRow.value,
                        CellRow.raw,
                        CellRow.method,
                        CellRow.label,
                        CellRow.provenance,
                    )
                    .where(CellRow.report_id.in_(chunk), *_prefix_filter(cell_prefixes))
                    .order_by(CellRow.id)
                )
                for report_id, key, value, raw, method, label, prov in cell_rows:
                    # the value is coerced below, once the template is known
                    cells[report_id][key] = CellValue(
                        value, raw, Provenance(**prov) if prov else None, method, label
                    )
                findings: dict[int, list[tuple[int, Finding]]] = {i: [] for i in chunk}
                for f in s.scalars(
                    select(FindingRow).where(FindingRow.report_id.in_(chunk)).order_by(FindingRow.id)
                ):
                    data = dict(f.data or {})
                    data.setdefault("finding_id", f.id)
                    if f.accepted:
                        data["accepted"] = True
                    findings[f.report_id].append(
                        (
                            f.id,
                            Finding(
                                f.code, f.message, list(f.cells or []), f.where, Severity(f.severity), data
                            ),
                        )
                    )
                for rid in chunk:
                    r = rows.get(rid)
                    if r is None:
                        continue
                    report = Report(
                        source=r.source or "",
                        format=r.format,
                        organ=r.organ,
                        region=r.region,
                        year=r.year,
                        template=r.template,
                        table_templates=dict(r.table_templates or {}),
                        published=r.published,
                        title=r.title,
                        sections=[
                            Section(x.get("key"), x.get("heading", ""), x.get("number"), x.get("text", ""))
                            for x in (r.sections or [])
                        ],
                        cells=cells[rid],
                        tables_present=set(r.tables_present or []),
                        findings=[f for _, f in findings[rid]],
                    )
                    _coerce_values(report)
                    out.append(
                        StoredReport(
                            id=rid,
                            report=report,
                            organ_id=r.organ_id,
                            organ_name=organs.get(r.organ_id) if r.organ_id else None,
                            region_id=r.region_id,
                            region_name=regions.get(r.region_id) if r.region_id else None,
                            document_id=r.document_id,
                            consolidated=r.consolidated,
                            finding_ids=[i for i, _ in findings[rid]],
                        )
                    )
        order = {rid: n for n, rid in enumerate(ids)}
        out.sort(key=lambda x: order[x.id])
        return out

    def _filtered(self, s: Session, flt: ReportFilter):  # noqa: ANN202 - a Select
        q = select(ReportRow.id)
        if flt.ids is not None:
            q = q.where(ReportRow.id.in_(list(flt.ids)))
        if flt.year is not None:
            q = q.where(ReportRow.year == flt.year)
        if flt.consolidated is not None:
            q = q.where(ReportRow.consolidated == flt.consolidated)
        if flt.organ_id is not None:
            q = q.where(ReportRow.organ_id == flt.organ_id)
        if flt.organ:
            oid = self.find_organ(flt.organ, session=s)
            q = q.where(ReportRow.organ_id == oid if oid else ReportRow.organ == flt.organ)
        if flt.region:
            ids = self.region_ids(flt.region, session=s)
            q = q.where(ReportRow.region_id.in_(ids)) if ids else q.where(ReportRow.region == flt.region)
        if flt.severity:
            worse = [x.value for x in Severity if x.rank >= Severity(flt.severity).rank]
            q = q.where(
                ReportRow.id.in_(
                    select(FindingRow.report_id).where(
                        FindingRow.severity.in_(worse), FindingRow.accepted.is_(False)
                    )
                )
            )
        return q

    # --- findings -------------------------------------------------------------------------
    def findings(
        self, report_id: int | None = None, code: str | None = None, scope: str | None = None
    ) -> list[FindingRow]:
        with self.session() as s:
            q = select(FindingRow).order_by(FindingRow.id)
            if report_id is not None:
                q = q.where(FindingRow.report_id == report_id)
            if code:
                q = q.where(FindingRow.code == code)
            if scope:
                q = q.where(FindingRow.scope == scope)
            return list(s.scalars(q))

    def replace_corpus_findings(
        self,
        codes: Iterable[str],
        found: Iterable[tuple[int, Finding]],
        report_ids: Collection[int] | None = None,
    ) -> int:
        """Replace the corpus-scope findings of these codes, for `report_ids` (default: every report).

        A finding equal to an accepted one (same report, code and cells) stays accepted.
        """
        codes = list(codes)
        scope = [FindingRow.scope == "corpus", FindingRow.code.in_(codes)]
        with self.session() as s:
            batches = [None] if report_ids is None else list(_chunks(sorted(report_ids), 500))
            old: dict[tuple[int, str, tuple[str, ...]], FindingRow] = {}
            for batch in batches:
                cond = scope if batch is None else [*scope, FindingRow.report_id.in_(batch)]
                for f in s.scalars(select(FindingRow).where(*cond)):
                    old[(f.report_id, f.code, tuple(f.cells or []))] = f
                s.execute(delete(FindingRow).where(*cond))
            rows = []
            for rid, f in found:
                if report_ids is not None and rid not in report_ids:
                    continue
                row = self._finding_row(rid, f, "corpus")
                prev = old.get((rid, f.code, tuple(f.cells)))
                if prev is not None and prev.accepted:
                    row.update(
                        accepted=True,
                        comment=prev.comment,
                        accepted_by=prev.accepted_by,
                        accepted_at=prev.accepted_at,
                    )
                rows.append(row)
            if rows:
                s.execute(insert(FindingRow), rows)
            return len(rows)

    def replace_report_findings(self, report_id: int, findings: Iterable[Finding]) -> list[int]:
        """Replace a report's report-scope findings (after a correction); returns the new ids.

        As for the corpus findings, a finding equal to an accepted one (same code and cells) stays
        accepted with its comment, who and when.
        """
        cond = [FindingRow.report_id == report_id, FindingRow.scope == "report"]
        with self.session() as s:
            old = {(f.code, tuple(f.cells or [])): f for f in s.scalars(select(FindingRow).where(*cond))}
            s.execute(delete(FindingRow).where(*cond))
            ids = []
            for f in findings:
                row = self._finding_row(report_id, f, "report")
                prev = old.get((f.code, tuple(f.cells)))
                if prev is not None and prev.accepted:
                    row.update(
                        accepted=True,
                        comment=prev.comment,
                        accepted_by=prev.accepted_by,
                        accepted_at=prev.accepted_at,
                    )
                obj = FindingRow(**row)
                s.add(obj)
                s.flush()
                ids.append(obj.id)
            return ids

    def accept_finding(
        self, finding_id: int, who: str, comment: str | None = None, accepted: bool = True
    ) -> None:
        """The web app's "accept this finding" (with who, when and why)."""
        with self.session() as s:
            s.execute(
                update(FindingRow)
                .where(FindingRow.id == finding_id)
                .values(accepted=accepted, comment=comment, accepted_by=who, accepted_at=utcnow())
            )

    # --- corrections ----------------------------------------------------------------------
    def edit_cell(
        self, report_id: int, key: str, new_value: float | int | None, who: str | None = None
    ) -> None:
        """Correct a value; the original stays in `cell_edits`."""
        with self.session() as s:
            cell = s.scalar(select(CellRow).where(CellRow.report_id == report_id, CellRow.key == key))
            old = cell.value if cell else None
            if cell is None:
                s.add(CellRow(report_id=report_id, key=key, value=new_value, method="manual"))
            else:
                cell.value = None if new_value is None else float(new_value)
                cell.method = "manual"
            s.add(CellEdit(report_id=report_id, key=key, old_value=old, new_value=new_value, who=who))

    def cell_edits(self, report_id: int) -> list[CellEdit]:
        with self.session() as s:
            return list(
                s.scalars(select(CellEdit).where(CellEdit.report_id == report_id).order_by(CellEdit.id))
            )

    # --- regions and organs ---------------------------------------------------------------
    def _resolve_organ(self, s: Session, ident: OrganIdentity) -> tuple[int, int | None]:
        alias = s.scalar(select(OrganAlias).where(OrganAlias.alias == ident.printed))
        if alias is not None:
            organ = s.get(Organ, alias.organ_id)
            assert organ is not None
            return organ.id, organ.region_id
        region_id = self._ensure_region_chain(s, [(r.name, r.level) for r in ident.regions])
        key = f"{region_id or 0}|{ident.remainder}"
        organ = s.scalar(select(Organ).where(Organ.key == key))
        if organ is None:
            organ = Organ(key=key, name=ident.name, kind=ident.kind, region_id=region_id)
            s.add(organ)
            s.flush()
        s.add(OrganAlias(alias=ident.printed, organ_id=organ.id))
        s.flush()
        return organ.id, region_id

    def resolve_regions(self, organ: str | None, region: str | None = None) -> list[int]:
        """The known regions a report of this organ would be filed under, innermost first.

        Nothing is stored (the web app asks before accepting an upload); regions the report would
        add are left out, their known parents are listed.
        """
        ident = identify(organ, region) if organ else None
        if ident is None:
            return []
        with self._sessions() as s:
            try:
                known = s.scalar(select(func.max(Region.id))) or 0
                _, rid = self._resolve_organ(s, ident)
                chain = []
                while rid is not None:
                    if rid <= known:
                        chain.append(rid)
                    r = s.get(Region, rid)
                    rid = r.parent_id if r else None
                return chain
            finally:
                s.rollback()

    def _ensure_region_chain(self, s: Session, chain: Sequence[tuple[str, str | None]]) -> int | None:
        parent: Region | None = None
        for name, level in chain:
            candidates = list(s.scalars(select(Region).where(Region.name == name)))
            pick = next((c for c in candidates if parent is not None and c.parent_id == parent.id), None)
            if pick is None and parent is None and len(candidates) == 1:
                pick = candidates[0]
            if pick is None and parent is not None:
                orphans = [c for c in candidates if c.parent_id is None]
                if len(orphans) == 1:  # first seen without its parent (洪泽区政府), now we know it
                    pick = orphans[0]
                    pick.parent_id = parent.id
            if pick is None:
                pick = Region(name=name, level=level, parent_id=parent.id if parent else None)
                s.add(pick)
                s.flush()
            parent = pick
        return parent.id if parent else None

    def ensure_region(
        self, name: str, level: str | None = None, parent: str | None = None, code: str | None = None
    ) -> int:
        """Add or update one region (the CSV loader's unit of work)."""
        with self.session() as s:
            chain: list[tuple[str, str | None]] = []
            if parent:
                pid = self.region_id(parent, session=s)
                if pid is None:
                    chain.append((parent, level_of(parent)))
                else:
                    chain.extend(self._chain_of(s, pid))
            chain.append((name, level or level_of(name)))
            rid = self._ensure_region_chain(s, chain)
            assert rid is not None
            region = s.get(Region, rid)
            assert region is not None
            if level:
                region.level = level
            if code:
                region.code = code
            return rid

    def _chain_of(self, s: Session, region_id: int) -> list[tuple[str, str | None]]:
        chain = []
        cur: int | None = region_id
        while cur is not None:
            r = s.get(Region, cur)
            assert r is not None
            chain.append((r.name, r.level))
            cur = r.parent_id
        return chain[::-1]

    def region_id(self, name: str, session: Session | None = None) -> int | None:
        with _maybe(self, session) as s:
            ids = list(s.scalars(select(Region.id).where(Region.name == normalise_text(name))))
            return ids[0] if len(ids) >= 1 else None

    def region_ids(self, name: str, session: Session | None = None) -> list[int]:
        """The region and every region below it."""
        with _maybe(self, session) as s:
            rows = list(s.execute(select(Region.id, Region.name, Region.parent_id)))
            children: dict[int | None, list[int]] = {}
            for rid, _, parent in rows:
                children.setdefault(parent, []).append(rid)
            todo = [rid for rid, n, _ in rows if n == normalise_text(name)]
            out: list[int] = []
            while todo:
                cur = todo.pop()
                out.append(cur)
                todo.extend(children.get(cur, []))
            return out

    def regions(self) -> list[Region]:
        with self.session() as s:
            return list(s.scalars(select(Region).order_by(Region.id)))

    def child_regions(self, region_id: int) -> list[Region]:
        with self.session() as s:
            return list(s.scalars(select(Region).where(Region.parent_id == region_id).order_by(Region.id)))

    def organs(self, region_id: int | None = None) -> list[Organ]:
        with self.session() as s:
            q = select(Organ).order_by(Organ.id)
            if region_id is not None:
                q = q.where(Organ.region_id == region_id)
            return list(s.scalars(q))

    def organ_overview(self) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
        """(organ id -> spellings, organ id -> years with a report), in two queries."""
        aliases: dict[int, list[str]] = {}
        years: dict[int, set[int]] = {}
        with self.session() as s:
            for oid, alias in s.execute(
                select(OrganAlias.organ_id, OrganAlias.alias).order_by(OrganAlias.id)
            ):
                aliases.setdefault(oid, []).append(alias)
            for oid, year in s.execute(select(ReportRow.organ_id, ReportRow.year).distinct()):
                if oid is not None and year is not None:
                    years.setdefault(oid, set()).add(year)
        return aliases, {k: sorted(v) for k, v in years.items()}

    def organ_aliases(self, organ_id: int) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(OrganAlias.alias).where(OrganAlias.organ_id == organ_id)))

    def find_organ(self, name: str, session: Session | None = None) -> int | None:
        """An organ by any spelling seen, its canonical name, or its identity."""
        text = normalise_text(name)
        with _maybe(self, session) as s:
            oid = s.scalar(select(OrganAlias.organ_id).where(OrganAlias.alias == text))
            if oid is not None:
                return oid
            oid = s.scalar(select(Organ.id).where(Organ.name == text).limit(1))
            if oid is not None:
                return oid
            ident = identify(text)
            if ident is None:
                return None
            inner = ident.regions[-1].name if ident.regions else None
            for o in s.scalars(select(Organ).where(Organ.key.like(f"%|{ident.remainder}"))):
                region = s.get(Region, o.region_id) if o.region_id else None
                if (region.name if region else None) == inner:
                    return o.id
            return None

    def ensure_organ(self, name: str, region: str | None = None) -> int:
        with self.session() as s:
            ident = identify(name, region)
            if ident is None:
                raise ValueError("机关名称为空")
            return self._resolve_organ(s, ident)[0]

    def link_organs(self, alias: str, target: str) -> int:
        """Make `alias` (a spelling or an organ) the same organ as `target`; returns the target id.

        Reports, spellings and findings of the alias's organ move to the target's organ.
        """
        target_id = self.find_organ(target) or self.ensure_organ(target)
        source_id = self.find_organ(alias)
        with self.session() as s:
            text = normalise_text(alias)
            if source_id is not None and source_id != target_id:
                s.execute(update(ReportRow).where(ReportRow.organ_id == source_id).values(organ_id=target_id))
                s.execute(
                    update(OrganAlias).where(OrganAlias.organ_id == source_id).values(organ_id=target_id)
                )
                s.execute(delete(Organ).where(Organ.id == source_id))
            existing = s.scalar(select(OrganAlias).where(OrganAlias.alias == text))
            if existing is None:
                s.add(OrganAlias(alias=text, organ_id=target_id, manual=True))
            else:
                existing.organ_id = target_id
                existing.manual = True
        return target_id

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                "documents": s.scalar(select(func.count()).select_from(Document)) or 0,
                "errors": s.scalar(
                    select(func.count()).select_from(Document).where(Document.status == "error")
                )
                or 0,
                "reports": s.scalar(select(func.count()).select_from(ReportRow)) or 0,
                "organs": s.scalar(select(func.count()).select_from(Organ)) or 0,
                "regions": s.scalar(select(func.count()).select_from(Region)) or 0,
                "findings": s.scalar(select(func.count()).select_from(FindingRow)) or 0,
            }


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            # WAL: readers (the web app) never block the ingest writer; NORMAL is durable in WAL mode
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def _maybe(store: Store, session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
    else:
        with store.session() as s:
            yield s


def _prefix_filter(prefixes: Sequence[str] | None) -> list[Any]:
    if prefixes is None:
        return []
    return [or_(*(CellRow.key.startswith(p, autoescape=True) for p in prefixes))]


def _chunks(items: list[int], n: int) -> Iterator[list[int]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _jsonable(data: dict[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in (data or {}).items():
        out[k] = v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)
    return out


def _coerce_values(report: Report) -> None:
    """Counts come back from a float column; give integer columns their ints again."""
    for key, cell in report.cells.items():
        if cell.value is None:
            continue
        table = key.split(".", 1)[0]
        tid = report.table_templates.get(table) or report.template
        integer = True
        if tid:
            try:
                integer = get_template(tid).table(table).column(key).integer
            except KeyError:
                integer = float(cell.value).is_integer()
        if integer and float(cell.value).is_integer():
            cell.value = int(cell.value)
