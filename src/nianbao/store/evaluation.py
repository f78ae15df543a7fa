"""Queries for `nianbao.evaluation`: the region tree, the organs under it, which reports to score.

Functions taking the store first, as the other repositories. Read-only and light: plain rows (no ORM objects leave the session), so an evaluation of a province
asks the database three small questions and then loads only the reports it scores, through
`Store.load_reports`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, not_, or_, select

from .schema import CellEdit, FindingRow, Organ, Region, ReportRow

if TYPE_CHECKING:
    from .store import Store

# what `nianbao consolidate --save` and the web's 保存汇总 store: sums nianbao made, not a publication
GENERATED_SOURCE_PREFIX = "consolidated:"
_CHUNK = 500


@dataclass(frozen=True)
class RegionNode:
    id: int
    name: str
    level: str | None
    parent_id: int | None


@dataclass(frozen=True)
class OrganNode:
    id: int
    name: str
    kind: str | None  # 政府 / 部门 / 乡镇 / 街道 / 其他
    region_id: int | None


@dataclass(frozen=True)
class ReportKey:
    id: int
    organ_id: int | None
    region_id: int | None
    year: int | None
    consolidated: bool


def regions(store: Store) -> list[RegionNode]:
    with store.session() as s:
        rows = s.execute(select(Region.id, Region.name, Region.level, Region.parent_id).order_by(Region.id))
        return [RegionNode(*r) for r in rows]


def organs(store: Store, region_ids: Collection[int] | None = None) -> list[OrganNode]:
    """Organs in these regions (every organ when None), in id order."""
    cols = (Organ.id, Organ.name, Organ.kind, Organ.region_id)
    with store.session() as s:
        if region_ids is None:
            return [OrganNode(*r) for r in s.execute(select(*cols).order_by(Organ.id))]
        out: list[OrganNode] = []
        for chunk in _chunks(sorted(region_ids)):
            out.extend(OrganNode(*r) for r in s.execute(select(*cols).where(Organ.region_id.in_(chunk))))
        return sorted(out, key=lambda o: o.id)


def report_keys(
    store: Store, organ_ids: Collection[int] | None = None, years: Collection[int] | None = None
) -> list[ReportKey]:
    """The published reports of these organs and years (all when None), without the sums
    nianbao generated itself (a saved consolidation is not something a unit published)."""
    cols = (ReportRow.id, ReportRow.organ_id, ReportRow.region_id, ReportRow.year, ReportRow.consolidated)
    published = or_(
        ReportRow.document_id.is_not(None),
        ReportRow.source.is_(None),
        not_(ReportRow.source.startswith(GENERATED_SOURCE_PREFIX, autoescape=True)),
    )  # spelled out: NOT (NULL LIKE …) is NULL, which would drop reports without a source
    base = select(*cols).where(published)
    if years is not None:
        base = base.where(ReportRow.year.in_(sorted(years)))
    with store.session() as s:
        if organ_ids is None:
            return [ReportKey(*r) for r in s.execute(base.order_by(ReportRow.id))]
        out: list[ReportKey] = []
        for chunk in _chunks(sorted(organ_ids)):
            out.extend(ReportKey(*r) for r in s.execute(base.where(ReportRow.organ_id.in_(chunk))))
        return sorted(out, key=lambda k: k.id)


def years(store: Store) -> list[int]:
    """Report years in the database, newest first."""
    with store.session() as s:
        rows = s.scalars(select(ReportRow.year).where(ReportRow.year.is_not(None)).distinct())
        return sorted((y for y in rows if y is not None), reverse=True)


def data_version(store: Store) -> tuple[int, ...]:
    """Changes whenever anything a score depends on changes: a report added or deleted, a finding
    added, replaced or accepted, a cell corrected, an organ moved, a region loaded (for caches)."""
    with store.session() as s:
        row = s.execute(
            select(
                select(func.count(ReportRow.id)).scalar_subquery(),
                select(func.coalesce(func.max(ReportRow.id), 0)).scalar_subquery(),
                select(func.count(FindingRow.id)).scalar_subquery(),
                select(func.coalesce(func.max(FindingRow.id), 0)).scalar_subquery(),
                select(func.count(FindingRow.id)).where(FindingRow.accepted.is_(True)).scalar_subquery(),
                select(func.coalesce(func.max(CellEdit.id), 0)).scalar_subquery(),
                select(func.count(Organ.id)).scalar_subquery(),
                select(func.coalesce(func.sum(ReportRow.organ_id), 0)).scalar_subquery(),
                select(func.count(Region.id)).scalar_subquery(),
                select(func.coalesce(func.sum(Region.parent_id), 0)).scalar_subquery(),
            )
        ).one()
        return tuple(int(v or 0) for v in row)


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]
