"""REPORT_VERSION_CONFLICT: two stored versions of one organ's report for the same year whose
numbers disagree (a page and its PDF attachment, a corrected re-publication, an upload and a
crawl). Each version gets the finding, naming the other and the differing cells; the reviewer
picks the authoritative one on the report page (which settles the findings of all versions).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import TYPE_CHECKING

from ..findings import Code, Finding, Severity
from ..plugins import corpus_rule

if TYPE_CHECKING:
    from ..corpus.context import CorpusContext

SHOWN = 5  # differing cells spelled out in the message; all of them are in `cells`


def _num(v: float | int | None) -> str:
    if v is None:
        return "空"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@corpus_rule(
    "report_versions",
    codes=[Code("REPORT_VERSION_CONFLICT", Severity.ERROR, "同一年度有多个版本且数据不一致")],
)
def version_conflict(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    from ..review.labels import report_cell_label

    groups = [
        (organ, year, found)
        for organ, years in ctx.by_organ.items()
        for year, found in years.items()
        if len(found) > 1
    ]
    for _organ, year, found in groups:
        # the context holds only the cells the cross-year rules read: load these few in full
        full = {sr.id: sr for sr in ctx.store.load_reports([sr.id for sr in found])}
        for a_id, b_id in combinations(sorted(full), 2):
            a, b = full[a_id], full[b_id]
            keys = [
                k
                for k in a.report.cells
                if k in b.report.cells
                and a.report.value(k) is not None
                and b.report.value(k) is not None
                and a.report.value(k) != b.report.value(k)
            ]
            if not keys:
                continue
            for me, other in ((a, b), (b, a)):
                shown = "；".join(
                    f"{report_cell_label(me.report, k) or k}：本报告 {_num(me.report.value(k))}，"
                    f"另一版本 {_num(other.report.value(k))}"
                    for k in keys[:SHOWN]
                )
                more = f"等 {len(keys)} 处" if len(keys) > SHOWN else f"共 {len(keys)} 处"
                yield (
                    me.id,
                    Finding(
                        "REPORT_VERSION_CONFLICT",
                        f"本机关{year}年度另有一个版本（报告编号 {other.id}，来源：{other.report.source}）"
                        f"与本报告数据不一致，{more}（{shown}）；请核实并选定以哪一版本为准",
                        cells=keys,
                        data={"other_report_id": other.id, "differing": len(keys)},
                    ),
                )
