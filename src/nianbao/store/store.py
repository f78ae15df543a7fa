"""`Store`: the corpus database behind ingest, the corpus rules, exports and the web app.

>>> store = Store("sqlite:///nianbao.db")          # or postgresql://… ; migrates on open
>>> rid = store.add_report(report)                   # a nianbao.Report
>>> [s.report.organ for s in store.load_reports(ReportFilter(year=2024))]

The class is a facade: each method hands over to a repository module of this package
(`documents`, `reports`, `findings`, `organs`, `accounts`, `jobs`, and those other features add),
which holds the SQL. New queries go into a repository module, called as `reports.place(store, id)`;
nothing outside `nianbao.store` touches the tables or opens a session.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..findings import Finding
from ..model import Report
from . import documents as _documents
from . import findings as _findings
from . import migrate
from . import organs as _organs
from . import reports as _reports
from .bulk import OrganCache
from .db import make_engine
from .documents import DocumentRecord
from .reports import ReportFilter, StoredReport
from .schema import CellEdit, Document, FindingRow, Organ, Region
from .url import normalise_url


class Store:
    def __init__(self, url: str | os.PathLike[str] | None = None, *, migrate_schema: bool = True) -> None:
        self.url = normalise_url(url)
        self.engine: Engine = make_engine(self.url)
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
        """A transaction, for the repository modules of this package only."""
        with self._sessions.begin() as s:
            yield s

    # --- documents (ingest) ---------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        return _documents.known_hashes(self)

    def record_document(
        self,
        sha256: str,
        path: str,
        size: int,
        report: Report | None = None,
        error: str | None = None,
        format: str | None = None,
    ) -> int:
        return _documents.record_document(self, DocumentRecord(sha256, path, size, report, error, format))

    def record_documents(
        self, items: Sequence[DocumentRecord], organ_cache: OrganCache | None = None
    ) -> list[int]:
        return _documents.record_documents(self, items, organ_cache)

    def documents(self, status: str | None = None) -> list[Document]:
        return _documents.documents(self, status)

    def forget_errors(self, starting_with: Sequence[str] = ()) -> int:
        return _documents.forget_errors(self, starting_with)

    def counts(self) -> dict[str, int]:
        return _documents.counts(self)

    # --- reports --------------------------------------------------------------------------
    def add_report(self, report: Report, *, consolidated: bool = False, region_id: int | None = None) -> int:
        return _reports.add(self, report, consolidated=consolidated, region_id=region_id)

    def delete_report(self, report_id: int) -> None:
        _reports.delete_report(self, report_id)

    def report_ids(self, flt: ReportFilter | None = None) -> list[int]:
        return _reports.report_ids(self, flt)

    def report_organs(self) -> list[tuple[int, int | None]]:
        return _reports.organs_of(self)

    def count_reports(self, flt: ReportFilter | None = None) -> int:
        return _reports.count(self, flt)

    def set_consolidated(self, report_id: int, consolidated: bool = True) -> None:
        _reports.set_consolidated(self, report_id, consolidated)

    def reports(self, flt: ReportFilter | None = None, **kw: Any) -> list[StoredReport]:
        """Reports matching the filter, fully loaded (cells, findings, sections)."""
        if kw:
            flt = ReportFilter(**kw)
        return _reports.load(self, _reports.report_ids(self, flt))

    def get_report(self, report_id: int) -> StoredReport:
        return _reports.get(self, report_id)

    def load_reports(
        self, ids: Sequence[int], cell_prefixes: Sequence[str] | None = None, provenance: bool = True
    ) -> list[StoredReport]:
        return _reports.load(self, ids, cell_prefixes, provenance=provenance)

    def edit_cell(
        self, report_id: int, key: str, new_value: float | int | None, who: str | None = None
    ) -> None:
        _reports.edit_cell(self, report_id, key, new_value, who)

    def cell_edits(self, report_id: int) -> list[CellEdit]:
        return _reports.cell_edits(self, report_id)

    # --- findings -------------------------------------------------------------------------
    def findings(
        self, report_id: int | None = None, code: str | None = None, scope: str | None = None
    ) -> list[FindingRow]:
        return _findings.list_findings(self, report_id, code, scope)

    def replace_corpus_findings(
        self,
        codes: Iterable[str],
        found: Iterable[tuple[int, Finding]],
        report_ids: Collection[int] | None = None,
    ) -> int:
        return _findings.replace_corpus(self, codes, found, report_ids)

    def replace_report_findings(self, report_id: int, findings: Iterable[Finding]) -> list[int]:
        return _findings.replace_report(self, report_id, findings)

    def accept_finding(
        self, finding_id: int, who: str, comment: str | None = None, accepted: bool = True
    ) -> None:
        _findings.accept(self, finding_id, who, comment, accepted)

    # --- regions and organs ---------------------------------------------------------------
    def resolve_regions(self, organ: str | None, region: str | None = None) -> list[int]:
        return _organs.resolve_regions(self, organ, region)

    def ensure_region(
        self, name: str, level: str | None = None, parent: str | None = None, code: str | None = None
    ) -> int:
        return _organs.ensure_region(self, name, level, parent, code)

    def region_id(self, name: str, session: Session | None = None) -> int | None:
        return _organs.region_id(self, name, session)

    def region_ids(self, name: str, session: Session | None = None) -> list[int]:
        return _organs.region_ids(self, name, session)

    def regions(self) -> list[Region]:
        return _organs.regions(self)

    def child_regions(self, region_id: int) -> list[Region]:
        return _organs.child_regions(self, region_id)

    def organs(self, region_id: int | None = None) -> list[Organ]:
        return _organs.organs(self, region_id)

    def organ_overview(self) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
        return _organs.overview(self)

    def organ_aliases(self, organ_id: int) -> list[str]:
        return _organs.aliases(self, organ_id)

    def find_organ(self, name: str, session: Session | None = None) -> int | None:
        return _organs.find_organ(self, name, session)

    def ensure_organ(self, name: str, region: str | None = None) -> int:
        return _organs.ensure_organ(self, name, region)

    def link_organs(self, alias: str, target: str) -> int:
        return _organs.link_organs(self, alias, target)
