"""What the pages and the REST API show, computed from the store.

Thin adapters over `nianbao.store.Store`: scoped report lists, the report view, re-validation
after a correction, consolidation of a region, year-over-year comparison and dashboard figures.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from typing import Any

from .. import plugins
from ..findings import CATALOGUE, Finding, Severity
from ..model import Report
from ..rules import validate
from ..store import ReportFilter, ReportSummary, Store, StoredReport
from ..store import findings as finding_repo
from ..store import organs as organ_repo
from ..store import reports as report_repo
from ..templates import Role, get_template, sections, template_of, templates
from ..writer.data import format_value
from .auth import Principal
from .tables import TABLE_NAMES, cell_label, grid

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


# --- scoped lists ---------------------------------------------------------------------------
def list_reports(
    store: Store,
    principal: Principal,
    region: str | None = None,
    year: int | None = None,
    organ: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[ReportSummary]:
    """The reports this user may see, filtered; `organ` is a spelling of an organ or part of one
    (its characters are matched literally: `_` and `%` are no wildcards)."""
    oid = organ_repo.find_organ(store, organ) if organ else None
    flt = ReportFilter(
        scope=principal.scope,
        year=year or None,
        region=region or None,
        organ_id=oid,
        organ_text=organ if organ and oid is None else None,
    )
    out = report_repo.summaries(store, flt)
    if status:
        out = [r for r in out if r.status == status]
    return out[:limit]


def years(store: Store) -> list[int]:
    return report_repo.years(store)


# --- one report ----------------------------------------------------------------------------
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
    tables = []
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


def revalidate(store: Store, report_id: int) -> list[Finding]:
    """Re-run the report-level rules on the report as corrected and replace its findings.

    Findings from extraction that no rule re-checks stay, except on cells a person corrected;
    an accepted finding that comes back unchanged (same code and cells) stays accepted.
    """
    (stored,) = store.load_reports([report_id])
    report = stored.report
    manual = {k for k, c in report.cells.items() if c.method == "manual"}
    for key in manual:
        c = report.cells[key]
        c.raw = format_value(c.value)  # what the person typed is what the rules should see
    claimed = {code for spec in plugins.report_rules() for code in spec.codes}
    old = [f for f in store.findings(report_id=report_id) if f.scope == "report"]
    kept = [
        Finding(f.code, f.message, list(f.cells or []), f.where, Severity(f.severity), dict(f.data or {}))
        for f in old
        if f.code not in claimed and not (set(f.cells or []) & manual)
    ]
    report.findings = list(kept)
    validate(report)
    store.replace_report_findings(report_id, report.findings)
    return report.findings


def neighbours(store: Store, report_id: int) -> tuple[list[int], list[int]]:
    """(reports whose corpus findings a change to this one can alter, the reports those rules read)."""
    return report_repo.neighbours(store, report_id)


def recheck_corpus(store: Store, report_id: int) -> Counter[str]:
    """Re-run the corpus-scope rules (XY_*, AGG_MISMATCH) for the reports a correction touches.

    Only the neighbours are loaded and replaced, not the whole database (`nianbao check-corpus`).
    """
    from ..corpus.context import CorpusContext
    from ..corpus.runner import corpus_cells, corpus_rules

    targets, context = neighbours(store, report_id)
    if not targets:
        return Counter()
    ctx = CorpusContext.build(store, store.load_reports(context, cell_prefixes=corpus_cells()))
    wanted = set(targets)
    specs = corpus_rules()
    found = [(rid, f) for spec in specs for rid, f in spec.check(ctx) if rid in wanted]  # type: ignore[attr-defined]
    store.replace_corpus_findings([c for spec in specs for c in spec.codes], found, wanted)
    return Counter(f.code for _, f in found)


def set_comment(store: Store, finding_id: int, comment: str | None) -> None:
    finding_repo.set_comment(store, finding_id, comment)


# --- consolidation --------------------------------------------------------------------------
def consolidate_region(store: Store, region_id: int, year: int):  # noqa: ANN201 - corpus.Consolidation
    """逐级汇总 of a region, by its id (two regions may share a name)."""
    from ..corpus.consolidate import consolidate

    return consolidate(store, region_id, year)


def saved_consolidation(store: Store, region_id: int, year: int) -> int | None:
    """The consolidated report last saved from the region × year page, if any."""
    return report_repo.saved_consolidation(store, region_id, year)


def save_consolidation(store: Store, region_id: int, year: int) -> int:
    """Store the region's consolidation as its consolidated report (`nianbao consolidate --save`).

    Saving again replaces the report saved before, so there is one consolidated report per region
    and year; AGG_MISMATCH then checks it against its units, now and after every correction.
    """
    from ..corpus.consolidate import save_consolidation as save

    rid = save(store, consolidate_region(store, region_id, year))
    recheck_corpus(store, rid)
    return rid


def visible_regions(store: Store, principal: Principal) -> list[Any]:
    from .auth import subtree

    regions = store.regions()
    if principal.role == "admin":
        return regions
    if principal.role == "reviewer" and principal.region_id is not None:
        ids = subtree(store, principal.region_id)
        return [r for r in regions if r.id in ids]
    return []


# --- year over year -------------------------------------------------------------------------
def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level diff as (op, text) pairs: equal / delete / insert."""
    out: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "equal":
            out.append(("equal", old[a0:a1]))
        else:
            if a1 > a0:
                out.append(("delete", old[a0:a1]))
            if b1 > b0:
                out.append(("insert", new[b0:b1]))
    return out


