"""Reports: their cells, sections and corrections; filters, scopes and the queries pages need."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Select, Table, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from ..document import Provenance
from ..findings import Severity
from ..identity import identify
from ..model import CellValue, Report, Section
from ..templates import get_template
from . import findings as finding_repo
from . import organs as organ_repo
from .db import clean
from .schema import CellEdit, CellRow, Document, FindingRow, Organ, Region, ReportRow

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class Scope:
    """What a user may see: the reports of some regions (a reviewer's subtree, already expanded)
    and/or of one organ (a writer). Both None: everything (an administrator); an empty set of
    regions: nothing."""

    region_ids: frozenset[int] | None = None
    organ_id: int | None = None

    def where(self) -> list[Any]:
        out: list[Any] = []
        if self.region_ids is not None:
            out.append(ReportRow.region_id.in_(sorted(self.region_ids) or [-1]))
        if self.organ_id is not None:
            out.append(ReportRow.organ_id == self.organ_id)
        return out

    def allows(self, region_id: int | None, organ_id: int | None) -> bool:
        if self.region_ids is not None and (region_id is None or region_id not in self.region_ids):
            return False
        return self.organ_id is None or organ_id == self.organ_id


NOTHING = Scope(region_ids=frozenset())


@dataclass
class ReportFilter:
    """Which reports: every field that is set must match. A region includes its sub-regions."""

    region: str | None = None  # a name (every region so named) or a chain: 甲市兴隆县, 甲市/兴隆县
    region_id: int | None = None
    year: int | None = None
    organ: str | None = None  # a printed or canonical name; any spelling of the organ matches
    organ_id: int | None = None
    organ_text: str | None = None  # the printed organ contains this text (wildcards are literal)
    severity: str | None = None  # reports with at least one finding of this severity or worse
    consolidated: bool | None = None
    ids: Sequence[int] | None = None
    scope: Scope | None = None  # what the user asking may see
    limit: int | None = None  # paging, for the web app: in id order
    offset: int = 0


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


# --- writing ------------------------------------------------------------------------------
def insert(
    s: Session,
    report: Report,
    document_id: int | None = None,
    consolidated: bool = False,
    region_id: int | None = None,
) -> int:
    """Store a report in the caller's transaction. `region_id`: file it under this region's
    government instead of resolving the printed organ (a saved consolidation)."""
    if region_id is not None:
        organ_id: int | None = organ_repo.government_of(s, region_id)
    else:
        ident = identify(clean(report.organ), clean(report.region))
        organ_id, region_id = organ_repo.resolve(s, ident) if ident else (None, None)
    row = ReportRow(
        document_id=document_id,
        source=clean(report.source),
        organ=clean(report.organ),
        organ_id=organ_id,
        region=clean(report.region),
        region_id=region_id,
        year=report.year,
        template=report.template,
        table_templates=dict(report.table_templates),
        tables_present=sorted(report.tables_present),
        published=clean(report.published),
        title=clean(report.title),
        format=report.format,
        sections=clean([_section_dict(x) for x in report.sections]),
        consolidated=consolidated,
    )
    s.add(row)
    s.flush()
    cells = [
        {
            "report_id": row.id,
            "key": k,
            "value": None if c.value is None else float(c.value),
            "raw": clean(c.raw),
            "method": c.method,
            "label": clean(c.label),
            "provenance": clean(c.prov.to_dict()) if c.prov else None,
        }
        for k, c in report.cells.items()
    ]
    if cells:
        # Core executemany: the ORM bulk path costs more than the database for 200 rows
        s.connection().execute(cast(Table, CellRow.__table__).insert(), cells)
    finding_repo.insert(s, row.id, report.findings, scope="report")
    return row.id


def add(store: Store, report: Report, *, consolidated: bool = False, region_id: int | None = None) -> int:
    with store.session() as s:
        return insert(s, report, consolidated=consolidated, region_id=region_id)


def delete_report(store: Store, report_id: int) -> None:
    with store.session() as s:
        for model in (CellRow, FindingRow, CellEdit):
            s.execute(delete(model).where(model.report_id == report_id))
        s.execute(delete(ReportRow).where(ReportRow.id == report_id))


def set_consolidated(store: Store, report_id: int, consolidated: bool = True) -> None:
    """Mark a report as a consolidated (汇总) report, so AGG_MISMATCH checks it against its units."""
    with store.session() as s:
        s.execute(update(ReportRow).where(ReportRow.id == report_id).values(consolidated=consolidated))


def edit_cell(store: Store, report_id: int, key: str, new_value: float | int | None, who: str | None) -> None:
    """Correct a value; the original stays in `cell_edits`."""
    with store.session() as s:
        cell = s.scalar(select(CellRow).where(CellRow.report_id == report_id, CellRow.key == key))
        old = cell.value if cell else None
        if cell is None:
            s.add(CellRow(report_id=report_id, key=key, value=new_value, method="manual"))
        else:
            cell.value = None if new_value is None else float(new_value)
            cell.method = "manual"
        s.add(CellEdit(report_id=report_id, key=key, old_value=old, new_value=new_value, who=who))


def cell_edits(store: Store, report_id: int) -> list[CellEdit]:
    with store.session() as s:
        return list(s.scalars(select(CellEdit).where(CellEdit.report_id == report_id).order_by(CellEdit.id)))


# --- filtering ----------------------------------------------------------------------------
def filtered(store: Store, s: Session, flt: ReportFilter) -> Select[int]:
    q = select(ReportRow.id)
    if flt.scope is not None:
        q = q.where(*flt.scope.where())
    if flt.ids is not None:
        q = q.where(ReportRow.id.in_(list(flt.ids)))
    if flt.year is not None:
        q = q.where(ReportRow.year == flt.year)
    if flt.consolidated is not None:
        q = q.where(ReportRow.consolidated == flt.consolidated)
    if flt.organ_id is not None:
        q = q.where(ReportRow.organ_id == flt.organ_id)
    if flt.organ:
        oid = organ_repo.find_organ(store, flt.organ, session=s)
        q = q.where(ReportRow.organ_id == oid if oid else ReportRow.organ == flt.organ)
    if flt.organ_text:
        q = q.where(ReportRow.organ.contains(flt.organ_text, autoescape=True))
    if flt.region_id is not None:
        q = q.where(ReportRow.region_id.in_(sorted(organ_repo.subtree(store, flt.region_id, s))))
    if flt.region:
        ids = organ_repo.region_ids(store, flt.region, session=s)
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


def report_ids(store: Store, flt: ReportFilter | None = None) -> list[int]:
    flt = flt or ReportFilter()
    with store.session() as s:
        q = filtered(store, s, flt).order_by(ReportRow.id)
        if flt.offset:
            q = q.offset(flt.offset)
        if flt.limit is not None:
            q = q.limit(flt.limit)
        return list(s.scalars(q))


def organs_of(store: Store) -> list[tuple[int, int | None]]:
    """(report id, organ id) of every report: what a corpus check needs to plan its shards."""
    with store.session() as s:
        return [
            (rid, oid)
            for rid, oid in s.execute(select(ReportRow.id, ReportRow.organ_id).order_by(ReportRow.id))
        ]


def count(store: Store, flt: ReportFilter | None = None) -> int:
    with store.session() as s:
        sub = filtered(store, s, flt or ReportFilter()).subquery()
        return s.scalar(select(func.count()).select_from(sub)) or 0


# --- reading ------------------------------------------------------------------------------
def load(
    store: Store, ids: Sequence[int], cell_prefixes: Sequence[str] | None = None, provenance: bool = True
) -> list[StoredReport]:
    """Reports by id, in that order. `cell_prefixes` loads only the cells whose keys start with
    one of them (corpus checks over 100,000 reports need a few cells each, not 200);
    `provenance=False` leaves every cell's place unread (decoding it is most of a load)."""
    out: list[StoredReport] = []
    with store.session() as s:
        regions = {k: v for k, v in s.execute(select(Region.id, Region.name))}
        for chunk in _chunks(list(ids), 500):
            rows = {r.id: r for r in s.scalars(select(ReportRow).where(ReportRow.id.in_(chunk)))}
            organ_ids = {r.organ_id for r in rows.values() if r.organ_id}
            organs = {k: v for k, v in s.execute(select(Organ.id, Organ.name).where(Organ.id.in_(organ_ids)))}
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
                    CellRow.provenance if provenance else literal(None),
                )
                .where(CellRow.report_id.in_(chunk), *_prefix_filter(cell_prefixes))
                .order_by(CellRow.id)
            )
            for report_id, key, value, raw, method, label, prov in cell_rows:
                # the value is coerced below, once the template is known
                cells[report_id][key] = CellValue(
                    value, raw, Provenance.from_dict(prov) if prov is not None else None, method, label
                )
            found = finding_repo.of_reports(s, chunk)
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
                    sections=[_section(x, provenance) for x in (r.sections or [])],
                    cells=cells[rid],
                    tables_present=set(r.tables_present or []),
                    findings=[f for _, f in found[rid]],
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
                        finding_ids=[i for i, _ in found[rid]],
                    )
                )
    order = {rid: n for n, rid in enumerate(ids)}
    out.sort(key=lambda x: order[x.id])
    return out


