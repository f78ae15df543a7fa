"""Validation rules: one module per concern, each rule registered with `@nianbao.plugins.rule`.

`validate(report)` runs every report-scope rule and appends their findings to the report.
Cross-document rules (XY_*, AGG_MISMATCH) need a corpus and live with the store.
"""

from __future__ import annotations

from .. import plugins
from ..findings import Finding
from ..model import Report


def validate(report: Report) -> list[Finding]:
    plugins.load()
    added: list[Finding] = []
    for spec in plugins.RULES.values():
        if spec.scope != "report":
            continue
        for finding in spec.check(report):
            report.add(finding)
            added.append(finding)
    return added
