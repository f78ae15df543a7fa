"""Writing evaluations: XLSX (ranking, detail, coverage, rubric sheets), CSV and Parquet.

XLSX colours each indicator's value green/yellow/red as the rubric judged it. Text that comes
from documents (unit names, evidence) is never written as a formula or link, and CSV text starting
with = + - @ gets a leading apostrophe, as in `nianbao export`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import NianbaoError
from .region import RegionEvaluation, UnitScore
from .rubric import Indicator, Rubric
from .tidy import TIDY_COLUMNS, evidence_refs, evidence_text, indicator_rows

FORMATS = ("xlsx", "csv", "parquet")

# unit-level columns of the region detail table, after the tidy ones
UNIT_COLUMNS: dict[str, str] = {
    "unit": "被评估单位",
    "group": "分组",
    "published": "是否发布",
    "rank": "区域排名",
    "level_rank": "层级排名",
    "previous_score": "上年总分",
    "movement": "总分变化",
    "previous_rank": "上年排名",
    "coverage": "地区覆盖率",
}
_FILL = {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE"}


class OutputError(NianbaoError):
    pass


def format_of(path: str | Path) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OutputError(f"不支持的输出格式“.{fmt}”：请用 .xlsx、.csv 或 .parquet")
    return fmt


# --- rows ----------------------------------------------------------------------------------------
def detail_rows(ev: RegionEvaluation) -> Iterator[dict[str, Any]]:
    """One row per unit × indicator, the unit's rank, level rank, movement and the coverage."""
    for u in ev.units:
        base = {
            "report_id": u.report_id,
            "organ_id": u.unit.organ_id,
            "organ": u.unit.name,
            "organ_printed": u.organ_printed,
            "region_id": u.unit.region_id,
            "region": u.unit.region_name,
            "level": u.unit.level,
            "year": ev.year,
            "template": u.template,
            "unit": u.unit.name,
            "group": u.unit.group,
            "published": u.published,
            "rank": u.rank,
            "level_rank": u.level_rank,
            "previous_score": u.previous_total,
            "movement": u.movement,
            "previous_rank": u.previous_rank,
            "coverage": ev.coverage,
        }
        yield from indicator_rows(ev.rubric, u.score, base)


def detail_columns() -> dict[str, str]:
    return {**TIDY_COLUMNS, **UNIT_COLUMNS}


def ranking_header(rubric: Rubric) -> list[str]:
    head = [
        "区域排名",
        "层级排名",
        "单位",
        "地区",
        "层级",
        "分组",
        "是否发布",
        "报告编号",
        "总分（百分制）",
        "得分",
        "满分",
        "红色指标",
        "黄色指标",
        "上年总分",
        "总分变化",
        "上年排名",
        "名次变化",
    ]
    for ind in rubric.indicators:
        head += [ind.name, f"{ind.name}·得分"]
    return head


def ranking_row(u: UnitScore, rubric: Rubric) -> list[Any]:
    row: list[Any] = [
        u.rank,
        u.level_rank,
        u.unit.name,
        u.unit.region_name,
        u.unit.level,
        u.unit.group,
        "是" if u.published else "否",
        u.report_id,
        u.total,
        round(u.score.points, 2),
        u.score.max_points,
        len(u.score.colours("red")),
        len(u.score.colours("yellow")),
        u.previous_total,
        u.movement,
        u.previous_rank,
        u.rank_change,
    ]
    for ind in rubric.indicators:
        r = u.score.results[ind.key]
        row += [_shown(ind, r.value) if r.status == "rated" else r.status_zh, r.points]
    return row


def _shown(ind: Indicator, v: float | None) -> float | None:
    if v is None:
        return None
    return round(v, 4) if ind.percent else round(v, 2)


def rubric_rows(rubric: Rubric) -> tuple[list[str], list[list[Any]]]:
    head = [
        "指标代码",
        "指标",
        "板块",
        "口径",
        "依据",
        "公式",
        "样本量公式",
        "最小样本",
        "方向",
        "阈值",
        "权重",
        "计分",
    ]
    rows = []
    for ind in rubric.indicators:
        rows.append(
            [
                ind.key,
                ind.name,
                ind.category,
                ind.caliber,
                ind.basis,
                ind.value.source,
                ind.sample.source if ind.sample else "",
                rubric.min_sample_of(ind) if ind.sample else "",
                "越高越好" if ind.better == "higher" else "越低越好",
                ind.threshold_text(),
                ind.weight,
                ind.score.source
                if ind.score
                else f"绿 {ind.weight:g}，黄 {ind.weight * rubric.yellow_points:g}，红 0",
            ]
        )
    return head, rows


# --- writers -------------------------------------------------------------------------------------
def write_region(ev: RegionEvaluation, path: str | Path) -> Path:
    path = Path(path)
    fmt = format_of(path)
    if fmt == "xlsx":
        path.write_bytes(region_xlsx(ev))
    else:
        write_table(detail_rows(ev), path, detail_columns())
    return path


