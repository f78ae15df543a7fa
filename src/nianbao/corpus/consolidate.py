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

from ..findings import CATALOGUE, Finding, Severity
from ..model import CellValue, Report, Section
from ..store import ReportFilter, Store, StoredReport
from ..store import organs as organ_repo
from ..store import reports as report_repo
from ..templates import sections, template_for_year

GOVERNMENT_KINDS = organ_repo.GOVERNMENT_KINDS
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
    region: str  # the region's name with its parents (甲市兴隆县): namesakes are told apart
    year: int
    report: Report  # the consolidated report, ready for nianbao.writer
    units: list[Unit]  # units that reported and were summed

    missing: list[Unit]  # expected units without a report for the year
    unreliable: list[Unit]  # summed, but with errors in their tables

    region_id: int = 0

    @property
    def reliable(self) -> bool:
        return not self.missing and not self.unreliable


def region_of(store: Store, region: int | str) -> int:
    """A region id from an id or a user's name; a name shared by several regions is refused."""
    if isinstance(region, int):
        if organ_repo.region(store, region) is None:
            raise LookupError(f"数据库中没有编号为 {region} 的地区")
        return region
    found = organ_repo.find_regions(store, region)
    if not found:
        raise LookupError(
            f"数据库中没有地区“{region}”：请先导入报告或用 nianbao organs load-regions 加载区划"
        )
    if len(found) > 1:
        names = "、".join(organ_repo.region_path(store, rid) for rid in found)
        raise LookupError(
            f"有 {len(found)} 个地区名为“{region}”（{names}）：请连同上级地区写出，如“{names.split('、')[0]}”"
        )
    return found[0]


def unit_reports(store: Store, region: int | str, year: int) -> tuple[str, int, list[Unit], list[Unit]]:
    """(the region's name, its id, units with a report, expected units without one)."""
    region_id = region_of(store, region)
    found_units = organ_repo.region_units(store, region_id)
    assert found_units is not None
    reg = found_units.region
    expected: list[Unit] = [
        Unit(o.name, o.id, reg.name) for o in found_units.own_organs if o.kind not in GOVERNMENT_KINDS
    ]
    for child in found_units.children:
        govs = found_units.child_governments[child.id]
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
    return reg.name, region_id, reported, missing


def _errors(sr: StoredReport) -> int:
    return sum(1 for f in sr.report.findings if f.severity == Severity.ERROR and not f.data.get("accepted"))


def consolidate(store: Store, region: int | str, year: int) -> Consolidation:
    """逐级汇总 of a region (an id, or a name that denotes one region) for a year."""
    name, region_id, units, missing = unit_reports(store, region, year)
    path = organ_repo.region_path(store, region_id)
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
        source=f"consolidated:{path}:{year}",
        format=report_repo.SAVED_CONSOLIDATION,
        organ=f"{path}人民政府",
        region=path,
        year=year,
        template=template.id,
        table_templates={t: template.id for t in template.tables},
        title=f"{name}{year}年政府信息公开工作年度报告（汇总）",
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
                f"{unit.name}的报告存在错误（{'、'.join(CATALOGUE.get(c, (None, c))[1] for c in unit.problems)}），汇总数可能不准确",
                severity=Severity.WARNING,
                data={"unit": unit.name, "codes": unit.problems},
            )
        )
    return Consolidation(path, year, report, units, missing, unreliable, region_id)


def save_consolidation(store: Store, c: Consolidation) -> int:
    """Store a consolidation as its region's consolidated report for the year, replacing the one
    saved before, filed under that very region (by id, never by its name)."""
    return report_repo.replace_consolidation(store, c.report, c.region_id)


def unit_sums(
    store: Store, region_id: int, year: int, keys: list[str]
) -> tuple[dict[str, float], int] | None:
    """The sums the AGG_MISMATCH rule compares a consolidated report with (None: no units)."""
    try:
        c = consolidate(store, region_id, year)
    except LookupError:
        return None
    if not c.units:
        return None
    return {k: c.report.value(k) for k in keys if c.report.value(k) is not None}, len(c.units)  # type: ignore[misc]