def get(store: Store, report_id: int) -> StoredReport:
    found = load(store, [report_id])
    if not found:
        raise KeyError(f"没有编号为 {report_id} 的报告")
    return found[0]


@dataclass(frozen=True)
class ReportPlace:
    """Where a report is filed, without loading it."""

    id: int
    region_id: int | None
    organ_id: int | None
    organ: str | None  # as printed
    year: int | None
    consolidated: bool


def place(store: Store, report_id: int) -> ReportPlace | None:
    with store.session() as s:
        r = s.get(ReportRow, report_id)
        if r is None:
            return None
        return ReportPlace(r.id, r.region_id, r.organ_id, r.organ, r.year, r.consolidated)


def of_document(store: Store, sha256: str) -> int | None:
    """The report stored from a file with this content hash."""
    with store.session() as s:
        return s.scalar(
            select(ReportRow.id)
            .join(Document, Document.id == ReportRow.document_id)
            .where(Document.sha256 == sha256)
        )


@dataclass
class ReportSummary:
    """A report as a list shows it, with its open findings counted by severity."""

    id: int
    organ: str | None  # canonical name when known
    organ_id: int | None
    region: str | None
    region_id: int | None
    year: int | None
    template: str | None
    consolidated: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.counts.get("error"):
            return "error"
        if self.counts.get("warning"):
            return "warning"
        return "ok"


