"""Cells and values as a reviewer reads them: 表四·行政复议·总计, 12 (never 12.0), Beijing time.

Labels come from the template definitions (`nianbao.templates`): the table's title, the row as
findings cite it and the column's short label, so a new template year names its cells with no
change here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from ..model import Report
from ..templates import template_of

BEIJING = timezone(timedelta(hours=8), "北京时间")


def cell_label(template_id: str | None, key: str) -> str | None:
    """`t4.review.total` → 表四·行政复议·总计; None when the template has no such cell."""
    try:
        return template_of(template_id).cell_name(key)
    except KeyError:
        return None


def table_template(report: Report, table_id: str) -> str:
    """The template a table of this report was read with (a 2019-format 表二 in a 2021 report …)."""
    if report.table_templates.get(table_id):
        return report.table_templates[table_id]
    if report.template:
        return report.template
    return template_of(None, report.year).id


def report_cell_label(report: Report, key: str) -> str | None:
    return cell_label(table_template(report, key.split(".", 1)[0]), key)


def number(value: float | int | None) -> str:
    """12.0 → "12", 3.25 → "3.25", None → ""; a printed 0 stays "0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def beijing(moment: datetime | None, seconds: bool = False) -> str:
    """A stored time (UTC; SQLite hands it back naive) in Beijing time."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
