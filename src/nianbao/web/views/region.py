"""The region × year page: the consolidation, each number broken down by unit, who has not
reported (the 催报清单), and the region's own report apart from its units."""

from __future__ import annotations

from typing import Any

from ...corpus.consolidate import GOVERNMENT_KINDS, Consolidation
from ...review.labels import cell_label, number
from ...store import Store
from ...store import review as repo
from ...templates import TABLE_IDS, get_template, template_for_year
from ..tables import grid


def region_view(store: Store, c: Consolidation, region_id: int) -> dict[str, Any]:
    tpl = c.report.template or template_for_year(c.year).id
    template = get_template(tpl)
    units = [u for u in c.units if u.report is not None]
    ids = [u.report.id for u in units]  # type: ignore[union-attr]
    values = repo.unit_values(store, ids)
    breakdown = []
    for tid in TABLE_IDS:
        rows = []
        for key in template.table(tid).cell_keys:
            total = c.report.value(key)
            if not total:
                continue
            rows.append(
                {
                    "key": key,
                    "label": cell_label(tpl, key) or key,
                    "total": number(total),
                    "units": [number(values.get(i, {}).get(key)) for i in ids],
                }
            )
        breakdown.append({"id": tid, "name": template.table(tid).title, "rows": rows})
    own = [
        r
        for r in repo.own_reports(store, region_id, c.year, GOVERNMENT_KINDS)
        if r["id"] not in set(ids) and not r["consolidated"]
    ]
    return {
        "tpl": tpl,
        "grids": {t: grid(tpl, t) for t in TABLE_IDS},
        "sums": {k: cv.value for k, cv in c.report.cells.items()},
        "units": units,
        "breakdown": breakdown,
        "own": own,
        "can_save": bool(units),
    }


def chase_list(c: Consolidation) -> tuple[list[str], list[list[object]]]:
    """催报清单: the expected units without a report for the year."""
    header = ["序号", "单位", "所属地区", "年度", "状态"]
    rows: list[list[object]] = [
        [i, u.name, u.region or c.region, c.year, "未报送"] for i, u in enumerate(c.missing, 1)
    ]
    return header, rows