def summaries(store: Store, flt: ReportFilter) -> list[ReportSummary]:
    """The filtered reports, newest year first, without cells: what the report list draws."""
    with store.session() as s:
        ids_q = filtered(store, s, flt)
        rows = list(
            s.execute(
                select(
                    ReportRow.id,
                    ReportRow.organ,
                    ReportRow.organ_id,
                    ReportRow.region,
                    ReportRow.region_id,
                    ReportRow.year,
                    ReportRow.template,
                    ReportRow.consolidated,
                )
                .where(ReportRow.id.in_(ids_q))
                .order_by(ReportRow.year.desc(), ReportRow.id)
            )
        )
        regions = {k: v for k, v in s.execute(select(Region.id, Region.name))}
        organs = {k: v for k, v in s.execute(select(Organ.id, Organ.name))}
        counts = finding_repo.open_counts(s, [r.id for r in rows])
    return [
        ReportSummary(
            r.id,
            (organs.get(r.organ_id) or r.organ) if r.organ_id else r.organ,
            r.organ_id,
            regions.get(r.region_id) if r.region_id else r.region,
            r.region_id,
            r.year,
            r.template,
            r.consolidated,
            dict(counts.get(r.id, {})),
        )
        for r in rows
    ]


def years(store: Store) -> list[int]:
    """Every report year, newest first."""
    with store.session() as s:
        return sorted({y for y in s.scalars(select(ReportRow.year).distinct()) if y}, reverse=True)


def templates_used(store: Store, ids: Sequence[int]) -> set[str]:
    """Template ids the reports use, as a whole or per table."""
    used: set[str] = set()
    with store.session() as s:
        for chunk in _chunks(list(ids), 500):
            for tpl, tts in s.execute(
                select(ReportRow.template, ReportRow.table_templates).where(ReportRow.id.in_(chunk))
            ):
                used.update(t for t in [tpl, *(tts or {}).values()] if t)
    return used


def organ_report_ids(store: Store, organ_id: int, consolidated: bool = False) -> list[int]:
    """An organ's reports in year order."""
    with store.session() as s:
        return list(
            s.scalars(
                select(ReportRow.id)
                .where(ReportRow.organ_id == organ_id, ReportRow.consolidated.is_(consolidated))
                .order_by(ReportRow.year, ReportRow.id)
            )
        )


def neighbours(store: Store, report_id: int) -> tuple[list[int], list[int]]:
    """(reports whose corpus findings a change to this one can alter, the reports those rules read).

    The cross-year rules compare a report with the same organ's year before: a change to year Y
    alters the findings of Y and Y+1, which read Y-1 .. Y+1. AGG_MISMATCH compares a consolidated
    report with its units: those of the report's own region (departments) or of the parent region
    (a government), so the consolidated reports of both regions for Y are re-checked too.
    """
    with store.session() as s:
        row = s.get(ReportRow, report_id)
        if row is None:
            return [], []
        targets = {report_id}
        context = {report_id}
        if row.organ_id is not None and row.year is not None and not row.consolidated:
            for rid, year in s.execute(
                select(ReportRow.id, ReportRow.year).where(
                    ReportRow.organ_id == row.organ_id,
                    ReportRow.year <= row.year + 1,  # XY_TEXT_REUSE reads the nearest earlier year
                    ReportRow.consolidated.is_(False),
                )
            ):
                context.add(rid)
                # not NULL: the query's `year <= …` filter drops NULL years
                if cast(int, year) >= row.year:
                    targets.add(rid)
        if row.region_id is not None and row.year is not None:
            reg = s.get(Region, row.region_id)
            regions = {row.region_id} | ({reg.parent_id} if reg and reg.parent_id else set())
            for rid in s.scalars(
                select(ReportRow.id).where(
                    ReportRow.region_id.in_(regions),
                    ReportRow.year == row.year,
                    ReportRow.consolidated.is_(True),
                )
            ):
                targets.add(rid)
                context.add(rid)
    return sorted(targets), sorted(context)


