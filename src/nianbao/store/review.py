"""The reviewer's desk repository: the work queue, findings across reports, review states.

Its own table `review_states` (migration `0004_review_states`) keeps, per report, whether the
reviewer has reviewed it (已审), sent it back (待整改) or set it aside for another version of
the same organ and year (已被替代). A report without a row is 未审. Every query takes a `Scope`
(what the user may see); nothing outside `store/` opens sessions on these tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import DateTime, ForeignKey, String, Text, case, exists, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, CellRow, Document, FindingRow, Organ, Region, ReportRow, utcnow
from .store import Store

STATES = {"unreviewed": "未审", "reviewed": "已审", "rework": "待整改", "superseded": "已被替代"}
SEVERITIES = ("error", "warning", "info")


class ReviewState(Base):
    __tablename__ = "review_states"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class Scope:
    """What a user may see: None everywhere means everything (an administrator)."""

    region_ids: frozenset[int] | None = None
    organ_id: int | None = None

    def where(self) -> list[Any]:
        out: list[Any] = []
        if self.region_ids is not None:
            out.append(ReportRow.region_id.in_(sorted(self.region_ids) or [-1]))
        if self.organ_id is not None:
            out.append(ReportRow.organ_id == self.organ_id)
        return out


@dataclass
class QueueFilter:
    text: str | None = None  # part of the organ's name (any spelling) or of the title
    region_ids: Collection[int] | None = None  # already expanded to their sub-regions
    year: int | None = None
    severity: str | None = None  # reports with an open finding of this severity
    code: str | None = None  # reports with an open finding of this code
    state: str | None = None  # unreviewed / reviewed / rework / superseded
    consolidated: bool | None = None
    ids: Collection[int] | None = None


SORTS = ("organ", "region", "year", "errors", "warnings", "state", "added", "source")


@dataclass
class QueueRow:
    id: int
    organ: str | None
    organ_id: int | None
    region: str | None
    region_id: int | None
    year: int | None
    template: str | None
    title: str | None
    source: str | None
    consolidated: bool
    added: datetime | None
    document_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    state: str = "unreviewed"
    state_by: str | None = None
    state_at: datetime | None = None
    superseded_by: int | None = None

    @property
    def status(self) -> str:
        if self.counts.get("error"):
            return "error"
        if self.counts.get("warning"):
            return "warning"
        return "ok"

    @property
    def state_zh(self) -> str:
        return STATES.get(self.state, self.state)


def _open_count(severity: str) -> Any:
    return (
        select(func.count(FindingRow.id))
        .where(
            FindingRow.report_id == ReportRow.id,
            FindingRow.severity == severity,
            FindingRow.accepted.is_(False),
        )
        .correlate(ReportRow)
        .scalar_subquery()
    )


def _conditions(scope: Scope, flt: QueueFilter) -> list[Any]:
    cond = scope.where()
    if flt.ids is not None:
        cond.append(ReportRow.id.in_(sorted(flt.ids) or [-1]))
    if flt.year:
        cond.append(ReportRow.year == flt.year)
    if flt.region_ids is not None:
        cond.append(ReportRow.region_id.in_(sorted(flt.region_ids) or [-1]))
    if flt.consolidated is not None:
        cond.append(ReportRow.consolidated.is_(flt.consolidated))
    if flt.text:
        needle = flt.text.strip()
        cond.append(
            or_(
                ReportRow.organ.contains(needle, autoescape=True),
                ReportRow.title.contains(needle, autoescape=True),
                Organ.name.contains(needle, autoescape=True),
            )
        )
    open_finding = [FindingRow.report_id == ReportRow.id, FindingRow.accepted.is_(False)]
    if flt.severity in SEVERITIES:
        cond.append(exists().where(*open_finding, FindingRow.severity == flt.severity))
    if flt.code:
        cond.append(exists().where(*open_finding, FindingRow.code == flt.code))
    if flt.state == "unreviewed":
        cond.append(ReviewState.report_id.is_(None))
    elif flt.state in STATES:
        cond.append(ReviewState.state == flt.state)
    return cond


def queue(
    store: Store,
    scope: Scope,
    flt: QueueFilter | None = None,
    sort: str = "year",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[QueueRow], int]:
    """One page of the work queue and the number of reports that match in all."""
    flt = flt or QueueFilter()
    errors, warnings, infos = _open_count("error"), _open_count("warning"), _open_count("info")
    organ_name = func.coalesce(Organ.name, ReportRow.organ)
    state_order = case(
        (ReviewState.state.is_(None), 0),
        (ReviewState.state == "rework", 1),
        (ReviewState.state == "reviewed", 2),
        else_=3,
    )
    keys = {
        "organ": organ_name,
        "region": Region.name,
        "year": ReportRow.year,
        "errors": errors,
        "warnings": warnings,
        "state": state_order,
        "added": ReportRow.created_at,
        "source": ReportRow.source,
    }
    key = keys.get(sort, ReportRow.year)
    order = [key.desc() if descending else key.asc(), organ_name.asc(), ReportRow.id.asc()]
    if sort == "year" and not descending:
        order = [ReportRow.year.desc(), organ_name.asc(), ReportRow.id.asc()]  # newest first by default
    base = (
        select(
            ReportRow,
            Organ.name,
            Region.name,
            errors,
            warnings,
            infos,
            ReviewState.state,
            ReviewState.by,
            ReviewState.at,
            ReviewState.superseded_by,
        )
        .outerjoin(Organ, Organ.id == ReportRow.organ_id)
        .outerjoin(Region, Region.id == ReportRow.region_id)
        .outerjoin(ReviewState, ReviewState.report_id == ReportRow.id)
    )
    cond = _conditions(scope, flt)
    page = max(page, 1)
    with store.session() as s:
        total = s.scalar(
            select(func.count(ReportRow.id))
            .select_from(ReportRow)
            .outerjoin(Organ, Organ.id == ReportRow.organ_id)
            .outerjoin(ReviewState, ReviewState.report_id == ReportRow.id)
            .where(*cond)
        )
        rows = s.execute(base.where(*cond).order_by(*order).limit(per_page).offset((page - 1) * per_page))
        out = [
            QueueRow(
                r.id,
                oname or r.organ,
                r.organ_id,
                rname or r.region,
                r.region_id,
                r.year,
                r.template,
                r.title,
                r.source,
                r.consolidated,
                r.created_at,
                r.document_id,
                {k: v for k, v in (("error", e), ("warning", w), ("info", i)) if v},
                state or "unreviewed",
                by,
                at,
                sup,
            )
            for r, oname, rname, e, w, i, state, by, at, sup in rows
        ]
    return out, int(total or 0)


def queue_ids(store: Store, scope: Scope, flt: QueueFilter) -> list[int]:
    """Every report id that matches (for "select all that match" and exports)."""
    with store.session() as s:
        q = (
            select(ReportRow.id)
            .outerjoin(Organ, Organ.id == ReportRow.organ_id)
            .outerjoin(ReviewState, ReviewState.report_id == ReportRow.id)
            .where(*_conditions(scope, flt))
            .order_by(ReportRow.id)
        )
        return list(s.scalars(q))


def visible_ids(store: Store, scope: Scope, ids: Iterable[int]) -> list[int]:
    """The ids of `ids` this scope may see (batch actions never reach beyond the user's scope)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    with store.session() as s:
        return list(s.scalars(select(ReportRow.id).where(ReportRow.id.in_(wanted), *scope.where())))


# --- findings across reports ----------------------------------------------------------------
@dataclass
class FindingLine:
    id: int
    report_id: int
    code: str
    severity: str
    message: str
    cells: list[str]
    where: str | None
    scope: str
    accepted: bool
    comment: str | None
    accepted_by: str | None
    organ: str | None
    organ_id: int | None
    region: str | None
    year: int | None
    template: str | None
    table_templates: dict[str, str]
    source: str | None
    data: dict[str, Any]


def findings(
    store: Store,
    scope: Scope,
    flt: QueueFilter | None = None,
    include_accepted: bool = False,
    limit: int | None = None,
) -> list[FindingLine]:
    """Findings of the matching reports (the severity and code filters apply to the findings)."""
    flt = flt or QueueFilter()
    report_flt = QueueFilter(
        text=flt.text,
        region_ids=flt.region_ids,
        year=flt.year,
        state=flt.state,
        consolidated=flt.consolidated,
        ids=flt.ids,
    )
    cond = _conditions(scope, report_flt)
    if flt.severity in SEVERITIES:
        cond.append(FindingRow.severity == flt.severity)
    if flt.code:
        cond.append(FindingRow.code == flt.code)
    if not include_accepted:
        cond.append(FindingRow.accepted.is_(False))
    severity_rank = case((FindingRow.severity == "error", 0), (FindingRow.severity == "warning", 1), else_=2)
    organ_name = func.coalesce(Organ.name, ReportRow.organ)
    q = (
        select(FindingRow, ReportRow, Organ.name, Region.name)
        .join(ReportRow, ReportRow.id == FindingRow.report_id)
        .outerjoin(Organ, Organ.id == ReportRow.organ_id)
        .outerjoin(Region, Region.id == ReportRow.region_id)
        .outerjoin(ReviewState, ReviewState.report_id == ReportRow.id)
        .where(*cond)
        .order_by(Region.name, organ_name, ReportRow.year.desc(), ReportRow.id, severity_rank, FindingRow.id)
    )
    if limit:
        q = q.limit(limit)
    with store.session() as s:
        return [
            FindingLine(
                f.id,
                f.report_id,
                f.code,
                f.severity,
                f.message,
                list(f.cells or []),
                f.where,
                f.scope,
                f.accepted,
                f.comment,
                f.accepted_by,
                oname or r.organ,
                r.organ_id,
                rname or r.region,
                r.year,
                r.template,
                dict(r.table_templates or {}),
                r.source,
                dict(f.data or {}),
            )
            for f, r, oname, rname in s.execute(q)
        ]


def codes_in_use(store: Store, scope: Scope) -> list[tuple[str, int]]:
    """Finding codes with open findings in scope, most frequent first (for the code filter)."""
    with store.session() as s:
        q = (
            select(FindingRow.code, func.count(FindingRow.id))
            .join(ReportRow, ReportRow.id == FindingRow.report_id)
            .where(FindingRow.accepted.is_(False), *scope.where())
            .group_by(FindingRow.code)
            .order_by(func.count(FindingRow.id).desc())
        )
        return [(c, int(n)) for c, n in s.execute(q)]


# --- batch actions ----------------------------------------------------------------------------
def accept_code(store: Store, report_ids: Sequence[int], code: str, reason: str, who: str) -> int:
    """Accept every open finding of `code` on these reports with one reason; returns how many."""
    if not report_ids:
        return 0
    with store.session() as s:
        rows = list(
            s.scalars(
                select(FindingRow).where(
                    FindingRow.report_id.in_(list(report_ids)),
                    FindingRow.code == code,
                    FindingRow.accepted.is_(False),
                )
            )
        )
        now = utcnow()
        for f in rows:
            f.accepted, f.comment, f.accepted_by, f.accepted_at = True, reason, who, now
        return len(rows)


def set_state(store: Store, report_ids: Sequence[int], state: str, who: str, note: str | None = None) -> int:
    """Mark reports 已审 / 待整改 (or back to 未审); returns how many changed."""
    if state not in STATES:
        raise ValueError(state)
    with store.session() as s:
        existing = {
            r.report_id: r
            for r in s.scalars(select(ReviewState).where(ReviewState.report_id.in_(list(report_ids))))
        }
        n = 0
        for rid in report_ids:
            row = existing.get(rid)
            if state == "unreviewed":
                if row is not None:
                    s.delete(row)
                    n += 1
                continue
            if row is None:
                s.add(ReviewState(report_id=rid, state=state, by=who, note=note, at=utcnow()))
            else:
                row.state, row.by, row.note, row.at, row.superseded_by = state, who, note, utcnow(), None
            n += 1
        return n


def states(store: Store, report_ids: Iterable[int]) -> dict[int, ReviewState]:
    ids = list(report_ids)
    if not ids:
        return {}
    with store.session() as s:
        return {r.report_id: r for r in s.scalars(select(ReviewState).where(ReviewState.report_id.in_(ids)))}


def choose_version(store: Store, keep: int, others: Sequence[int], who: str) -> int:
    """The reviewer's pick among versions of one organ and year: the others are 已被替代, and the
    REPORT_VERSION_CONFLICT findings of all of them are settled with a note naming the kept one."""
    note = f"已选定报告 #{keep} 为准"
    with store.session() as s:
        for rid in others:
            row = s.get(ReviewState, rid)
            if row is None:
                s.add(ReviewState(report_id=rid, state="superseded", superseded_by=keep, by=who, note=note))
            else:
                row.state, row.superseded_by, row.by, row.note, row.at = (
                    "superseded",
                    keep,
                    who,
                    note,
                    utcnow(),
                )
        kept = s.get(ReviewState, keep)
        if kept is not None and kept.state == "superseded":
            s.delete(kept)
        n = 0
        for f in s.scalars(
            select(FindingRow).where(
                FindingRow.report_id.in_([keep, *others]),
                FindingRow.code == "REPORT_VERSION_CONFLICT",
                FindingRow.accepted.is_(False),
            )
        ):
            f.accepted, f.comment, f.accepted_by, f.accepted_at = True, note, who, utcnow()
            n += 1
        return n


def superseded(store: Store) -> set[int]:
    with store.session() as s:
        return set(s.scalars(select(ReviewState.report_id).where(ReviewState.state == "superseded")))


# --- regions ---------------------------------------------------------------------------------
@dataclass
class RegionNode:
    id: int
    name: str
    level: str | None
    parent_id: int | None
    reports: int = 0  # reports in this region and below
    children: list[RegionNode] = field(default_factory=list)


def region_tree(store: Store, visible: Collection[int] | None = None) -> list[RegionNode]:
    """The regions as a tree (省›市›县›乡镇) with report counts; only `visible` ones, rooted at the
    highest visible regions."""
    with store.session() as s:
        regions = list(s.execute(select(Region.id, Region.name, Region.level, Region.parent_id)))
        counts = dict(
            s.execute(
                select(ReportRow.region_id, func.count(ReportRow.id))
                .where(ReportRow.region_id.is_not(None))
                .group_by(ReportRow.region_id)
            ).all()
        )
    nodes = {
        rid: RegionNode(rid, name, level, parent)
        for rid, name, level, parent in regions
        if visible is None or rid in visible
    }
    roots: list[RegionNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)

    def total(node: RegionNode) -> int:
        node.children.sort(key=lambda n: n.name)
        node.reports = int(counts.get(node.id, 0)) + sum(total(c) for c in node.children)
        return node.reports

    for r in roots:
        total(r)
    roots.sort(key=lambda n: n.name)
    return roots


def regions_matching(store: Store, text: str) -> list[int]:
    """Regions whose name contains `text` (洪泽 → 洪泽区), with every region below them."""
    needle = text.strip()
    if not needle:
        return []
    with store.session() as s:
        rows = list(s.execute(select(Region.id, Region.name, Region.parent_id)))
    return subtree_of({rid for rid, name, _ in rows if needle in name}, rows)


def subtree(store: Store, region_ids: Iterable[int]) -> list[int]:
    with store.session() as s:
        rows = list(s.execute(select(Region.id, Region.name, Region.parent_id)))
    return subtree_of(set(region_ids), rows)


def subtree_of(start: set[int], rows: Iterable[tuple[int, str, int | None]]) -> list[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for rid, _, parent in rows:
        children[parent].append(rid)
    out: set[int] = set()
    todo = list(start)
    while todo:
        cur = todo.pop()
        if cur not in out:
            out.add(cur)
            todo.extend(children.get(cur, []))
    return sorted(out)


def region_name(store: Store, region_id: int) -> str | None:
    with store.session() as s:
        return s.scalar(select(Region.name).where(Region.id == region_id))


# --- what the report pages need besides the report ----------------------------------------
def report_row_info(store: Store, report_id: int) -> dict[str, Any] | None:
    """Where a report came from and when it was added (two versions are told apart by these)."""
    with store.session() as s:
        row = s.execute(
            select(
                ReportRow.id,
                ReportRow.source,
                ReportRow.created_at,
                ReportRow.organ_id,
                ReportRow.year,
                ReportRow.region_id,
                ReportRow.consolidated,
                Document.path,
                Document.format,
                Document.sha256,
                Document.ingested_at,
            )
            .outerjoin(Document, Document.id == ReportRow.document_id)
            .where(ReportRow.id == report_id)
        ).first()
    return None if row is None else dict(row._mapping)


def versions(store: Store, report_id: int) -> list[dict[str, Any]]:
    """The other stored reports of the same organ and year (not consolidations), oldest first."""
    with store.session() as s:
        row = s.get(ReportRow, report_id)
        if row is None or row.organ_id is None or row.year is None or row.consolidated:
            return []
        q = (
            select(ReportRow.id, ReportRow.source, ReportRow.created_at, ReviewState.state)
            .outerjoin(ReviewState, ReviewState.report_id == ReportRow.id)
            .where(
                ReportRow.organ_id == row.organ_id,
                ReportRow.year == row.year,
                ReportRow.consolidated.is_(False),
            )
            .order_by(ReportRow.created_at, ReportRow.id)
        )
        return [dict(r._mapping) for r in s.execute(q)]


def own_reports(store: Store, region_id: int, year: int, kinds: Collection[str]) -> list[dict[str, Any]]:
    """The region's own government's reports for the year (its 本级 report, not a unit's)."""
    with store.session() as s:
        q = (
            select(ReportRow.id, ReportRow.source, ReportRow.consolidated, Organ.name)
            .join(Organ, Organ.id == ReportRow.organ_id)
            .where(Organ.region_id == region_id, Organ.kind.in_(list(kinds)), ReportRow.year == year)
            .order_by(ReportRow.id)
        )
        return [dict(r._mapping) for r in s.execute(q)]


def recent_jobs(store: Store, owner_id: int | None, limit: int = 100) -> list[dict[str, Any]]:
    """Upload jobs, newest first: one user's (or everyone's, for an administrator: None)."""
    from .schema import JobRow

    with store.session() as s:
        q = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if owner_id is not None:
            q = q.where(JobRow.owner_id == owner_id)
        return [
            {
                "id": j.id,
                "owner": j.owner,
                "status": j.status,
                "created_at": j.created_at,
                "items": list(j.items or []),
            }
            for j in s.scalars(q)
        ]


def report_briefs(store: Store, report_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """id → organ (canonical name), year, when it was stored: for an upload's per-file lines."""
    if not report_ids:
        return {}
    with store.session() as s:
        q = (
            select(
                ReportRow.id, func.coalesce(Organ.name, ReportRow.organ), ReportRow.year, ReportRow.created_at
            )
            .outerjoin(Organ, Organ.id == ReportRow.organ_id)
            .where(ReportRow.id.in_(sorted(report_ids)))
        )
        return {
            rid: {"organ": organ, "year": year, "added": added} for rid, organ, year, added in s.execute(q)
        }


def organ_report_for_year(store: Store, organ_id: int, year: int) -> int | None:
    with store.session() as s:
        return s.scalar(
            select(ReportRow.id)
            .where(ReportRow.organ_id == organ_id, ReportRow.year == year, ReportRow.consolidated.is_(False))
            .order_by(ReportRow.id.desc())
            .limit(1)
        )


def unit_values(
    store: Store, report_ids: Sequence[int], keys: Collection[str] | None = None
) -> dict[int, dict[str, float | None]]:
    """Cell values of several reports at once: report id → key → value (the region breakdown)."""
    out: dict[int, dict[str, float | None]] = defaultdict(dict)
    if not report_ids:
        return {}
    with store.session() as s:
        q = select(CellRow.report_id, CellRow.key, CellRow.value).where(
            CellRow.report_id.in_(list(report_ids))
        )
        if keys is not None:
            q = q.where(CellRow.key.in_(list(keys)))
        for rid, key, value in s.execute(q):
            out[rid][key] = value
    return dict(out)


def open_counts(store: Store, report_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if not report_ids:
        return {}
    with store.session() as s:
        for rid, sev, n in s.execute(
            select(FindingRow.report_id, FindingRow.severity, func.count(FindingRow.id))
            .where(FindingRow.report_id.in_(list(report_ids)), FindingRow.accepted.is_(False))
            .group_by(FindingRow.report_id, FindingRow.severity)
        ):
            out[rid][sev] = int(n)
    return dict(out)


def finding_notes(store: Store, report_ids: Sequence[int]) -> dict[int, str | None]:
    """finding id → the reviewer's note, for the accepted findings of these reports."""
    if not report_ids:
        return {}
    with store.session() as s:
        return dict(
            s.execute(
                select(FindingRow.id, FindingRow.comment).where(
                    FindingRow.report_id.in_(list(report_ids)), FindingRow.accepted.is_(True)
                )
            ).all()
        )


def finding_report_id(store: Store, finding_id: int) -> int | None:
    with store.session() as s:
        return s.scalar(select(FindingRow.report_id).where(FindingRow.id == finding_id))


def years(store: Store) -> list[int]:
    with store.session() as s:
        return sorted(
            {
                cast(int, y)
                for y in s.scalars(select(ReportRow.year).where(ReportRow.year.is_not(None)).distinct())
            },
            reverse=True,
        )


__all__ = [
    "SORTS",
    "STATES",
    "FindingLine",
    "QueueFilter",
    "QueueRow",
    "RegionNode",
    "ReviewState",
    "Scope",
    "accept_code",
    "choose_version",
    "findings",
    "queue",
    "region_tree",
    "set_state",
]
