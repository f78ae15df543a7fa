"""`Store.replace_report_findings`: a report's findings after a correction, acceptances kept."""

from __future__ import annotations

from nianbao.corpus.synthetic import make_report
from nianbao.findings import Finding, Severity
from nianbao.store import Store


def test_replace_report_findings_keeps_acceptances_of_findings_found_again(db_url: str) -> None:
    store = Store(db_url)
    report = make_report("淮安市洪泽区财政局", 2024, seed=11)
    report.findings = [
        Finding("T3_ROW_SUM", "行合计不符", ["t3.new_received.total"], "表三", Severity.ERROR),
        Finding("T2_IN_FORCE", "现行有效件数不符", ["t2.rules.in_force"], "表二", Severity.WARNING),
    ]
    rid = store.add_report(report)
    corpus = Finding("XY_CARRY_MISMATCH", "上年结转不符", ["t3.carried_over.total"], "表三")
    store.replace_corpus_findings(["XY_CARRY_MISMATCH"], [(rid, corpus)], {rid})
    by_code = {f.code: f for f in store.findings(report_id=rid)}
    store.accept_finding(by_code["T3_ROW_SUM"].id, "rev", "已核实")
    store.accept_finding(by_code["T2_IN_FORCE"].id, "rev", "将更正")

    again = [
        Finding("T3_ROW_SUM", "行合计不符", ["t3.new_received.total"], "表三", Severity.ERROR),
        # same code on other cells: a new finding, open
        Finding("T2_IN_FORCE", "现行有效件数不符", ["t2.normative.in_force"], "表二", Severity.WARNING),
    ]
    ids = store.replace_report_findings(rid, again)
    after = store.findings(report_id=rid)
    assert sorted(f.id for f in after if f.scope == "report") == sorted(ids)
    rows = {(f.code, tuple(f.cells)): f for f in after}
    kept = rows[("T3_ROW_SUM", ("t3.new_received.total",))]
    assert kept.accepted and kept.comment == "已核实" and kept.accepted_by == "rev"
    assert not rows[("T2_IN_FORCE", ("t2.normative.in_force",))].accepted
    assert ("T2_IN_FORCE", ("t2.rules.in_force",)) not in rows
    # corpus-scope findings belong to the corpus runner and stay
    assert rows[("XY_CARRY_MISMATCH", ("t3.carried_over.total",))].scope == "corpus"

    assert store.replace_report_findings(rid, []) == []
    assert [f.code for f in store.findings(report_id=rid)] == ["XY_CARRY_MISMATCH"]
    store.close()
