"""Dashboard figures, their keys from the templates."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ...findings import CATALOGUE
from ...store import ReportFilter, Store
from ...store import findings as finding_repo
from ...store import organs as organ_repo
from ...store import reports as report_repo
from ...templates import Role, templates
from ..auth import Principal


def _dashboard_keys() -> tuple[
    dict[str, str], dict[str, str], dict[str, str], dict[str, str], dict[str, str]
]:
    """Over every template: cell key -> applicant column, -> outcome group, -> yearly series; and
    the display names of applicants and outcome groups (the newest template's order and wording)."""
    applicant_of: dict[str, str] = {}
    group_of: dict[str, str] = {}
    series_of: dict[str, str] = {}
    applicant_names: dict[str, str] = {}
    group_names: dict[str, str] = {}
    for tpl in sorted(templates().values(), key=lambda t: -t.first_year):
        for col in tpl.applicants:
            applicant_of[tpl.role_key(Role.RECEIVED, col.key)] = col.key
            applicant_names.setdefault(col.key, col.label.official)
        for g in tpl.result_groups:
            group_names.setdefault(g.key, g.name)
            for k in g.cell_keys():
                group_of[k] = g.key
        series_of[tpl.role_key(Role.RECEIVED)] = "新收申请"
        t4 = tpl.table("t4")
        for row in t4.data_rows:  # 行政复议; 行政诉讼 (its two rows together)
            series_of[f"t4.{row.key}.{t4.total_columns[0].key}"] = row.parent or row.label.official
    return applicant_of, group_of, series_of, applicant_names, group_names


def dashboard(store: Store, principal: Principal, year: int | None = None) -> dict[str, Any]:
    rows = report_repo.keys(store, ReportFilter(scope=principal.scope, consolidated=False))
    ids = [r.id for r in rows if year is None or r.year == year]
    chosen = set(ids)
    year_of = {r.id: r.year for r in rows}
    region_of = {r.id: r.region_id for r in rows}
    regions = organ_repo.region_names(store)
    applicant_of, group_of, series_of, applicant_names, group_names = _dashboard_keys()
    applicants: defaultdict[str, float] = defaultdict(float)
    outcomes: defaultdict[str, float] = defaultdict(float)
    by_year: defaultdict[int, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_region: defaultdict[str, float] = defaultdict(float)
    for rid, key, value in report_repo.cell_values(store, [r.id for r in rows], ["t"]):
        if value is None:
            continue
        series = series_of.get(key)
        if series is not None:
            by_year[year_of[rid] or 0][series] += value
            if series == "新收申请" and rid in chosen:
                by_region[regions.get(region_of[rid] or -1, "未知地区")] += value
        if rid not in chosen:
            continue
        if key in applicant_of:
            applicants[applicant_of[key]] += value
        if key in group_of:
            outcomes[group_of[key]] += value
    finding_counts = finding_repo.code_counts(store, ids)
    ys = sorted(y for y in by_year if y)
    series_names = list(dict.fromkeys(series_of.values()))
    return {
        "year": year,
        "reports": len(ids),
        "applicants": [{"name": name, "value": applicants[k]} for k, name in applicant_names.items()],
        "outcomes": [{"name": name, "value": outcomes[k]} for k, name in group_names.items()],
        "years": ys,
        "series": [{"name": n, "data": [by_year[y][n] for y in ys]} for n in series_names],
        "findings": [
            {"code": c, "name": CATALOGUE.get(c, (None, c))[1], "value": n}
            for c, n in finding_counts.most_common(12)
        ],
        "ranking": [{"name": k, "value": v} for k, v in sorted(by_region.items(), key=lambda x: -x[1])[:15]],
    }
