"""Exports of the stored reports: XLSX (a sheet per table, Chinese headers, findings, highlighted
error cells), CSV, Parquet and JSON Lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..findings import Severity
from ..store import ReportFilter, Store, StoredReport
from ..templates import TABLE_IDS, templates
from .compare import cell_label

META = [
    ("id", "编号"),
    ("organ", "机关（报告所署）"),
    ("organ_canonical", "机关（规范名称）"),
    ("region", "地区"),
    ("year", "年度"),
    ("template", "表格格式"),
    ("published", "发布日期"),
    ("source", "来源文件"),
    ("errors", "错误数"),
    ("warnings", "警告数"),
]
FORMATS = ("xlsx", "csv", "parquet", "jsonl")


def format_for(path: Path, fmt: str | None = None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    fmt = {"json": "jsonl", "pq": "parquet", "xls": "xlsx"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式“{fmt}”；可用：{'、'.join(FORMATS)}")
    return fmt


def _meta(sr: StoredReport) -> dict[str, Any]:
    r = sr.report
    return {
        "id": sr.id,
        "organ": r.organ,
        "organ_canonical": sr.organ_name,
        "region": sr.region_name or r.region,
        "year": r.year,
        "template": r.template,
        "published": r.published,
        "source": r.source,
        "errors": sum(1 for f in r.findings if f.severity == Severity.ERROR),
        "warnings": sum(1 for f in r.findings if f.severity == Severity.WARNING),
    }


def _all_keys(reports: list[StoredReport]) -> list[str]:
    """Every key of the templates the reports use, in template order."""
    used = {
        t for sr in reports for t in ({sr.report.template} | set(sr.report.table_templates.values())) if t
    }
    keys: list[str] = []
    for tid, tpl in templates().items():
        if tid in used:
            keys.extend(k for k in tpl.cell_keys if k not in keys)
    return keys


def wide_rows(reports: list[StoredReport]) -> tuple[list[str], list[dict[str, Any]]]:
    keys = _all_keys(reports)
    rows = []
    for sr in reports:
        row = _meta(sr)
        row.update({k: sr.report.value(k) for k in keys})
        rows.append(row)
    return [m for m, _ in META] + keys, rows


def export(store: Store, path: str | Path, flt: ReportFilter | None = None, fmt: str | None = None) -> int:
    """Write the reports matching `flt`; returns how many."""
    path = Path(path)
    fmt = format_for(path, fmt)
    reports = store.reports(flt or ReportFilter())
    path.parent.mkdir(parents=True, exist_ok=True)
    {"xlsx": _xlsx, "csv": _csv, "parquet": _parquet, "jsonl": _jsonl}[fmt](reports, path)
    return len(reports)


def _csv(reports: list[StoredReport], path: Path) -> None:
    cols, rows = wide_rows(reports)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens it as UTF-8
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


def _parquet(reports: list[StoredReport], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols, rows = wide_rows(reports)
    meta = {m for m, _ in META}
    fields = []
    for c in cols:
        if c in ("id", "year", "errors", "warnings"):
            fields.append(pa.field(c, pa.int64()))
        elif c in meta:
            fields.append(pa.field(c, pa.string()))
        else:
            fields.append(pa.field(c, pa.float64()))
    table = pa.Table.from_pylist(rows, schema=pa.schema(fields))
    pq.write_table(table, path)


def _jsonl(reports: list[StoredReport], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for sr in reports:
            d = sr.report.to_dict()
            d["id"] = sr.id
            d["organ_canonical"] = sr.organ_name
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")


def _xlsx(reports: list[StoredReport], path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    head = wb.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    fmt_err = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    fmt_warn = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})
    fmt_sev = {"error": fmt_err, "warning": fmt_warn}
    meta_cols = [m for m in META if m[0] in ("id", "organ", "region", "year", "template")]
    flagged: dict[int, dict[str, str]] = {}
    for sr in reports:
        marks: dict[str, str] = {}
        for f in sr.report.findings:
            sev = str(f.severity)
            for k in f.cells:
                if sev == "error" or marks.get(k) != "error":
                    marks[k] = sev
        flagged[sr.id] = marks
    for tid, tpl in templates().items():
        group = [sr for sr in reports if (sr.report.table_templates.get("t3") or sr.report.template) == tid]
        if not group:
            continue
        for table_id in TABLE_IDS:
            table = tpl.table(table_id)
            keys = list(table.cell_keys)
            ws = wb.add_worksheet(f"{table.title}（{tid}格式）")
            headers = [zh for _, zh in meta_cols] + [cell_label(tid, k).split(" ", 1)[1] for k in keys]
            ws.write_row(0, 0, headers, head)
            ws.write_row(1, 0, ["" for _ in meta_cols] + keys)  # the machine keys, for re-import
            ws.set_row(0, 60)
            ws.freeze_panes(2, len(meta_cols))
            ws.set_column(0, 0, 6)
            ws.set_column(1, 2, 22)
            ws.set_column(len(meta_cols), len(headers), 12)
            for n, sr in enumerate(group, start=2):
                m = _meta(sr)
                ws.write_row(n, 0, [m[k] for k, _ in meta_cols])
                for j, k in enumerate(keys, start=len(meta_cols)):
                    v = sr.report.value(k)
                    fmt = fmt_sev.get(flagged[sr.id].get(k, ""))
                    if v is None:
                        ws.write_blank(n, j, None, fmt)
                    else:
                        ws.write_number(n, j, v, fmt)
    ws = wb.add_worksheet("问题清单")
    ws.write_row(0, 0, ["编号", "机关", "年度", "级别", "代码", "问题", "说明", "涉及单元格", "已确认"], head)
    n = 1
    for sr in reports:
        for f in sr.report.findings:
            sev = str(f.severity)
            ws.write_row(
                n,
                0,
                [
                    sr.id,
                    sr.report.organ,
                    sr.report.year,
                    Severity(sev).zh,
                    f.code,
                    f.title,
                    f.message,
                    "、".join(f.cells),
                    "是" if f.data.get("accepted") else "",
                ],
                fmt_sev.get(sev),
            )
            n += 1
    ws.set_column(1, 1, 24)
    ws.set_column(5, 6, 40)
    ws = wb.add_worksheet("报告")
    ws.write_row(0, 0, [zh for _, zh in META], head)
    for n, sr in enumerate(reports, start=1):
        m = _meta(sr)
        ws.write_row(n, 0, [m[k] for k, _ in META])
    wb.close()
