"""One report as the reviewer reads it: the official tables, each cell in Chinese, its problems."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ...findings import CATALOGUE, Finding, Severity
from ...review.labels import beijing, cell_label, number, table_template
from ...store import Store, StoredReport
from ...store import review as repo
from ...templates import TABLE_IDS, get_template
from ..tables import grid

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
METHOD_ZH = {
    "read": "直接读取",
    "recovered": "按勾稽关系拆分粘连数字",
    "inferred": "由表内关系推定",
    "converted": "单位换算",
    "manual": "人工更正",
    "ambiguous": "粘连数字无法唯一拆分",
}


def finding_view(f: Finding, fid: int | None, shown: dict[str, str]) -> dict[str, Any]:
    """A finding with its cells as Chinese labels, linked only when the cell is in a table shown."""
    return {
        "id": fid,
        "code": f.code,
        "title": CATALOGUE.get(f.code, (None, "其他问题"))[1],
        "severity": str(f.severity),
        "severity_zh": SEVERITY_ZH.get(str(f.severity), str(f.severity)),
        "message": f.message,
        "where": f.where,
        "cells": [{"key": k, "label": shown[k]} for k in f.cells if k in shown],
        "accepted": bool(f.data.get("accepted")),
        "candidates": f.data.get("candidates") if f.code == "CELL_AMBIGUOUS" else None,
    }


def report_page(store: Store, stored: StoredReport) -> dict[str, Any]:
    report = stored.report
    edits = store.cell_edits(stored.id)
    last_edit = {e.key: e for e in edits}
    tables: list[dict[str, Any]] = []
    shown: dict[str, str] = {}  # key -> label of every value cell on the page
    for tid in TABLE_IDS:
        if tid not in report.tables_present and not any(k.startswith(tid + ".") for k in report.cells):
            tables.append(
                {
                    "id": tid,
                    "name": get_template(table_template(report, tid)).table(tid).title,
                    "missing": True,
                }
            )
            continue
        tpl = table_template(report, tid)
        for key in get_template(tpl).table(tid).cell_keys:
            shown[key] = cell_label(tpl, key) or key
        tables.append({"id": tid, "template": tpl, "missing": False, "grid": grid(tpl, tid)})
        tables[-1]["name"] = get_template(tpl).table(tid).title
    findings, by_cell, candidates = [], defaultdict(list), {}
    for fid, f in zip(stored.finding_ids, report.findings, strict=False):
        d = finding_view(f, fid, shown)
        findings.append(d)
        for key in f.cells:
            by_cell[key].append(d)
        if d["candidates"]:
            candidates.update(d["candidates"])
    findings.sort(key=lambda d: (d["accepted"], -Severity(d["severity"]).rank, d["id"] or 0))
    cells: dict[str, dict[str, Any]] = {}
    for key, label in shown.items():
        c = report.cells.get(key)
        open_f = [d for d in by_cell.get(key, []) if not d["accepted"]]
        worst = max((Severity(d["severity"]) for d in open_f), key=lambda s: s.rank, default=None)
        edit = last_edit.get(key)
        ambiguous = c is not None and c.method == "ambiguous" and c.value is None
        cells[key] = {
            "key": key,
            "label": label,
            # the value, never the unsplit run of digits; a printed 0 is "0"
            "text": "" if c is None or c.value is None else number(c.value),
            "value": None if c is None else c.value,
            "raw": None if c is None else c.raw,
            "ambiguous": ambiguous,
            "candidates": [number(v) for v in candidates.get(key, [])] if ambiguous else [],
            "method": METHOD_ZH.get(c.method, c.method) if c is not None else None,
            "where": c.prov.describe() if c is not None and c.prov is not None else "",
            "page": c.prov.page if c is not None and c.prov is not None else None,
            "severity": worst.value if worst else None,
            "findings": by_cell.get(key, []),
            "edit": {"old": number(edit.old_value), "who": edit.who, "at": beijing(edit.at)}
            if edit
            else None,
        }
    info = repo.report_row_info(store, stored.id) or {}
    state = repo.states(store, [stored.id]).get(stored.id)
    versions = [v for v in repo.versions(store, stored.id) if v["id"] != stored.id]
    return {
        "report": report,
        "stored": stored,
        "tables": tables,
        "cells": cells,
        "findings": findings,
        "sections": report.sections,
        "edits": [
            {
                "label": shown.get(e.key, e.key),
                "old": number(e.old_value) if e.old_value is not None else "（空）",
                "new": number(e.new_value) if e.new_value is not None else "（空）",
                "who": e.who,
                "at": beijing(e.at),
            }
            for e in edits
        ],
        "counts": Counter(d["severity"] for d in findings if not d["accepted"]),
        "source": info.get("source") or report.source,
        "added": beijing(info.get("created_at")),
        "format": info.get("format") or report.format,
        "state": state.state if state else "unreviewed",
        "state_zh": repo.STATES[state.state] if state else repo.STATES["unreviewed"],
        "state_by": state.by if state else None,
        "state_at": beijing(state.at) if state else "",
        "superseded_by": state.superseded_by if state else None,
        "versions": [
            {**v, "added": beijing(v["created_at"]), "state_zh": repo.STATES.get(v["state"] or "unreviewed")}
            for v in versions
        ],
    }


def accepted_details(store: Store, report_id: int) -> dict[int, dict[str, str]]:
    """finding id → who accepted it, when (Beijing time) and why."""
    return {
        f.id: {"by": f.accepted_by or "", "at": beijing(f.accepted_at), "comment": f.comment or ""}
        for f in store.findings(report_id=report_id)
        if f.accepted
    }
