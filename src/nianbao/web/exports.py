"""Downloads from the page the user is looking at: report lists, one report, a consolidation."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from ..errors import NianbaoError
from ..model import Report
from ..store import Store
from ..templates import get_template
from ..writer import ReportData, render_report
from .service import ReportSummary

LIST_FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "jsonl": "application/x-ndjson; charset=utf-8"}
REPORT_FORMATS = {
    "json": "application/json; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


class ExportError(Exception):
    pass


def _keys(reports: Iterable[Report]) -> list[str]:
    templates = sorted({r.template for r in reports if r.template})
    keys: list[str] = []
    for t in templates or ["2021"]:
        keys += [k for k in get_template(t).cell_keys if k not in keys]
    return keys


def list_rows(store: Store, summaries: list[ReportSummary]) -> tuple[list[str], list[list[object]]]:
    loaded = store.load_reports([s.id for s in summaries])
    keys = _keys(r.report for r in loaded)
    header = ["id", "机关", "地区", "年度", "格式", "错误", "警告", "提示", *keys]
    rows = []
    by_id = {s.id: s for s in summaries}
    for sr in loaded:
        s = by_id[sr.id]
        rows.append([sr.id, s.organ, s.region, s.year, s.template, s.counts.get("error", 0),
                     s.counts.get("warning", 0), s.counts.get("info", 0),
                     *[sr.report.value(k) for k in keys]])
    return header, rows


def export_list(store: Store, summaries: list[ReportSummary], fmt: str) -> bytes:
    if fmt == "jsonl":
        loaded = store.load_reports([s.id for s in summaries])
        return "".join(
            json.dumps({"id": sr.id, **sr.report.to_dict()}, ensure_ascii=False) + "\n" for sr in loaded
        ).encode("utf-8")
    header, rows = list_rows(store, summaries)
    return table_bytes(header, rows, fmt)


def table_bytes(header: list[str], rows: list[list[object]], fmt: str) -> bytes:
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows([_csv_safe(v) for v in row] for row in rows)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly
    if fmt == "xlsx":
        import xlsxwriter

        out = io.BytesIO()
        wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        ws = wb.add_worksheet("报告")
        ws.write_row(0, 0, header)
        for i, row in enumerate(rows, 1):
            ws.write_row(i, 0, ["" if v is None else v for v in row])
        wb.close()
        return out.getvalue()
    raise ExportError(f"不支持的导出格式：{fmt}")


def _csv_safe(v: object) -> object:
    # a document-derived string starting with = + - @ would run as a formula in a spreadsheet
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def export_report(report: Report, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(report.to_dict(provenance=True), ensure_ascii=False, indent=2).encode("utf-8")
    if fmt not in REPORT_FORMATS:
        raise ExportError(f"不支持的导出格式：{fmt}")
    data = ReportData.from_report(report)
    try:
        written = render_report(data, fmt, draft=False, allow_errors=True)
    except NianbaoError as exc:  # no LibreOffice for PDF, a conversion that failed or timed out
        raise ExportError(str(exc)) from exc
    return written.content
