"""逐级汇总: a region's consolidated tables as the sums of its units' tables.

The units of region R for a year are, level by level:
- the departments and other organs of R itself (not R's own government, which is what we produce),
- for each region directly below R (a town, a county), that region's government report — which
  is itself that level's consolidated report.

Expected units come from the hierarchy (organs seen in any year, regions from the text or a CSV);
those without a report for the year are listed as missing. Units with unaccepted error findings
on their tables are summed but listed as unreliable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding, Severity
from ..model import CellValue, Report, Section
from ..store import ReportFilter, Store, StoredReport
from ..store.schema import Organ, Region
from ..templates import sections, template_for_year

GOVERNMENT_KINDS = ("政府", "乡镇", "街道")
# findings that make a unit's numbers untrustworthy for a sum
_TABLE_CODE_PREFIXES = ("T2_", "T3_", "T4_", "TABLE_", "CELL_", "TEMPLATE_")


@dataclass
class Unit:
    name: str
    organ_id: int | None
    region: str | None = None
    report: StoredReport | None = None
    problems: list[str] = field(default_factory=list)  # error codes that make the sum unreliable
    blank_cells: list[str] = field(default_factory=list)


@dataclass
class Consolidation:
    region: str
    year: int
    report: Report  # the consolidated report, ready for nianbao.writer
    units: list[Unit]  # units that reported and were summed

    missing: list[Unit]  # expected units without a report for the year
    unreliable: list[Unit]  # summed, but with errors in their tables

    @property
    def reliable(self) -> bool:
        return not self.missing and not self.unreliable


def unit_reports(store: Store, region: str, year: int) -> tuple[Region, list[Unit], list[Unit]]:
    """(the region, units with a report, expected units without one)."""
    with store.session() as s:
        from sqlalchemy import select

        candidates = list(s.scalars(select(Region).where(Region.name == region)))
        if not candidates:
            raise LookupError(
                f"数据库中没有地区“{region}”：请先导入报告或用 nianbao organs load-regions 加载区划"
            )
        reg = candidates[0]
        children = list(s.scalars(select(Region).where(Region.parent_id == reg.id).order_by(Region.id)))
        own_organs = list(s.scalars(select(Organ).where(Organ.region_id == reg.id).order_by(Organ.id)))
        child_govs = {
            c.id: list(
                s.scalars(
                    select(Organ)
                    .where(Organ.region_id == c.id, Organ.kind.in_(GOVERNMENT_KINDS))
                    .order_by(Organ.id)
                )
            )
            for c in children
        }
    expected: list[Unit] = [
        Unit(o.name, o.id, reg.name) for o in own_organs if o.kind not in GOVERNMENT_KINDS
    ]
    for child in children:
        govs = child_govs[child.id]
        if govs:
            expected.extend(Unit(o.name, o.id, child.name) for o in govs)
        else:  # a region known only from the CSV: its government has never reported
            expected.append(Unit(child.name + "人民政府", None, child.name))
    reported: list[Unit] = []
    missing: list[Unit] = []
    for unit in expected:
        found = (
            store.reports(ReportFilter(organ_id=unit.organ_id, year=year))
            if unit.organ_id is not None
            else []
        )
        if not found:
            missing.append(unit)
            continue
        # a lower level's own consolidated report is what 逐级汇总 adds up; then the cleanest one
        unit.report = min(found, key=lambda r: (not r.consolidated, _errors(r), r.id))
        reported.append(unit)
    return reg, reported, missing


def _errors(sr: StoredReport) -> int:
    return sum(1 for f in sr.report.findings if f.severity == Severity.ERROR and not f.data.get("accepted"))


def consolidate(store: Store, region: str, year: int) -> Consolidation:
    reg, units, missing = unit_reports(store, region, year)
    template = template_for_year(year)
    sums: dict[str, float] = {}
    for key in template.cell_keys:
        total = 0.0
        for unit in units:
            assert unit.report is not None
            v = unit.report.report.value(key)
            if v is None:
                unit.blank_cells.append(key)
                continue
            total += v
        sums[key] = total
    unreliable = []
    for unit in units:
        assert unit.report is not None
        unit.problems = sorted(
            {
                f.code
                for f in unit.report.report.findings
                if f.severity == Severity.ERROR
                and f.code.startswith(_TABLE_CODE_PREFIXES)
                and not f.data.get("accepted")
            }
        )
        if unit.problems:
            unreliable.append(unit)
    report = Report(
        source=f"consolidated:{reg.name}:{year}",
        format="consolidated",
        organ=f"{reg.name}人民政府",
        region=reg.name,
        year=year,
        template=template.id,
        table_templates={t: template.id for t in template.tables},
        title=f"{reg.name}{year}年政府信息公开工作年度报告（汇总）",
        tables_present=set(template.tables),
    )
    for key in template.cell_keys:
        table = template.table(key.split(".", 1)[0])
        v = sums[key]
        value: float | int = int(round(v)) if table.column(key).integer else round(v, 6)
        report.cells[key] = CellValue(value, raw=None, method="consolidated")
    report.sections = [Section(s.key, f"{s.number}、{s.title}", f"{s.number}、", "") for s in sections()]
    for unit in missing:
        report.add(
            Finding(
                "CONSOLIDATION_MISSING_UNIT",
                f"{unit.name}未报送{year}年度报告，汇总数不含该单位",
                severity=Severity.WARNING,
                data={"unit": unit.name},
            )
        )
    for unit in unreliable:
        report.add(
            Finding(
                "CONSOLIDATION_UNRELIABLE_UNIT",
                f"{unit.name}的报告存在错误（{'、'.join(unit.problems)}），汇总数可能不准确",
                severity=Severity.WARNING,
                data={"unit": unit.name, "codes": unit.problems},
            )
        )
    return Consolidation(reg.name, year, report, units, missing, unreliable)


def unit_sums(
    store: Store, region_id: int, year: int, keys: list[str]
) -> tuple[dict[str, float], int] | None:
    """The sums the AGG_MISMATCH rule compares a consolidated report with (None: no units)."""
    with store.session() as s:
        reg = s.get(Region, region_id)
    if reg is None:
        return None
    try:
        c = consolidate(store, reg.name, year)
    except LookupError:
        return None
    if not c.units:
        return None
    return {k: c.report.value(k) for k in keys if c.report.value(k) is not None}, len(c.units)  # type: ignore[misc]
