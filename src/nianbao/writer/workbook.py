"""The fill-in workbook (填报表.xlsx): written with xlsxwriter, read back with openpyxl.

The tables are laid out exactly like the official ones (the same `TableLayout`s the renderers
use): labels locked, input cells unlocked with data validation, totals as formulas. A hidden
sheet maps every canonical key to its cell, so reading back does not depend on the layout.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..arithmetic import all_relations
from ..templates import TABLE_IDS, get_template, sections, table_title, template_for_year, templates
from .data import InputError, ReportData, _tidy, complete_totals
from .layout import layouts

MAP_SHEET = "_nianbao"
META_SHEET = "基本信息"
TEXT_SHEET = "正文"
TABLE_SHEETS = {tid: table_title(tid) for tid in TABLE_IDS}  # 表二 / 表三 / 表四
GRID_TOP = 2  # the grid starts below a caption row and a hint row
META_FIELDS = (
    ("organ", "机关名称"),
    ("region", "所属地区"),
    ("year", "报告年度"),
    ("template", "表格格式"),
    ("published", "发布日期"),
    ("processing_fee", "收取信息处理费（元）"),
)
_TOTAL_CODES = ("T3_ROW_TOTAL", "T3_RESULTS_TOTAL", "T4_GROUP_TOTAL")


def total_formulas(template_id: str) -> dict[str, tuple[str, ...]]:
    """total key -> the keys it sums (the first relation that defines it)."""
    out: dict[str, tuple[str, ...]] = {}
    for rel in all_relations(template_id):
        if rel.code in _TOTAL_CODES and len(rel.lhs) == 1:
            out.setdefault(rel.lhs[0], rel.rhs)
    return out


def _formula_result(key: str, formulas: dict[str, tuple[str, ...]], values: dict[str, Any]) -> Any:
    """The result cached beside a total's SUM, for viewers that do not recalculate: the report's
    total where it gives one (so a total that disagrees with its parts stays visible and
    `read_workbook` reports it), else what the spreadsheet computes: blank parts count 0, a part
    that is itself a total is its own SUM."""
    if values.get(key) is not None:
        return values[key]
    parts = formulas.get(key)
    if parts is None:
        return 0
    return _tidy(sum(_formula_result(p, formulas, values) for p in parts))


def build_workbook(year: int, template_id: str | None = None, data: ReportData | None = None) -> bytes:
    tpl = get_template(template_id) if template_id else template_for_year(year)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    base = {
        "font_name": "Noto Serif CJK SC",
        "font_size": 10,
        "border": 1,
        "valign": "vcenter",
        "align": "center",
        "text_wrap": True,
    }
    f_label = wb.add_format({**base, "bg_color": "#F2F2F2"})
    f_vertical = wb.add_format({**base, "bg_color": "#F2F2F2", "rotation": 270})
    f_input = wb.add_format({**base, "locked": False, "bg_color": "#FFFFE0"})
    f_amount = wb.add_format({**base, "locked": False, "bg_color": "#FFFFE0", "num_format": "0.00####"})
    f_total = wb.add_format({**base, "bold": True, "bg_color": "#E2EFDA"})
    f_caption = wb.add_format({"font_name": "Noto Sans CJK SC", "font_size": 14, "bold": True})
    f_hint = wb.add_format({"font_size": 9, "font_color": "#666666"})
    f_text = wb.add_format({"locked": False, "text_wrap": True, "valign": "top", "border": 1})
    f_date = wb.add_format({"locked": False, "num_format": "yyyy-mm-dd", "border": 1, "bg_color": "#FFFFE0"})
    f_meta = wb.add_format({"locked": False, "border": 1, "bg_color": "#FFFFE0"})
    f_bold = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    values = complete_totals(data.cells, tpl.id) if data else {}
    formulas = total_formulas(tpl.id)

    meta = wb.add_worksheet(META_SHEET)
    meta.set_column(0, 0, 22)
    meta.set_column(1, 1, 48)
    meta.write(0, 0, "政府信息公开工作年度报告 填报表", f_caption)
    meta.write(1, 0, f"表格格式：{tpl.id}年版（{tpl.notice}）。黄色单元格填写，绿色为自动合计。", f_hint)
    defaults: dict[str, Any] = {"year": year, "template": tpl.id}
    if data:
        defaults |= {
            "organ": data.organ,
            "region": data.region,
            "published": data.published,
            "processing_fee": data.processing_fee,
        }
    for i, (name, label) in enumerate(META_FIELDS):
        r = 3 + i
        meta.write(r, 0, label, f_bold)
        v = defaults.get(name)
        if name == "published":
            if v:
                meta.write_datetime(r, 1, dt.datetime.combine(v, dt.time()), f_date)
            else:
                meta.write_blank(r, 1, None, f_date)
            meta.data_validation(
                r,
                1,
                r,
                1,
                {
                    "validate": "date",
                    "criteria": ">=",
                    "value": dt.date(2000, 1, 1),
                    "error_message": "请填写日期，如 2025-01-20",
                },
            )
        elif name == "template":
            meta.write(r, 1, v, f_meta)
            meta.data_validation(r, 1, r, 1, {"validate": "list", "source": list(templates())})
        else:
            meta.write(r, 1, "" if v is None else v, f_meta)
    meta.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})

    mapping = wb.add_worksheet(MAP_SHEET)
    mapping.write_row(0, 0, ["key", "sheet", "cell", "template"])
    map_row = 1
    for tid, lay in layouts(tpl).items():
        ws = wb.add_worksheet(TABLE_SHEETS[tid])
        ws.write(0, 0, f"{lay.table_def.title} {lay.table_def.caption}", f_caption)
        ws.write(1, 0, "黄色单元格填写数字；绿色单元格为公式自动合计，不必填写。", f_hint)
        _column_widths(ws, tid, lay.n_cols)
        for c in lay.cells:
            fmt = f_vertical if (c.row, c.col) in lay.vertical else f_label
            r, k = GRID_TOP + c.row, c.col
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_range(r, k, r + c.rowspan - 1, k + c.colspan - 1, c.text, fmt)
            else:
                ws.write(r, k, c.text, fmt)
        address = {key: (GRID_TOP + r, k) for key, (r, k, _) in lay.positions.items()}
        for key, (row, col, span) in lay.positions.items():
            r = GRID_TOP + row
            column = lay.table_def.column(key)
            if key in formulas:
                refs = ",".join(xl_rowcol_to_cell(*address[p]) for p in formulas[key])
                cached = _formula_result(key, formulas, values)
                _write(ws, r, col, span, f"=SUM({refs})", f_total, cached=cached)
            else:
                fmt = f_amount if column.unit else f_input
                _write(ws, r, col, span, values.get(key), fmt)
                ws.data_validation(r, col, r, col, _validation(column.integer, column.signed))
            mapping.write_row(map_row, 0, [key, TABLE_SHEETS[tid], xl_rowcol_to_cell(r, col), tpl.id])
            map_row += 1
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    mapping.hide()

    text = wb.add_worksheet(TEXT_SHEET)
    text.set_column(0, 0, 30)
    text.set_column(1, 1, 100)
    text.write(0, 0, "组成部分", f_bold)
    text.write(0, 1, "正文（统计数字会根据表格自动生成，这里填写文字说明）", f_bold)
    for i, s in enumerate(sections()):
        text.write(1 + i, 0, f"{s.number}、{s.title}", f_bold)
        text.write(1 + i, 1, (data.sections.get(s.key, "") if data else ""), f_text)
        text.set_row(1 + i, 120)
    text.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    meta.activate()
    wb.close()
    return buf.getvalue()


def _write(ws: Any, r: int, c: int, span: int, value: Any, fmt: Any, cached: Any = None) -> None:
    if span > 1:
        ws.merge_range(r, c, r, c + span - 1, None, fmt)
    if cached is not None:  # a formula, with its result cached for viewers that do not recalculate
        ws.write_formula(r, c, value, fmt, cached)
    elif value is None:
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, value, fmt)


def _validation(integer: bool, signed: bool) -> dict[str, Any]:
    if integer and signed:
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": -(10**9),
            "maximum": 10**9,
            "error_title": "请填写整数",
            "error_message": "本栏填写整数，减少时填负数",
        }
    if integer:
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": "请填写非负整数",
            "error_message": "本栏为件数，请填写 0 或正整数",
        }
    return {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_title": "请填写金额",
        "error_message": "本栏为金额（万元），请填写非负数，可带小数",
    }


def _column_widths(ws: Any, tid: str, n_cols: int) -> None:
    if tid == "t3":
        ws.set_column(0, 0, 5)
        ws.set_column(1, 1, 12)
        ws.set_column(2, 2, 34)
        ws.set_column(3, n_cols - 1, 9)
    elif tid == "t2":
        ws.set_column(0, 0, 22)
        ws.set_column(1, n_cols - 1, 16)
    else:
        ws.set_column(0, n_cols - 1, 9)


def write_workbook(
    path: str | Path, year: int, template_id: str | None = None, data: ReportData | None = None
) -> Path:
    path = Path(path)
    path.write_bytes(build_workbook(year, template_id, data))
    return path


# --- reading back -------------------------------------------------------------------------------
def formula_totals(cells: dict[str, Any], template_id: str) -> dict[str, Any]:
    """Every total as the workbook's own formula computes it: =SUM(parts), a blank part counting
    as 0 (what Excel, WPS and LibreOffice show). Nested totals are summed from their parts."""
    formulas = total_formulas(template_id)
    out: dict[str, Any] = {}

    def value(key: str, depth: int = 0) -> Any:
        if key in out:
            return out[key]
        if key not in formulas or depth > 10:
            v = cells.get(key)
            return 0 if v is None else v
        out[key] = _tidy(sum(value(p, depth + 1) for p in formulas[key]))
        return out[key]

    for key in formulas:
        value(key)
    return out


def read_workbook(source: str | Path | bytes, name: str | None = None) -> ReportData:
    """The data of a filled-in workbook.

    Totals are computed from the template's arithmetic exactly as the workbook's formulas compute
    them, whether or not the workbook holds their results: a workbook filled by a script
    (openpyxl keeps the formulas but no results) gives the same report as one saved by Excel.
    A result the workbook does hold (saved by a spreadsheet program, or a number typed over a
    formula) that differs from the computed total is an error: the file was changed without
    recalculation, or a total was overwritten."""
    label = name or (Path(source).name if not isinstance(source, bytes) else "填报表")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
        cached_wb = openpyxl.load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source, data_only=True
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"{label}：无法打开工作簿（{type(exc).__name__}）") from None
    if MAP_SHEET not in wb.sheetnames or META_SHEET not in wb.sheetnames:
        raise InputError(
            f"{label}：不是 nianbao 生成的填报表（缺少“{META_SHEET}”或对照表），"
            "请用 nianbao template 生成填报表"
        )
    problems: list[str] = []
    meta_ws = wb[META_SHEET]
    by_label = {
        str(row[0].value).strip(): row[1].value
        for row in meta_ws.iter_rows(min_row=1, max_col=2)
        if row[0].value is not None
    }
    raw: dict[str, Any] = {}
    for field, zh in META_FIELDS:
        v = by_label.get(zh)
        if isinstance(v, str):
            v = v.strip() or None
        if isinstance(v, dt.datetime):
            v = v.date()
        raw[field] = v
    cells: dict[str, Any] = {}
    shown: dict[str, tuple[str, Any]] = {}  # total key -> (where, the result the workbook holds)
    template_id = str(raw.get("template") or "") or None
    try:
        tpl = get_template(template_id) if template_id else template_for_year(int(raw.get("year") or 0))
    except (KeyError, ValueError, TypeError):
        tpl = None  # reported below by ReportData's own checks
    formulas = total_formulas(tpl.id) if tpl is not None else {}
    for key, sheet, cell, _tpl in wb[MAP_SHEET].iter_rows(min_row=2, max_col=4, values_only=True):
        if key is None:
            continue
        v = wb[sheet][cell].value
        where = f"“{sheet}”工作表 {cell} 单元格（{key}）"
        if key in formulas:
            held = cached_wb[sheet][cell].value if isinstance(v, str) and v.startswith("=") else v
            if held is not None and not (isinstance(held, str) and not held.strip()):
                shown[key] = (where, held)
            continue
        if isinstance(v, str) and v.startswith("="):
            continue  # a formula typed into an input cell: its inputs are what counts
        if v is None or (isinstance(v, str) and not v.strip()):
            cells[key] = None
        elif isinstance(v, bool) or not isinstance(v, (int, float, str)):
            problems.append(f"{where}：“{v}”不是数字")
        else:
            try:
                cells[key] = _tidy(float(str(v).replace(",", "").strip()))
            except ValueError:
                problems.append(f"{where}：“{v}”不是数字")
    texts = {}
    keys_by_heading = {f"{s.number}、{s.title}": s.key for s in sections()}
    for head, body in wb[TEXT_SHEET].iter_rows(min_row=2, max_col=2, values_only=True):
        if head in keys_by_heading and body:
            texts[keys_by_heading[head]] = str(body).strip()
    if raw.get("organ") is None:
        problems.append(f"“{META_SHEET}”工作表未填写机关名称")
    if raw.get("year") is None:
        problems.append(f"“{META_SHEET}”工作表未填写报告年度")
    if tpl is not None:
        computed = formula_totals(cells, tpl.id)
        for key, (where, held) in shown.items():
            try:
                number = float(str(held).replace(",", "").strip())
            except ValueError:
                problems.append(f"{where}：合计“{held}”不是数字")
                continue
            if abs(number - computed[key]) > 1e-6:
                problems.append(
                    f"{where}：合计为 {held}，但按表格公式（各项之和）应为 {computed[key]}；"
                    "请在 Excel/WPS 中重新计算并保存，或检查合计单元格是否被改写"
                )
        cells |= computed
    if problems:
        raise InputError([f"{label}：{p}" for p in problems])
    try:
        data = ReportData(**{k: v for k, v in raw.items() if v is not None}, sections=texts, cells=cells)
    except Exception as exc:
        raise InputError(f"{label}：“{META_SHEET}”工作表填写有误（{exc}）") from None
    return data.with_totals()
