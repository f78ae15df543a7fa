"""One cell at a time: blank, not a number, annotated, negative, fractional counts.

Blank cells are reported once per table, listing every blank cell: a report that prints zeros
as empty cells would otherwise drown the reviewer in a hundred findings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..findings import Code, Finding, Severity
from ..model import CellValue, Report
from ..plugins import report_rule
from ..templates import TABLE_IDS, Template
from ._common import TABLE_NAMES, cell_label, fmt, is_blank, is_blank_raw, list_places, number, template_of

# a plain number, optionally with a thousands separator or a bare count unit (22件 says nothing more)
_PLAIN = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?[件条个项次]?$")


def _cells(report: Report, template: Template, table_id: str) -> Iterator[tuple[str, CellValue]]:
    if table_id not in report.tables_present:
        return
    for key in template.table(table_id).cell_keys:
        cell = report.cells.get(key)
        if cell is not None:
            yield key, cell


@report_rule(
    "cell_blank",
    codes=[Code("CELL_BLANK", Severity.WARNING, "单元格空白")],
)
def check_blank(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    if template is None:
        return
    for tid in TABLE_IDS:
        blank = [k for k, c in _cells(report, template, tid) if is_blank(c)]
        if not blank:
            continue
        yield Finding(
            "CELL_BLANK",
            f"{TABLE_NAMES[tid]}有 {len(blank)} 个单元格空白或填“/”“—”“无”，"
            f"未按格式填写数字（为 0 的应填 0）：{list_places(template, blank)}",
            cells=blank,
            where=TABLE_NAMES[tid],
            data={"count": len(blank)},
        )


def _plain_number(raw: str) -> bool:
    return bool(_PLAIN.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))))


@report_rule(
    "cell_values",
    codes=[
        Code("CELL_NOT_NUMERIC", Severity.ERROR, "单元格不是数字"),
        Code("CELL_ANNOTATED", Severity.INFO, "单元格数字带有附注"),
        Code("CELL_NEGATIVE", Severity.ERROR, "单元格为负数"),
        Code("CELL_NOT_INTEGER", Severity.ERROR, "件数不是整数"),
    ],
)
def check_values(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    if template is None:
        return
    for tid in TABLE_IDS:
        table = template.table(tid)
        for key, cell in _cells(report, template, tid):
            where = cell_label(template, key)
            if cell.value is None:
                # raw None is TABLE_INCOMPLETE's, blank is CELL_BLANK's, ambiguous the extractor's
                if cell.raw is not None and not is_blank_raw(cell.raw) and cell.method != "ambiguous":
                    yield Finding(
                        "CELL_NOT_NUMERIC",
                        f"{where}应填数字，实际填写“{cell.raw.strip()}”",
                        cells=[key],
                        where=where,
                        data={"raw": cell.raw},
                    )
                continue
            column = table.column(key)
            if cell.method == "read" and cell.raw is not None and not _plain_number(cell.raw):
                yield Finding(
                    "CELL_ANNOTATED",
                    f"{where}除数字外还有其他文字：“{cell.raw.strip()}”，已按 {fmt(cell.value)} 读取",
                    cells=[key],
                    where=where,
                    data={"raw": cell.raw, "value": number(cell.value)},
                )
            if cell.value < 0 and not column.signed:
                yield Finding(
                    "CELL_NEGATIVE",
                    f"{where}为负数 {fmt(cell.value)}，该栏目不应为负",
                    cells=[key],
                    where=where,
                    data={"value": number(cell.value)},
                )
            if column.integer and float(cell.value) != int(cell.value):
                yield Finding(
                    "CELL_NOT_INTEGER",
                    f"{where}是件数，应为整数，实际为 {fmt(cell.value)}",
                    cells=[key],
                    where=where,
                    data={"value": cell.value},
                )
