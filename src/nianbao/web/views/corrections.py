"""After a correction: the report's rules again, then the corpus rules of its neighbours."""

from __future__ import annotations

from collections import Counter

from ... import plugins
from ...findings import Finding, Severity
from ...rules import validate
from ...store import Store
from ...store import findings as finding_repo
from ...store import reports as report_repo
from ...writer.data import format_value

UNCHANGED_BY_CELLS = {"LATE_PUBLICATION"}


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
    # a correction changes cells, not dates: lateness stays as judged from the original document
    # (its publication date is in the document, which is not stored)
    claimed = {code for spec in plugins.report_rules() for code in spec.codes} - UNCHANGED_BY_CELLS
    old = [f for f in store.findings(report_id=report_id) if f.scope == "report"]
    kept = [
        Finding(f.code, f.message, list(f.cells or []), f.where, Severity(f.severity), dict(f.data or {}))
        for f in old
        if f.code not in claimed and not (set(f.cells or []) & manual)
    ]
    report.findings = list(kept)
    validate(report)
    report.findings = [
        f for f in report.findings if f.code not in UNCHANGED_BY_CELLS or any(f is k for k in kept)
    ]
    store.replace_report_findings(report_id, report.findings)
    return report.findings


def neighbours(store: Store, report_id: int) -> tuple[list[int], list[int]]:
    """(reports whose corpus findings a change to this one can alter, the reports those rules read)."""
    return report_repo.neighbours(store, report_id)


def recheck_corpus(store: Store, report_id: int) -> Counter[str]:
    """Re-run the corpus-scope rules (XY_*, AGG_MISMATCH) for the reports a correction touches.

    Only the neighbours are loaded and replaced, not the whole database (`nianbao check-corpus`).
    """
    from ...corpus.context import CorpusContext
    from ...corpus.runner import corpus_cells, corpus_rules

    targets, context = neighbours(store, report_id)
    if not targets:
        return Counter()
    ctx = CorpusContext.build(
        store, store.load_reports(context, cell_prefixes=corpus_cells(), provenance=False)
    )
    wanted = set(targets)
    specs = corpus_rules()
    found = [(rid, f) for spec in specs for rid, f in spec.check(ctx) if rid in wanted]
    store.replace_corpus_findings([c for spec in specs for c in spec.codes], found, wanted)
    return Counter(f.code for _, f in found)


def set_comment(store: Store, finding_id: int, comment: str | None) -> None:
    finding_repo.set_comment(store, finding_id, comment)
