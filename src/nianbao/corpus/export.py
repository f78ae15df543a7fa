"""Exports of the stored reports: XLSX (a sheet per table, Chinese headers, findings, highlighted
error cells), CSV, Parquet and JSON Lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..findings import Severity
from ..store import ReportFilter, Store
from ..store import export as export_repo
from ..store import reports as report_repo
from ..store.export import ExportRow
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
CHUNK = 500


def format_for(path: Path, fmt: str | None = None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    fmt = {"json": "jsonl", "pq": "parquet", "xls": "xlsx"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式“{fmt}”；可用：{'、'.join(FORMATS)}")
    return fmt


def _meta(row: ExportRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "organ": row.organ,
        "organ_canonical": row.organ_canonical,
        "region": row.region,
        "year": row.year,
        "template": row.template,
        "published": row.published,
        "source": row.source,
        "errors": row.errors,
        "warnings": row.warnings,
    }


def _templates_used(store: Store, ids: list[int]) -> list[str]:
    used = report_repo.templates_used(store, ids)
    return [t for t in templates() if t in used]


def _keys(template_ids: list[str]) -> list[str]:
    """Every key of these templates, in template order, once."""
    keys: dict[str, None] = {}
    for tid in template_ids:
        keys.update(dict.fromkeys(templates()[tid].cell_keys))
    return list(keys)


def _rows(store: Store, ids: list[int], findings: bool = False) -> Iterator[list[ExportRow]]:
    """The columns a table export writes (no provenance, no sections), a few hundred at a time."""
    batch: list[ExportRow] = []
    for row in export_repo.rows(store, ids, findings=findings, chunk=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def wide_row(row: ExportRow, keys: list[str]) -> dict[str, Any]:
    out = _meta(row)
    values = row.values
    out.update({k: values.get(k) for k in keys})
    return out


def export(store: Store, path: str | Path, flt: ReportFilter | None = None, fmt: str | None = None) -> int:
    """Write the reports matching `flt`, streaming; returns how many."""
    path = Path(path)
    fmt = format_for(path, fmt)
    ids = store.report_ids(flt or ReportFilter())
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":  # whole reports, as `nianbao parse --jsonl` prints them: no columns to lay out
        _jsonl(export_repo.report_dicts(store, ids, chunk=CHUNK), path)
        return len(ids)
    used = _templates_used(store, ids)
    if fmt == "xlsx":  # values, the findings' texts and the cells they name
        _xlsx(_rows(store, ids, findings=True), used, path)
    else:  # wide tables: values only
        {"csv": _csv, "parquet": _parquet}[fmt](_rows(store, ids), used, path)
    return len(ids)


def _csv(batches: Iterable[list[ExportRow]], used: list[str], path: Path) -> None:
    keys = _keys(used)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens it as UTF-8
        w = csv.writer(fh)
        w.writerow([m for m, _ in META] + keys)
        for batch in batches:
            # only text can start a formula: the metadata columns; values are numbers or empty
            w.writerows(
                [_csv_safe(v) for v in _meta(row).values()] + [row.values.get(k) for k in keys]
                for row in batch
            )


def _csv_safe(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def _parquet(batches: Iterable[list[ExportRow]], used: list[str], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = _keys(used)
    meta = {m for m, _ in META}
    fields = []
    for c in [m for m, _ in META] + keys:
        if c in ("id", "year", "errors", "warnings"):
            fields.append(pa.field(c, pa.int64()))
        elif c in meta:
            fields.append(pa.field(c, pa.string()))
        else:
            fields.append(pa.field(c, pa.float64()))
    schema = pa.schema(fields)
    with pq.ParquetWriter(path, schema) as out:
        wrote = False
        for batch in batches:
            out.write_table(pa.Table.from_pylist([wide_row(row, keys) for row in batch], schema=schema))
            wrote = True
        if not wrote:
            out.write_table(schema.empty_table())


def _jsonl(reports: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for d in reports:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")


def _severity_marks(row: ExportRow) -> dict[str, str]:
    """cell key -> the worst severity of a finding that names it."""
    marks: dict[str, str] = {}
    for f in row.findings:
        sev = str(f.severity)
        for k in f.cells:
            if sev == "error" or marks.get(k) != "error":
                marks[k] = sev
    return marks


def _xlsx(batches: Iterable[list[ExportRow]], used: list[str], path: Path) -> None:
    import xlsxwriter

    # constant_memory: rows go to disk as they are written (each sheet is filled in row order)
    # text from documents is never a formula or a link (an organ "=HYPERLINK(…)" stays text)
    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    head = wb.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    fmt_sev = {
        "error": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        "warning": wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
    }
    meta_cols = [m for m in META if m[0] in ("id", "organ", "region", "year", "template")]
    sheets: dict[tuple[str, str], tuple[Any, list[str]]] = {}
    next_row: dict[Any, int] = {}
    for tid in used:
        tpl = templates()[tid]
        for table_id in TABLE_IDS:
            keys = list(tpl.table(table_id).cell_keys)
            ws = wb.add_worksheet(f"{tpl.table(table_id).title}（{tid}格式）")
            headers = [zh for _, zh in meta_cols] + [cell_label(tid, k).split(" ", 1)[1] for k in keys]
            ws.freeze_panes(2, len(meta_cols))
            ws.set_column(0, 0, 6)
            ws.set_column(1, 2, 22)
            ws.set_column(len(meta_cols), len(headers), 12)
            ws.set_row(0, 60)
            ws.write_row(0, 0, headers, head)
            ws.write_row(1, 0, ["" for _ in meta_cols] + keys)  # the machine keys, for re-import
            sheets[(tid, table_id)] = (ws, keys)
            next_row[ws] = 2
    fws = wb.add_worksheet("问题清单")
    fws.set_column(1, 1, 24)
    fws.set_column(5, 6, 40)
    fws.write_row(
        0, 0, ["编号", "机关", "年度", "级别", "代码", "问题", "说明", "涉及单元格", "已确认"], head
    )
    rws = wb.add_worksheet("报告")
    rws.write_row(0, 0, [zh for _, zh in META], head)
    next_row[fws] = next_row[rws] = 1
    for batch in batches:
        for sr in batch:
            m = _meta(sr)
            rws.write_row(next_row[rws], 0, [m[k] for k, _ in META])
            next_row[rws] += 1
            marks = _severity_marks(sr)
            for table_id in TABLE_IDS:
                # each table on its own template's sheet: a report may mix them (2019 表二, 2021 表三)
                sheet = sheets.get((sr.table_templates.get(table_id) or sr.template or "", table_id))
                if sheet is None:
                    continue
                ws, keys = sheet
                n = next_row[ws]
                ws.write_row(n, 0, [m[k] for k, _ in meta_cols])
                for j, k in enumerate(keys, start=len(meta_cols)):
                    v = sr.value(k)
                    fmt = fmt_sev.get(marks.get(k, ""))
                    if v is None:
                        ws.write_blank(n, j, None, fmt)
                    else:
                        ws.write_number(n, j, v, fmt)
                next_row[ws] += 1
            for f in sr.findings:
                sev = str(f.severity)
                row = [
                    sr.id,
                    sr.organ,
                    sr.year,
                    Severity(sev).zh,
                    f.code,
                    f.title,
                    f.message,
                    "、".join(f.cells),
                    "是" if f.data.get("accepted") else "",
                ]
                fws.write_row(next_row[fws], 0, row, fmt_sev.get(sev))
                next_row[fws] += 1
    wb.close()