SAVED_CONSOLIDATION = "consolidated"  # the format of a report produced by consolidation


def saved_consolidation(store: Store, region_id: int, year: int) -> int | None:
    """The consolidation of this region and year last saved (not an ingested 汇总 report)."""
    with store.session() as s:
        return s.scalar(
            select(ReportRow.id)
            .where(
                ReportRow.consolidated.is_(True),
                ReportRow.region_id == region_id,
                ReportRow.year == year,
                ReportRow.format == SAVED_CONSOLIDATION,
            )
            .order_by(ReportRow.id.desc())
            .limit(1)
        )


def replace_consolidation(store: Store, report: Report, region_id: int) -> int:
    """Save a region's consolidation, replacing the one saved before for the same year, in one
    transaction (two reviewers saving at once leave one)."""
    with store.session() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(4243, region_id)))
        old = list(
            s.scalars(
                select(ReportRow.id).where(
                    ReportRow.consolidated.is_(True),
                    ReportRow.region_id == region_id,
                    ReportRow.year == report.year,
                    ReportRow.format == SAVED_CONSOLIDATION,
                )
            )
        )
        new = insert(s, report, consolidated=True, region_id=region_id)  # first: a new id, not a reused one
        for model in (CellRow, FindingRow, CellEdit):
            s.execute(delete(model).where(model.report_id.in_(old or [-1])))
        s.execute(delete(ReportRow).where(ReportRow.id.in_(old or [-1])))
        return new


def cell_values(
    store: Store, report_ids: Sequence[int], prefixes: Sequence[str]
) -> list[tuple[int, str, float | None]]:
    """(report id, key, value) of the reports' cells whose keys start with one of the prefixes."""
    out: list[tuple[int, str, float | None]] = []
    with store.session() as s:
        for chunk in _chunks(list(report_ids), 500):
            q = select(CellRow.report_id, CellRow.key, CellRow.value).where(
                CellRow.report_id.in_(chunk), *_prefix_filter(prefixes)
            )
            out.extend((rid, key, value) for rid, key, value in s.execute(q))
    return out


@dataclass(frozen=True)
class ReportKey:
    """A report's filing without its contents (dashboards count over many)."""

    id: int
    year: int | None
    region_id: int | None
    organ_id: int | None


def keys(store: Store, flt: ReportFilter) -> list[ReportKey]:
    with store.session() as s:
        q = select(ReportRow.id, ReportRow.year, ReportRow.region_id, ReportRow.organ_id).where(
            ReportRow.id.in_(filtered(store, s, flt))
        )
        return [ReportKey(*r) for r in s.execute(q.order_by(ReportRow.id))]


# --- helpers ------------------------------------------------------------------------------
def _section_dict(x: Section) -> dict[str, Any]:
    d: dict[str, Any] = {"key": x.key, "heading": x.heading, "number": x.number, "text": x.text}
    if x.prov is not None:
        d["prov"] = x.prov.to_dict()
    return d


def _section(x: dict[str, Any], provenance: bool = True) -> Section:
    prov = x.get("prov") if provenance else None
    return Section(
        x.get("key"),
        x.get("heading", ""),
        x.get("number"),
        x.get("text", ""),
        Provenance.from_dict(prov) if prov is not None else None,
    )


def _prefix_filter(prefixes: Sequence[str] | None) -> list[Any]:
    if prefixes is None:
        return []
    return [or_(*(CellRow.key.startswith(p, autoescape=True) for p in prefixes))]


def _chunks(items: list[int], n: int) -> Iterator[list[int]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _coerce_values(report: Report) -> None:
    """Counts come back from a float column; give integer columns their ints again."""
    for key, cell in report.cells.items():
        cell.value = coerce_value(
            key, cell.value, report.table_templates.get(key.split(".", 1)[0]) or report.template
        )


def coerce_value(key: str, value: float | int | None, template_id: str | None) -> float | int | None:
    """A stored value as its column holds it: a whole number in a count column (or in a cell its
    template does not define) is an int."""
    if value is None or not float(value).is_integer():
        return value
    if template_id and _column_integer(template_id, key) is False:
        return value
    return int(value)


@lru_cache(maxsize=4096)
def _column_integer(template_id: str, key: str) -> bool | None:
    try:
        return get_template(template_id).table(key.split(".", 1)[0]).column(key).integer
    except KeyError:
        return None
