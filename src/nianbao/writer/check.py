"""Validation before writing: the project's rule catalogue, run on exactly what will be printed."""

from __future__ import annotations

from .. import plugins
from ..arithmetic import all_relations
from ..errors import NianbaoError
from ..findings import Finding, Severity
from ..rules import validate
from .data import ReportData, format_value
from .draft import drafted

_ARITHMETIC = ("T3_ROW_TOTAL", "T3_RESULTS_TOTAL", "T3_BALANCE", "T4_GROUP_TOTAL")


class ReportNotWritten(NianbaoError):
    """The report has errors; it is written only with --allow-errors."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        lines = [format_finding(f) for f in findings if f.severity == Severity.ERROR]
        super().__init__(f"报告存在 {len(lines)} 个错误，未生成文件：\n" + "\n".join(lines))


def format_finding(f: Finding) -> str:
    where = f"（{f.where}）" if f.where and f.where not in f.message else ""
    return f"[{f.severity.zh}] {f.title}{where}：{f.message}（{f.code}）"  # type: ignore[union-attr]


def check(data: ReportData, draft: bool = True) -> list[Finding]:
    """Every finding the registered rules raise on the report as it will be written."""
    report = data.to_report()
    sentences = drafted(data) if draft else {}
    for section in report.sections:
        extra = sentences.get(section.key or "")
        if extra:
            section.text = (extra + "\n" + section.text).strip()
    findings = validate(report)
    plugins.load()
    claimed = {code for spec in plugins.RULES.values() for code in spec.codes}
    # the arithmetic is checked here too until a registered rule claims it: a writer must never
    # print tables that do not add up
    values = report.values()
    for rel in all_relations(report.template or data.template_id):
        if rel.code in claimed or rel.holds(values) is not False:
            continue
        left = sum(values[k] or 0 for k in rel.lhs)
        right = sum(values[k] or 0 for k in rel.rhs)
        findings.append(
            Finding(
                rel.code,
                f"{rel.where}：{format_value(left)} ≠ {format_value(right)}",
                cells=list(rel.keys),
                where=rel.where,
                data={"lhs": left, "rhs": right},
            )
        )
    return findings


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]