def region_xlsx(ev: RegionEvaluation) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "text_wrap": True, "valign": "top"})
    fills = {c: wb.add_format({"bg_color": v}) for c, v in _FILL.items()}
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    rubric = ev.rubric

    ws = wb.add_worksheet("得分排名")
    head = ranking_header(rubric)
    ws.write_row(0, 0, head, bold)
    ws.freeze_panes(1, 3)
    first_ind = 17
    for i, u in enumerate(ev.units, start=1):
        row = ranking_row(u, rubric)
        for j, v in enumerate(row):
            fmt = None
            if j >= first_ind and (j - first_ind) % 2 == 0:
                r = u.score.results[rubric.indicators[(j - first_ind) // 2].key]
                fmt = fills.get(r.colour or "")
            _write(ws, i, j, v, fmt)
    ws.set_column(2, 2, 28)

    ws = wb.add_worksheet("指标明细")
    cols = detail_columns()
    ws.write_row(0, 0, list(cols.values()), bold)
    colour_col = list(cols).index("colour")
    for i, detail in enumerate(detail_rows(ev), start=1):
        fill = fills.get({"绿": "green", "黄": "yellow", "红": "red"}.get(detail["colour"] or "", ""))
        for j, k in enumerate(cols):
            _write(ws, i, j, detail.get(k), fill if j == colour_col else None)
    ws.set_column(list(cols).index("evidence"), list(cols).index("evidence"), 80)

    ws = wb.add_worksheet("覆盖率")
    ws.write_row(0, 0, ["地区", "年度", "应发布单位", "已发布", "覆盖率", "上年应发布", "上年已发布"], bold)
    prev = ev.previous_coverage or (None, None)
    _row(ws, 1, [ev.region.name, ev.year, ev.expected, ev.published, ev.coverage, prev[1], prev[0]])
    ws.write_row(3, 0, ["未发布单位", "地区", "层级"], bold)
    for i, u in enumerate(ev.missing, start=4):
        _row(ws, i, [u.unit.name, u.unit.region_name, u.unit.level])

    ws = wb.add_worksheet("评估细则")
    head, rows = rubric_rows(rubric)
    ws.write_row(0, 0, head, bold)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            _write(ws, i, j, v, wrap if j in (3, 4) else None)
    ws.set_column(3, 4, 60)
    ws.write(len(rows) + 2, 0, f"{rubric.name}（{rubric.source}）；最小样本 {rubric.min_sample:g}")
    wb.close()
    return out.getvalue()


def _write(ws: Any, r: int, c: int, v: Any, fmt: Any = None) -> None:
    if v is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, bool):
        ws.write_string(r, c, "是" if v else "否", fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def _row(ws: Any, r: int, values: list[Any]) -> None:
    for c, v in enumerate(values):
        _write(ws, r, c, v)


def write_table(rows: Iterable[dict[str, Any]], path: str | Path, columns: dict[str, str]) -> int:
    """Stream rows to CSV (Chinese headings, UTF-8 with BOM), Parquet (English columns, typed) or
    XLSX (constant memory); returns the number of rows."""
    path = Path(path)
    fmt = format_of(path)
    if fmt == "csv":
        return _csv(rows, path, columns)
    if fmt == "parquet":
        return _parquet(rows, path, columns)
    return _xlsx_stream(rows, path, columns)


def _csv_safe(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    if isinstance(v, bool):
        return "是" if v else "否"
    return "" if v is None else v


def _csv(rows: Iterable[dict[str, Any]], path: Path, columns: dict[str, str]) -> int:
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns.values())
        for row in rows:
            w.writerow([_csv_safe(row.get(k)) for k in columns])
            n += 1
    return n


_NUMERIC = {"value", "sample", "points", "weight", "report_score", "previous_score", "movement", "coverage"}
_INTEGER = {"report_id", "organ_id", "region_id", "year", "rank", "level_rank", "previous_rank"}


def _parquet(rows: Iterable[dict[str, Any]], path: Path, columns: dict[str, str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def typ(k: str) -> Any:
        if k in _NUMERIC:
            return pa.float64()
        if k in _INTEGER:
            return pa.int64()
        if k == "published":
            return pa.bool_()
        return pa.string()

    schema = pa.schema([(k, typ(k)) for k in columns])
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        buf: list[dict[str, Any]] = []
        for row in rows:
            buf.append({k: row.get(k) for k in columns})
            n += 1
            if len(buf) >= 20000:
                writer.write_table(pa.Table.from_pylist(buf, schema=schema))
                buf = []
        if buf or n == 0:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))
    return n


def _xlsx_stream(rows: Iterable[dict[str, Any]], path: Path, columns: dict[str, str]) -> int:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = wb.add_worksheet("指标明细")
    ws.write_row(0, 0, list(columns.values()))
    n = 0
    for n, row in enumerate(rows, start=1):
        for j, k in enumerate(columns):
            _write(ws, n, j, row.get(k))
    wb.close()
    return n


__all__ = [
    "FORMATS",
    "OutputError",
    "detail_rows",
    "evidence_refs",
    "evidence_text",
    "format_of",
    "region_xlsx",
    "write_region",
    "write_table",
]