def year_over_year(store: Store, organ_id: int) -> list[dict[str, Any]]:
    reports = store.load_reports(report_repo.organ_report_ids(store, organ_id))
    by_year: dict[int, StoredReport] = {}
    for r in reports:
        if r.report.year:
            by_year[r.report.year] = r  # the latest stored report of a year wins
    ordered = [by_year[y] for y in sorted(by_year)]
    pairs = []
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        deltas = []
        for tid in ("t2", "t3", "t4"):
            tp, tc = table_template(prev.report, tid), table_template(cur.report, tid)
            if tp != tc:
                continue  # the two templates' keys do not line up
            for key in get_template(tc).table(tid).cell_keys:
                a, b = prev.report.value(key), cur.report.value(key)
                if a is None and b is None:
                    continue
                delta = None if a is None or b is None else b - a
                deltas.append({"key": key, "label": cell_label(tc, key), "prev": a, "cur": b, "delta": delta})
        texts = []
        for sdef in sections():
            a = prev.report.section(sdef.key)
            b = cur.report.section(sdef.key)
            ta, tb = (a.text if a else ""), (b.text if b else "")
            ratio = difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio() if ta or tb else 1.0
            texts.append(
                {
                    "key": sdef.key,
                    "title": f"{sdef.number}、{sdef.title}",
                    "ratio": ratio,
                    "diff": text_diff(ta, tb),
                }
            )
        pairs.append({"prev": prev, "cur": cur, "deltas": deltas, "texts": texts})
    return [{"reports": ordered, "pairs": pairs}]


# --- dashboard ------------------------------------------------------------------------------
def _dashboard_keys() -> tuple[
    dict[str, str], dict[str, str], dict[str, str], dict[str, str], dict[str, str]
]:
    """Over every template: cell key -> applicant column, -> outcome group, -> yearly series; and
    the display names of applicants and outcome groups (the newest template's order and wording)."""
    applicant_of: dict[str, str] = {}
    group_of: dict[str, str] = {}
    series_of: dict[str, str] = {}
    applicant_names: dict[str, str] = {}
    group_names: dict[str, str] = {}
    for tpl in sorted(templates().values(), key=lambda t: -t.first_year):
        for col in tpl.applicants:
            applicant_of[tpl.role_key(Role.RECEIVED, col.key)] = col.key
            applicant_names.setdefault(col.key, col.label.official)
        for g in tpl.result_groups:
            group_names.setdefault(g.key, g.name)
            for k in g.cell_keys():
                group_of[k] = g.key
        series_of[tpl.role_key(Role.RECEIVED)] = "新收申请"
        t4 = tpl.table("t4")
        for row in t4.data_rows:  # 行政复议; 行政诉讼 (its two rows together)
            series_of[f"t4.{row.key}.{t4.total_columns[0].key}"] = row.parent or row.label.official
    return applicant_of, group_of, series_of, applicant_names, group_names


def dashboard(store: Store, principal: Principal, year: int | None = None) -> dict[str, Any]:
    rows = report_repo.keys(store, ReportFilter(scope=principal.scope, consolidated=False))
    ids = [r.id for r in rows if year is None or r.year == year]
    chosen = set(ids)
    year_of = {r.id: r.year for r in rows}
    region_of = {r.id: r.region_id for r in rows}
    regions = organ_repo.region_names(store)
    applicant_of, group_of, series_of, applicant_names, group_names = _dashboard_keys()
    applicants: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    by_year: dict[int, Counter[str]] = defaultdict(Counter)
    by_region: Counter[str] = Counter()
    for rid, key, value in report_repo.cell_values(store, [r.id for r in rows], ["t"]):
        if value is None:
            continue
        series = series_of.get(key)
        if series is not None:
            by_year[year_of[rid] or 0][series] += value
            if series == "新收申请" and rid in chosen:
                by_region[regions.get(region_of[rid], "未知地区")] += value  # type: ignore[arg-type]
        if rid not in chosen:
            continue
        if key in applicant_of:
            applicants[applicant_of[key]] += value
        if key in group_of:
            outcomes[group_of[key]] += value
    finding_counts = finding_repo.code_counts(store, ids)
    ys = sorted(y for y in by_year if y)
    series_names = list(dict.fromkeys(series_of.values()))
    return {
        "year": year,
        "reports": len(ids),
        "applicants": [{"name": name, "value": applicants[k]} for k, name in applicant_names.items()],
        "outcomes": [{"name": name, "value": outcomes[k]} for k, name in group_names.items()],
        "years": ys,
        "series": [{"name": n, "data": [by_year[y][n] for y in ys]} for n in series_names],
        "findings": [
            {"code": c, "name": CATALOGUE.get(c, (None, c))[1], "value": n}
            for c, n in finding_counts.most_common(12)
        ],
        "ranking": [{"name": k, "value": v} for k, v in by_region.most_common(15)],
    }
