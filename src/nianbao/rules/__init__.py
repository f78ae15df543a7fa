"""Validation rules: one module per concern, each registered with `@nianbao.plugins.report_rule`.

`validate(report)` runs every report rule, repair stage first (`ocr_repair` may correct values the
checks then judge), and appends their findings to the report. Corpus rules (XY_*, AGG_MISMATCH)
need the store and live in `nianbao.corpus`.
"""

from __future__ import annotations

from .. import plugins
from ..findings import Finding
from ..model import Report


def validate(report: Report) -> list[Finding]:
    added: list[Finding] = []
    for spec in plugins.report_rules():
        for finding in spec.check(report):
            report.add(finding)
            added.append(finding)
    return added
