"""Helpers shared by the rule modules: labels from the template, number formatting, text views.

Not a rule module (the leading underscore keeps `plugins.load()` from importing it as one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..model import CellValue, Report
from ..templates import TABLE_IDS, Template, get_template, is_blank_marker, table_title, template_for_year

# what a reviewer reads for a table id (a view of the templates' titles, for the rule modules)
TABLE_NAMES = {tid: table_title(tid) for tid in TABLE_IDS}

_WS = re.compile(r"\s+")


def template_of(report: Report) -> Template | None:
    """The template the report's cells are keyed by: its own, else the one its year prescribes."""
    if report.template:
        try:
            return get_template(report.template)
        except KeyError:
            return None
    if report.year:
        return template_for_year(report.year)
    return None


def report_year(report: Report) -> int | None:
    """The report year, or the first year of its template when the year is unknown."""
    if report.year:
        return report.year
    tpl = template_of(report)
    return tpl.first_year if tpl else None


def is_blank_raw(raw: str | None) -> bool:
    return raw is not None and is_blank_marker(raw)


def is_blank(cell: CellValue) -> bool:
    """Printed, but blank or a blank marker (not: missing from the document, ambiguous)."""
    return cell.value is None and cell.method != "ambiguous" and is_blank_raw(cell.raw)


def fmt(n: float | int | None) -> str:
    """A number as a reviewer would write it: 30, 25.1, 7539.443252; None as 空."""
    if n is None:
        return "空"
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if isinstance(n, float):
        return f"{n:.6f}".rstrip("0").rstrip(".")
    return str(n)


def number(n: float | int) -> float | int:
    """JSON-friendly number for `Finding.data` (ints stay ints)."""
    return int(n) if isinstance(n, float) and n.is_integer() else n


def cell_label(template: Template, cell_key: str) -> str:
    """表三“（一）予以公开”行“自然人”列 — where a cell is, in the reviewer's words."""
    return template.cell_label(cell_key)


def cell_place(template: Template, cell_key: str) -> str:
    """The short form used inside lists: （一）予以公开/自然人."""
    return template.cell_place(cell_key)


def list_places(template: Template, keys: list[str], limit: int = 8) -> str:
    shown = "、".join(cell_place(template, k) for k in keys[:limit])
    return shown + (f" 等 {len(keys)} 处" if len(keys) > limit else "")


def compact(text: str) -> str:
    """Text without whitespace: PDF text layers break lines and put spaces around digits."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)) if text else ""


def cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


def row_total(report: Report, table_id: str, row_key: str, columns: Iterable[str]) -> float | int | None:
    """A row's 总计 as the report states it; when 总计 is blank, the sum of the printed parts.

    Used by the narrative and share checks only (never by the 勾稽 rules): a report that prints
    the parts and leaves 总计 blank (上海市人民政府办公厅 2019) still says what the row totals.
    """
    total = report.value(f"{table_id}.{row_key}.total")
    if total is not None:
        return total
    parts = [report.value(f"{table_id}.{row_key}.{c}") for c in columns]
    if all(p is None for p in parts):
        return None
    return sum(p for p in parts if p is not None)
