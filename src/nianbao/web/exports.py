"""Downloads from the page the user is looking at: report lists, one report, a consolidation."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Protocol

from ..errors import NianbaoError
from ..model import Report
from ..store import Store
from ..writer import ReportData, render_report


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


LIST_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
REPORT_FORMATS = {
    "json": "application/json; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


class ExportError(Exception):
    pass


def export_list(store: Store, summaries: Sequence[_HasId], fmt: str) -> bytes:
    """The reports on the page, exported exactly as `nianbao export` does (`nianbao.corpus.export`)."""
    import tempfile
    from pathlib import Path

    from ..corpus.export import export
    from ..store import ReportFilter

    with tempfile.TemporaryDirectory(prefix="nianbao-export-") as tmp:
        path = Path(tmp) / f"reports.{fmt}"
        export(store, path, ReportFilter(ids=[s.id for s in summaries]), fmt)
        return path.read_bytes()


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
        wb = xlsxwriter.Workbook(
            out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
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
