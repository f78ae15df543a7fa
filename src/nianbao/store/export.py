"""The columns an export needs, and no more: wide tables do not decode provenance or sections.

`load_reports` rebuilds whole reports (every cell's provenance JSON, the sections' text, every
finding); a wide CSV or Parquet export reads, per report, its metadata, the values of its cells and
the number of errors and warnings. `ExportRow` carries that; values are coerced as `load_reports`
coerces them (an integer column gives ints back).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..findings import Finding, Severity
from . import findings as finding_repo
from . import reports as report_repo
from .schema import CellRow, FindingRow, Organ, Region, ReportRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .store import Store


@dataclass
class ExportRow:
    id: int
    organ: str | None
    organ_canonical: str | None
    region: str | None  # the region filed under, else as printed
    year: int | None
    template: str | None
    table_templates: dict[str, str]
    published: str | None
    source: str | None
    errors: int
    warnings: int
    values: dict[str, float | int | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # only with `findings=True`

    def value(self, key: str) -> float | int | None:
        return self.values.get(key)


# what every export row says of its report
_REPORT_COLUMNS = (
    ReportRow.id,
    ReportRow.source,
    ReportRow.organ,
    ReportRow.organ_id,
    ReportRow.region,
    ReportRow.region_id,
    ReportRow.year,
    ReportRow.template,
    ReportRow.table_templates,
    ReportRow.published,
)


def _coerced(
    cells: dict[str, float | int | None], tts: dict[str, str], template: str | None
) -> dict[str, float | int | None]:
    """Stored values as `load_reports` gives them back (an integer column's values as ints)."""
    for key, value in cells.items():
        cells[key] = report_repo.coerce_value(key, value, tts.get(key.split(".", 1)[0]) or template)
    return cells


def _organs_and_values(
    s: Session, reports: dict[int, Any], part: list[int]
) -> tuple[dict[int, str], dict[int, dict[str, float | int | None]]]:
    """The canonical organ names of `reports` and the stored values of `part`, in cell order."""
    organ_ids = {r.organ_id for r in reports.values() if r.organ_id}
    organs = dict(s.execute(select(Organ.id, Organ.name).where(Organ.id.in_(organ_ids))).all())
    values: dict[int, dict[str, float | int | None]] = {i: {} for i in part}
    for rid, key, value in s.execute(
        select(CellRow.report_id, CellRow.key, CellRow.value)
        .where(CellRow.report_id.in_(part))
        .order_by(CellRow.id)
    ):
        values[rid][key] = value
    return organs, values


def rows(store: Store, ids: Sequence[int], findings: bool = False, chunk: int = 500) -> Iterator[ExportRow]:
    """The reports of `ids` in that order, `chunk` at a time (memory stays flat)."""
    ids = list(ids)
    with store.session() as s:
        regions = dict(s.execute(select(Region.id, Region.name)).all())
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            reports = {r.id: r for r in s.execute(select(*_REPORT_COLUMNS).where(ReportRow.id.in_(part)))}
            organs, values = _organs_and_values(s, reports, part)
            counts: dict[int, dict[str, int]] = {}
            for rid, severity, n in s.execute(
                select(FindingRow.report_id, FindingRow.severity, func.count())
                .where(FindingRow.report_id.in_(part))
                .group_by(FindingRow.report_id, FindingRow.severity)
            ):
                counts.setdefault(rid, {})[severity] = n
            found = finding_repo.of_reports(s, part) if findings else {}
            for rid in part:
                r = reports.get(rid)
                if r is None:
                    continue
                tts = dict(r.table_templates or {})
                vals = _coerced(values[rid], tts, r.template)
                tally = counts.get(rid, {})
                yield ExportRow(
                    id=rid,
                    organ=r.organ,
                    organ_canonical=organs.get(r.organ_id) if r.organ_id else None,
                    region=(regions.get(r.region_id) if r.region_id else None) or r.region,
                    year=r.year,
                    template=r.template,
                    table_templates=tts,
                    published=r.published,
                    source=r.source or "",
                    errors=tally.get(str(Severity.ERROR), 0),
                    warnings=tally.get(str(Severity.WARNING), 0),
                    values=vals,
                    findings=[f for _, f in found.get(rid, [])],
                )


def report_dicts(store: Store, ids: Sequence[int], chunk: int = 500) -> Iterator[dict[str, Any]]:
    """The reports of `ids` as `Report.to_dict()` writes them (the `nianbao parse --jsonl`
    contract, no provenance), with their store id and canonical organ, straight from the rows:
    no `Report`, no cell object, no provenance decoded."""
    ids = list(ids)
    with store.session() as s:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            reports = {
                r.id: r
                for r in s.execute(
                    select(*_REPORT_COLUMNS, ReportRow.title, ReportRow.format, ReportRow.sections).where(
                        ReportRow.id.in_(part)
                    )
                )
            }
            organs, values = _organs_and_values(s, reports, part)
            found = finding_repo.of_reports(s, part)
            for rid in part:
                r = reports.get(rid)
                if r is None:
                    continue
                tts = dict(r.table_templates or {})
                cells = _coerced(values[rid], tts, r.template)
                yield {
                    "source": r.source or "",
                    "organ": r.organ,
                    "region": r.region,
                    "year": r.year,
                    "template": r.template,
                    "table_templates": tts,
                    "published": r.published,
                    "title": r.title,
                    "format": r.format,
                    "cells": cells,
                    "findings": [f.to_dict() for _, f in found.get(rid, [])],
                    "sections": [
                        {
                            "key": x.get("key"),
                            "heading": x.get("heading", ""),
                            "number": x.get("number"),
                            "chars": len(x.get("text", "")),
                        }
                        for x in (r.sections or [])
                    ],
                    "id": rid,
                    "organ_canonical": organs.get(r.organ_id) if r.organ_id else None,
                }
