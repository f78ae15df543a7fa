"""The columns an export needs, and no more: wide tables do not decode provenance or sections.

`load_reports` rebuilds whole reports (every cell's provenance JSON, the sections' text, every
finding); a wide CSV or Parquet export reads, per report, its metadata, the values of its cells and
the number of errors and warnings. `ExportRow` carries that; values are coerced as `load_reports`
coerces them (an integer column gives ints back).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ..findings import Finding, Severity
from . import findings as finding_repo
from . import reports as report_repo
from .schema import CellRow, FindingRow, Organ, Region, ReportRow

if TYPE_CHECKING:
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


def rows(store: Store, ids: Sequence[int], findings: bool = False, chunk: int = 500) -> Iterator[ExportRow]:
    """The reports of `ids` in that order, `chunk` at a time (memory stays flat)."""
    ids = list(ids)
    with store.session() as s:
        regions = dict(s.execute(select(Region.id, Region.name)).all())
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            reports = {
                r.id: r
                for r in s.execute(
                    select(
                        ReportRow.id,
                        ReportRow.organ,
                        ReportRow.organ_id,
                        ReportRow.region,
                        ReportRow.region_id,
                        ReportRow.year,
                        ReportRow.template,
                        ReportRow.table_templates,
                        ReportRow.published,
                        ReportRow.source,
                    ).where(ReportRow.id.in_(part))
                )
            }
            organ_ids = {r.organ_id for r in reports.values() if r.organ_id}
            organs = dict(s.execute(select(Organ.id, Organ.name).where(Organ.id.in_(organ_ids))).all())
            values: dict[int, dict[str, float | int | None]] = {i: {} for i in part}
            for rid, key, value in s.execute(
                select(CellRow.report_id, CellRow.key, CellRow.value)
                .where(CellRow.report_id.in_(part))
                .order_by(CellRow.id)
            ):
                values[rid][key] = value
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
                vals = values[rid]
                for key, value in vals.items():
                    vals[key] = report_repo.coerce_value(
                        key, value, tts.get(key.split(".", 1)[0]) or r.template
                    )
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
