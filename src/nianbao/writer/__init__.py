"""Writing reports: from a YAML/JSON document, a fill-in workbook or ledgers to official-layout
DOCX, HTML, Markdown and PDF — validated before writing, with statistical sentences drafted from
the tables so text and tables never disagree.

    >>> from nianbao.writer import ReportData, write
    >>> data = ReportData(organ="某某县人民政府办公室", year=2024, cells={...})
    >>> write(data, "report.docx")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding
from .check import ReportNotWritten, check, errors, format_finding
from .compose import Composition, compose
from .data import InputError, ReportData, complete_totals, load_mapping_file
from .render import Fonts, format_for, render


@dataclass
class Written:
    path: Path | None
    data: ReportData
    findings: list[Finding] = field(default_factory=list)
    content: bytes = b""


def prepare(
    data: ReportData, draft: bool = True, allow_errors: bool = False
) -> tuple[ReportData, list[Finding]]:
    """Complete the totals and validate; raise `ReportNotWritten` on errors unless allowed."""
    data = data.with_totals()
    findings = check(data, draft=draft)
    if errors(findings) and not allow_errors:
        raise ReportNotWritten(findings)
    return data, findings


def render_report(
    data: ReportData,
    fmt: str,
    *,
    draft: bool = True,
    allow_errors: bool = False,
    fonts: Fonts | None = None,
    text_style: str = "rows",
) -> Written:
    data, findings = prepare(data, draft, allow_errors)
    comp = compose(data, draft=draft, findings=errors(findings) and findings)
    return Written(None, data, findings, render(comp, fmt, fonts, text_style))


def write(data: ReportData, path: str | Path, **options) -> Written:
    path = Path(path)
    written = render_report(data, format_for(path), **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(written.content)
    written.path = path
    return written


__all__ = [
    "Composition",
    "Fonts",
    "InputError",
    "ReportData",
    "ReportNotWritten",
    "Written",
    "check",
    "complete_totals",
    "compose",
    "format_finding",
    "load_mapping_file",
    "prepare",
    "render_report",
    "write",
]
