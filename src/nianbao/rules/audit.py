"""The last word on a report: a table it prints leaves no cell without a value or a finding.

Every other rule and the extractor name the cells they leave null (blank, not a number, not
found, ambiguous, a table missing). This audit runs after all of them and names whatever is
left, so that a null cell no finding explains cannot reach a reviewer — whatever a future reader,
layout or rule forgets.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Code, Finding, Severity
from ..model import Report
from ..plugins import Stage, report_rule
from ._common import TABLE_NAMES, list_places, template_of


@report_rule(
    "unread_cells",
    codes=[Code("CELL_UNREAD", Severity.WARNING, "单元格未能读取")],
    stage=Stage.AUDIT,
)
def check_unread(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    if template is None:
        return
    named = {key for f in report.findings for key in f.cells}
    for tid, table in template.tables.items():
        if tid not in report.tables_present:
            continue
        unread = [k for k in table.cell_keys if report.value(k) is None and k not in named]
        if unread:
            yield Finding(
                "CELL_UNREAD",
                f"{TABLE_NAMES[tid]}有 {len(unread)} 个单元格没有读到数值，请对照原件核对：{list_places(template, unread)}",
                cells=unread,
                where=TABLE_NAMES[tid],
            )
