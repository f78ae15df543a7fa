"""报送进度 as a spreadsheet: every unit, and the 催报清单 (units to chase: missing, late,
unreachable). Rows come from a watch's results or from the database; both carry the same names."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from .status import CHASE, MISSING, UNREACHABLE, label

HEADERS = [
    "机关",
    "地区",
    "状态",
    "逾期天数",
    "发布日期",
    "日期来源",
    "截止日期",
    "报告标题",
    "报告地址",
    "发布页面",
    "栏目地址",
    "说明",
    "证据（WARC）",
    "检查时间",
]
CHASE_HEADERS = ["机关", "地区", "状态", "说明", "栏目地址", "发布日期", "截止日期"]


def _evidence(r: Any) -> str:
    ev = getattr(r, "evidence", None)
    if ev:
        return f"{ev[0]}#{ev[1]}"
    path = getattr(r, "evidence_path", None)
    return f"{path}#{getattr(r, 'evidence_offset', 0)}" if path else ""


def _when(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat(timespec="seconds")


def progress_row(r: Any) -> list[Any]:
    return [
        r.organ,
        r.region or "",
        label(r.state, r.days_late),
        r.days_late if r.days_late is not None else "",
        r.published or "",
        r.published_source or "",
        r.deadline or "",
        r.title or "",
        r.report_url or "",
        r.page_url or "",
        r.column_url,
        r.reason or "",
        _evidence(r),
        _when(r.checked_at),
    ]


def chase_row(r: Any) -> list[Any]:
    why = r.reason or ""
    if r.state not in (MISSING, UNREACHABLE) and r.days_late:
        why = f"发布日期 {r.published}，晚于截止日期 {r.deadline}" + (f"；{why}" if why else "")
    return [
        r.organ,
        r.region or "",
        label(r.state, r.days_late),
        why,
        r.column_url,
        r.published or "",
        r.deadline or "",
    ]


def chase_list(rows: Iterable[Any]) -> list[Any]:
    order = {s: i for i, s in enumerate(CHASE)}
    return sorted(
        (r for r in rows if r.state in CHASE), key=lambda r: (order[r.state], r.region or "", r.organ)
    )


def progress_xlsx(rows: Iterable[Any], year: int) -> bytes:
    import xlsxwriter

    rows = list(rows)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_urls": False})
    bold = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    red = wb.add_format({"font_color": "#B00020"})
    for name, headers, data, build in (
        (f"{year}年度报送进度", HEADERS, rows, progress_row),
        ("催报清单", CHASE_HEADERS, chase_list(rows), chase_row),
    ):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, headers, bold)
        for i, r in enumerate(data, start=1):
            ws.write_row(i, 0, build(r), red if r.state in CHASE else None)
        ws.freeze_panes(1, 0)
        ws.set_column(0, 0, 28)
        ws.set_column(1, len(headers) - 1, 16)
        ws.autofilter(0, 0, max(len(data), 1), len(headers) - 1)
    wb.close()
    return buf.getvalue()
