"""What the pages and the REST API show, computed from the store.

Thin adapters over `nianbao.store.Store`: scoped report lists, the report view, re-validation
after a correction, consolidation of a region, year-over-year comparison and dashboard figures.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from .. import plugins
from ..findings import CATALOGUE, Finding, Severity
from ..model import Report
from ..rules import validate
from ..store import Store, StoredReport
from ..store.schema import CellRow, FindingRow, Organ, Region, ReportRow, utcnow
from ..templates import Role, get_template, sections, template_of, templates
from ..writer.data import format_value
from .auth import Principal
from .tables import TABLE_NAMES, cell_label, grid

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


# --- scoped lists ---------------------------------------------------------------------------
@dataclass
class ReportSummary:
    id: int
    organ: str | None
    organ_id: int | None
    region: str | None
    region_id: int | None
    year: int | None
    template: str | None
    consolidated: bool
    counts: dict[str, int] = field(default_factory=dict)  # open findings by severity

    @property
    def status(self) -> str:
        if self.counts.get("error"):
            return "error"
        if self.counts.get("warning"):
            return "warning"
        return "ok"


def scope_query(principal: Principal):  # noqa: ANN201 - a Select
    q = select(ReportRow)
    if principal.role == "reviewer":
        q = q.where(ReportRow.region_id.in_(principal.region_ids or {-1}))
    elif principal.role == "writer":
        q = q.where(ReportRow.organ_id == (principal.organ_id or -1))
    return q


def list_reports(
    store: Store,
    principal: Principal,
    region: str | None = None,
    year: int | None = None,
    organ: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[ReportSummary]:
    with store.session() as s:
        q = scope_query(principal)
        if year:
            q = q.where(ReportRow.year == year)
        if region:
            ids = store.region_ids(region, session=s)
            q = q.where(ReportRow.region_id.in_(ids) if ids else ReportRow.region == region)
        if organ:
            oid = store.find_organ(organ, session=s)
            q = q.where(ReportRow.organ_id == oid if oid else ReportRow.organ.contains(organ))
        rows = list(s.scalars(q.order_by(ReportRow.year.desc(), ReportRow.id)))
        regions = {r.id: r.name for r in s.scalars(select(Region))}
        organs = {o.id: o.name for o in s.scalars(select(Organ))}
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        ids = [r.id for r in rows]
        for chunk in range(0, len(ids), 500):
            for rid, sev, n in s.execute(
                select(FindingRow.report_id, FindingRow.severity, func.count())
                .where(FindingRow.report_id.in_(ids[chunk : chunk + 500]), FindingRow.accepted.is_(False))
                .group_by(FindingRow.report_id, FindingRow.severity)
            ):
                counts[rid][sev] = n
    out = [
        ReportSummary(
            r.id,
            organs.get(r.organ_id) or r.organ if r.organ_id else r.organ,
            r.organ_id,
            regions.get(r.region_id) if r.region_id else r.region,
            r.region_id,
            r.year,
            r.template,
            r.consolidated,
            dict(counts[r.id]),
        )
        for r in rows
    ]
    if status:
        out = [r for r in out if r.status == status]
    return out[:limit]


def years(store: Store) -> list[int]:
    with store.session() as s:
        return sorted({y for y in s.scalars(select(ReportRow.year)) if y}, reverse=True)


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


def acceptance_details(store: Store, report_id: int) -> dict[int, FindingRow]:
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
    plugins.load()
    claimed = {code for spec in plugins.RULES.values() if spec.scope == "report" for code in spec.codes}
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
    """(reports whose corpus findings a change to this one can alter, the reports those rules read).

    The cross-year rules compare a report with the same organ's year before: a change to year Y
    alters the findings of Y and Y+1, which read Y-1 .. Y+1. AGG_MISMATCH compares a consolidated
    report with its units: those of the report's own region (departments) or of the parent region
    (a government), so the consolidated reports of both regions for Y are re-checked too.
    """
    with store.session() as s:
        row = s.get(ReportRow, report_id)
        if row is None:
            return [], []
        targets = {report_id}
        context = {report_id}
        if row.organ_id is not None and row.year is not None and not row.consolidated:
            for rid, year in s.execute(
                select(ReportRow.id, ReportRow.year).where(
                    ReportRow.organ_id == row.organ_id,
                    ReportRow.year <= row.year + 1,  # XY_TEXT_REUSE reads the nearest earlier year
                    ReportRow.consolidated.is_(False),
                )
            ):
                context.add(rid)
                if year >= row.year:
                    targets.add(rid)
        if row.region_id is not None and row.year is not None:
            region = s.get(Region, row.region_id)
            regions = {row.region_id} | ({region.parent_id} if region and region.parent_id else set())
            for rid in s.scalars(
                select(ReportRow.id).where(
                    ReportRow.region_id.in_(regions),
                    ReportRow.year == row.year,
                    ReportRow.consolidated.is_(True),
                )
            ):
                targets.add(rid)
                context.add(rid)
    return sorted(targets), sorted(context)


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
    with store.session() as s:
        row = s.get(FindingRow, finding_id)
        if row is not None:
            row.comment = comment
            row.accepted_at = utcnow()


# --- consolidation --------------------------------------------------------------------------
def consolidate_region(store: Store, region_id: int, year: int):  # noqa: ANN201 - corpus.Consolidation
    """逐级汇总 of a region (the corpus engineer's `nianbao.corpus.consolidate`)."""
    from ..corpus.consolidate import consolidate

    with store.session() as s:
        region = s.get(Region, region_id)
    if region is None:
        raise LookupError(region_id)
    return consolidate(store, region.name, year)


def saved_consolidation(store: Store, region_id: int, year: int) -> int | None:
    """The consolidated report last saved from the region × year page, if any."""
    with store.session() as s:
        region = s.get(Region, region_id)
        if region is None:
            return None
        return s.scalar(
            select(ReportRow.id)
            .where(ReportRow.consolidated.is_(True), ReportRow.source == f"consolidated:{region.name}:{year}")
            .order_by(ReportRow.id.desc())
            .limit(1)
        )


def save_consolidation(store: Store, region_id: int, year: int) -> int:
    """Store the region's consolidation as its consolidated report (`nianbao consolidate --save`).

    Saving again replaces the report saved before, so there is one consolidated report per region
    and year; AGG_MISMATCH then checks it against its units, now and after every correction.
    """
    c = consolidate_region(store, region_id, year)
    previous = saved_consolidation(store, region_id, year)
    rid = store.add_report(c.report, consolidated=True)
    if previous is not None:
        store.delete_report(previous)
    recheck_corpus(store, rid)
    return rid


def visible_regions(store: Store, principal: Principal) -> list[Region]:
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
    with store.session() as s:
        ids = list(
            s.scalars(
                select(ReportRow.id)
                .where(ReportRow.organ_id == organ_id, ReportRow.consolidated.is_(False))
                .order_by(ReportRow.year, ReportRow.id)
            )
        )
    reports = store.load_reports(ids)
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
    with store.session() as s:
        q = scope_query(principal).where(ReportRow.consolidated.is_(False))
        rows = list(s.scalars(q))
        ids = [r.id for r in rows if year is None or r.year == year]
        all_ids = [r.id for r in rows]
        year_of = {r.id: r.year for r in rows}
        region_of = {r.id: r.region_id for r in rows}
        regions = {r.id: r.name for r in s.scalars(select(Region))}
        applicant_of, group_of, series_of, applicant_names, group_names = _dashboard_keys()
        applicants = Counter()
        outcomes = Counter()
        by_year: dict[int, Counter[str]] = defaultdict(Counter)
        by_region: Counter[str] = Counter()
        for rid, key, value in s.execute(
            select(CellRow.report_id, CellRow.key, CellRow.value).where(
                CellRow.report_id.in_(all_ids or [-1]), CellRow.key.like("t%")
            )
        ):
            if value is None:
                continue
            series = series_of.get(key)
            if series is not None:
                by_year[year_of[rid] or 0][series] += value
                if series == "新收申请" and rid in ids:
                    by_region[regions.get(region_of[rid], "未知地区")] += value
            if rid not in ids:
                continue
            if key in applicant_of:
                applicants[applicant_of[key]] += value
            if key in group_of:
                outcomes[group_of[key]] += value
        finding_counts = Counter(
            dict(
                s.execute(
                    select(FindingRow.code, func.count())
                    .where(FindingRow.report_id.in_(ids or [-1]), FindingRow.accepted.is_(False))
                    .group_by(FindingRow.code)
                ).all()
            )
        )
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
