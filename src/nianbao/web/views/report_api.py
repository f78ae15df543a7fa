"""One report as the REST API returns it."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ...findings import Finding, Severity
from ...model import Report
from ...store import Store, StoredReport
from ...templates import get_template, template_of
from ...writer.data import format_value
from ..tables import TABLE_NAMES, cell_label, grid

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def table_template(report: Report, table_id: str) -> str:
    return report.table_templates.get(table_id) or template_of(report.template, report.year).id


def report_view(stored: StoredReport, edits: list[Any]) -> dict[str, Any]:
    """Everything the report page draws: tables with flagged cells, parts' text, findings."""
    report = stored.report
    findings = []
    by_cell: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fid, f in zip(stored.finding_ids, report.findings, strict=False):
        d = finding_dict(f, fid)
        findings.append(d)
        for key in f.cells:
            by_cell[key].append(d)
    findings.sort(key=lambda d: (d["accepted"], -Severity(d["severity"]).rank, d["id"]))
    last_edit = {e.key: e for e in edits}
    tables: list[dict[str, Any]] = []
    for tid in ("t2", "t3", "t4"):
        if tid not in report.tables_present and not any(k.startswith(tid + ".") for k in report.cells):
            tables.append({"id": tid, "name": TABLE_NAMES[tid], "missing": True})
            continue
        tpl = table_template(report, tid)
        cells = {}
        for key in get_template(tpl).table(tid).cell_keys:
            c = report.cells.get(key)
            open_f = [d for d in by_cell.get(key, []) if not d["accepted"]]
            worst = max((Severity(d["severity"]) for d in open_f), key=lambda s: s.rank, default=None)
            edit = last_edit.get(key)
            cells[key] = {
                "key": key,
                "label": cell_label(tpl, key),
                "text": ""
                if c is None
                else (format_value(c.value) if c.value is not None else (c.raw or "")),
                "value": None if c is None else c.value,
                "raw": None if c is None else c.raw,
                "method": None if c is None else c.method,
                "where": c.prov.describe() if c is not None and c.prov is not None else "",
                "severity": worst.value if worst else None,
                "findings": by_cell.get(key, []),
                "edit": {
                    "old": format_value(edit.old_value),
                    "who": edit.who,
                    "at": edit.at.strftime("%Y-%m-%d %H:%M"),
                }
                if edit
                else None,
            }
        tables.append(
            {
                "id": tid,
                "name": TABLE_NAMES[tid],
                "template": tpl,
                "missing": False,
                "cells": cells,
                "grid": grid(tpl, tid),
            }
        )
    return {
        "report": report,
        "stored": stored,
        "tables": tables,
        "findings": findings,
        "sections": report.sections,
        "edits": edits,
        "counts": Counter(d["severity"] for d in findings if not d["accepted"]),
    }


def finding_dict(f: Finding, fid: int | None) -> dict[str, Any]:
    return {
        "id": fid,
        "code": f.code,
        "title": f.title,
        "severity": str(f.severity),
        "severity_zh": SEVERITY_ZH.get(str(f.severity), str(f.severity)),
        "message": f.message,
        "where": f.where,
        "cells": list(f.cells),
        "accepted": bool(f.data.get("accepted")),
        "comment": f.data.get("comment"),
    }


def acceptance_details(store: Store, report_id: int) -> dict[int, Any]:
    return {f.id: f for f in store.findings(report_id=report_id)}
