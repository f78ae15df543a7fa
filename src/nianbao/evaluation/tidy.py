"""The indicators over the whole database as a tidy table: one row per report × indicator.

For researchers (`nianbao.evaluate(...)` → pandas, `nianbao evaluate --tidy -o all.parquet`):
every stored report a unit published (not the sums nianbao generated; each version of a year
included), scored with the same rubric as the regional evaluation, its previous year being the
report of the same organ the regional evaluation scores for the year before. Reports are read in batches of organs, so memory stays flat whatever the database size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..store import Store, StoredReport
from ..store import evaluation as queries
from ..store.evaluation import OrganNode, ReportKey
from .region import _Tree, best_reports, cell_prefixes, facts_for, level_label, publication_dates
from .rubric import Rubric, load_rubric
from .score import STATUS_ZH, IndicatorResult, ReportScore, score_report

BATCH_REPORTS = 500

# column -> Chinese heading (for CSV/XLSX); the Parquet/pandas columns keep the English names
TIDY_COLUMNS: dict[str, str] = {
    "report_id": "报告编号",
    "organ_id": "单位编号",
    "organ": "单位",
    "organ_printed": "报告署名",
    "region_id": "地区编号",
    "region": "地区",
    "level": "层级",
    "year": "年度",
    "template": "表格格式",
    "indicator": "指标代码",
    "indicator_name": "指标",
    "category": "板块",
    "value": "指标值",
    "value_unit": "计量单位",
    "sample": "样本量",
    "status": "状态",
    "colour": "颜色",
    "points": "得分",
    "weight": "权重",
    "report_score": "报告总分（百分制）",
    "evidence": "依据",
    "evidence_refs": "依据位置",
}


def indicator_rows(rubric: Rubric, score: ReportScore, base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The tidy rows of one scored report (`base` carries the report's own columns)."""
    total = score.score
    for ind in rubric.indicators:
        r = score.results[ind.key]
        yield {
            **base,
            "indicator": ind.key,
            "indicator_name": ind.name,
            "category": ind.category,
            "value": r.value,
            "value_unit": ind.unit,
            "sample": r.sample,
            "status": STATUS_ZH[r.status],
            "colour": _colour_zh(r),
            "points": r.points,
            "weight": r.weight,
            "report_score": total,
            "evidence": evidence_text(r),
            "evidence_refs": evidence_refs(r),
        }


def _colour_zh(r: IndicatorResult) -> str | None:
    return {"green": "绿", "yellow": "黄", "red": "红"}.get(r.colour or "")


def evidence_text(r: IndicatorResult, limit: int = 12) -> str:
    parts = [e.text for e in r.evidence[:limit]]
    if len(r.evidence) > limit:
        parts.append(f"等 {len(r.evidence)} 项")
    if r.status != "rated" and r.reason:
        parts.insert(0, r.reason)
    return "；".join(parts)


def evidence_refs(r: IndicatorResult) -> str:
    """Where the evidence sits in the web app: /reports/<id>#cell-<key>, /reports/<id>#finding-<id>."""
    return " ".join(e.href for e in r.evidence if e.href and e.anchor)


def tidy_rows(
    store: Store, rubric: Rubric | None = None, region: str | int | None = None, year: int | None = None
) -> Iterator[dict[str, Any]]:
    rubric = rubric or load_rubric()
    tree = _Tree(queries.regions(store))
    if region is not None:
        root = tree.find(region)
        organs = {o.id: o for o in queries.organs(store, tree.subtree(root.id))}
        keys = queries.report_keys(store, organs, None if year is None else (year - 1, year))
    else:
        organs = {o.id: o for o in queries.organs(store)}
        keys = queries.report_keys(store, None, None if year is None else (year - 1, year))
    for batch in _batches(keys):
        yield from _score_batch(store, rubric, tree, organs, batch, year)


def _batches(keys: list[ReportKey]) -> Iterator[list[ReportKey]]:
    """Keys grouped so that each organ's years fall in one batch (its previous year is at hand)."""
    by_organ: dict[int, list[ReportKey]] = {}
    loose: list[ReportKey] = []
    for k in keys:
        if k.organ_id is None:
            loose.append(k)
        else:
            by_organ.setdefault(k.organ_id, []).append(k)
    batch: list[ReportKey] = []
    for oid in sorted(by_organ):
        batch.extend(by_organ[oid])
        if len(batch) >= BATCH_REPORTS:
            yield batch
            batch = []
    if batch:
        yield batch
    for i in range(0, len(loose), BATCH_REPORTS):
        yield loose[i : i + BATCH_REPORTS]


def _score_batch(
    store: Store,
    rubric: Rubric,
    tree: _Tree,
    organs: dict[int, OrganNode],
    batch: list[ReportKey],
    year: int | None,
) -> Iterator[dict[str, Any]]:
    loaded = store.load_reports([k.id for k in batch], cell_prefixes=cell_prefixes(rubric), provenance=False)
    # every report gets its rows (two versions of a year are two rows each); "last year" is the
    # organ's report the regional evaluation would score for the year before
    best = best_reports(sr for sr in loaded if sr.organ_id is not None)
    chosen: list[tuple[StoredReport, StoredReport | None]] = []
    for sr in sorted(loaded, key=lambda x: (x.organ_id or 0, x.report.year or 0, x.id)):
        y = sr.report.year
        prev = best.get((sr.organ_id, y - 1)) if sr.organ_id is not None and y is not None else None
        chosen.append((sr, prev))
    online = publication_dates(store, [sr.id for sr, _ in chosen])
    for sr, prev in chosen:
        if year is not None and sr.report.year != year:
            continue
        organ = organs.get(sr.organ_id) if sr.organ_id is not None else None
        region = tree.nodes.get(sr.region_id) if sr.region_id is not None else None
        kind = organ.kind if organ else None
        score = score_report(rubric, facts_for(sr, rubric, kind, prev, online))
        base = {
            "report_id": sr.id,
            "organ_id": sr.organ_id,
            "organ": sr.organ_name or sr.report.organ,
            "organ_printed": sr.report.organ,
            "region_id": sr.region_id,
            "region": region.name if region else sr.report.region,
            "level": level_label(kind, region.level if region else None),
            "year": sr.report.year,
            "template": sr.report.template,
        }
        yield from indicator_rows(rubric, score, base)
