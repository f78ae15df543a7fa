"""Cross-year rules on real pairs (洪泽区 2023/2024, 平潭 2019–2025) and on synthetic pairs."""

from __future__ import annotations

import pytest

from nianbao import plugins
from nianbao.corpus.runner import corpus_rules, run_corpus_rules
from nianbao.corpus.synthetic import make_report
from nianbao.model import CellValue, Section
from nianbao.rules import validate
from nianbao.store import ReportFilter, Store
from nianbao.store.testing import gold_report
from nianbao.testing import corpus_dir

CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="corpus absent")


def test_corpus_rules_are_registered_and_skipped_by_validate() -> None:
    codes = {c for spec in corpus_rules() for c in spec.codes}
    assert {
        "XY_CARRY_MISMATCH",
        "XY_IN_FORCE_MISMATCH",
        "XY_PROJECT_COUNT_MISMATCH",
        "XY_TEXT_REUSE",
        "AGG_MISMATCH",
    } <= codes
    report = make_report("甲镇", 2024, seed=1)
    validate(report)  # must not call corpus rules with a single report
    assert not any(f.code.startswith(("XY_", "AGG_")) for f in report.findings)
    assert all(plugins.RULES[s.name].scope == "corpus" for s in corpus_rules())


def _codes(store: Store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in store.findings(scope="corpus"):
        out.setdefault(f.code, []).append(f.message)
    return out


def test_synthetic_chain_is_clean_then_each_break_is_found(db_url: str) -> None:
    store = Store(db_url)
    r23 = make_report("洪泽区政府", 2023, region="淮安市", seed=1)
    r24 = make_report(
        "淮安市洪泽区人民政府",
        2024,
        seed=2,
        carried_over={
            k.split(".")[2]: v for k, v in r23.values().items() if k.startswith("t3.carried_forward.")
        },
    )
    for row in ("rules", "normative_docs"):
        r24.cells[f"t2.{row}.in_force"] = CellValue(
            r23.value(f"t2.{row}.in_force") + r24.value(f"t2.{row}.issued") - r24.value(f"t2.{row}.repealed")
        )
    store.add_report(r23)
    rid = store.add_report(r24)
    assert run_corpus_rules(store) == {}
    # break the carry-over and the in-force count, copy part 五
    r24b = make_report("洪泽区人民政府", 2024, region="淮安市", seed=2)
    r24b.cells = {k: CellValue(v.value) for k, v in r24.cells.items()}
    r24b.cells["t3.carried_over.natural_person"] = CellValue(
        r23.value("t3.carried_forward.natural_person") + 3
    )
    r24b.cells["t2.normative_docs.in_force"] = CellValue(r24.value("t2.normative_docs.in_force") + 1)
    r24b.sections = [Section(s.key, s.heading, s.number, s.text) for s in r23.sections]
    store.delete_report(rid)
    store.add_report(r24b)
    counts = run_corpus_rules(store)
    assert counts == {"XY_CARRY_MISMATCH": 1, "XY_IN_FORCE_MISMATCH": 1, "XY_TEXT_REUSE": 1}
    msgs = _codes(store)
    assert "自然人" in msgs["XY_CARRY_MISMATCH"][0] and "2023" in msgs["XY_CARRY_MISMATCH"][0]
    assert "相似度 100%" in msgs["XY_TEXT_REUSE"][0]
    assert run_corpus_rules(store) == counts  # re-running replaces, never duplicates
    assert len(store.findings(scope="corpus")) == 3


def test_project_count_2019_template(db_url: str) -> None:
    store = Store(db_url)
    r19 = make_report("甲县人民政府", 2019, seed=5)
    r20 = make_report("甲县人民政府", 2020, seed=6)
    for row in ("licensing", "other_services", "penalty", "enforcement", "fees"):
        r20.cells[f"t2.{row}.prev_count"] = CellValue(
            r19.value(f"t2.{row}.prev_count") + r19.value(f"t2.{row}.change")
        )
    r20.cells["t2.penalty.prev_count"] = CellValue(r20.value("t2.penalty.prev_count") - 7)
    store.add_report(r19)
    store.add_report(r20)
    counts = run_corpus_rules(store)
    assert counts["XY_PROJECT_COUNT_MISMATCH"] == 1
    (f,) = store.findings(code="XY_PROJECT_COUNT_MISMATCH")
    assert f.cells == ["t2.penalty.prev_count"] and "行政处罚" in f.message


@needs_corpus
def test_real_hongze_pair_is_consistent_and_a_changed_figure_is_caught(db_url: str) -> None:
    store = Store(db_url)
    a = gold_report(CORPUS / "gold/huaian-hongze-2023.json")
    b = gold_report(CORPUS / "gold/huaian-hongze-2024.json")
    store.add_report(a)
    rid = store.add_report(b)
    assert store.get_report(rid).organ_id == store.reports(year=2023)[0].organ_id
    assert run_corpus_rules(store) == {}  # 2023 现行有效 5 + 3 − 0 = 8; carry 0 → 0
    b.cells["t2.normative_docs.in_force"] = CellValue(9)
    b.cells["t3.carried_over.total"] = CellValue(2)
    store.delete_report(rid)
    store.add_report(b)
    counts = run_corpus_rules(store)
    assert counts == {"XY_IN_FORCE_MISMATCH": 1, "XY_CARRY_MISMATCH": 1}
    (f,) = store.findings(code="XY_IN_FORCE_MISMATCH")
    assert "5 + 本年制发 3 − 本年废止 0 = 8" in f.message


@needs_corpus
def test_real_parsed_pairs_pingtan_and_hongze(db_url: str) -> None:
    from nianbao.corpus.ingest import ingest

    store = Store(db_url)
    ingest(store, [CORPUS / "html", CORPUS / "pdf"], workers=2)
    run_corpus_rules(store)
    # the real reports were rewritten each year: no reuse finding, and the Hongze figures chain
    assert store.findings(code="XY_TEXT_REUSE") == []
    assert store.findings(code="XY_CARRY_MISMATCH") == []
    # a copy of Pingtan 2023's part 五 in a 2025 report of the same organ is caught
    p23 = next(r for r in store.reports(organ="平潭综合实验区", year=2023))
    fake = make_report("平潭综合实验区", 2025, seed=9)
    fake.sections = p23.report.sections
    store.add_report(fake)
    run_corpus_rules(store)
    hits = store.findings(code="XY_TEXT_REUSE")
    assert len(hits) == 1 and "2023年度" in hits[0].message and hits[0].data["similarity"] > 0.99


def test_filtered_run_keeps_other_reports_findings(db_url: str) -> None:
    store = Store(db_url)
    for organ in ("甲镇", "乙镇"):
        r23 = make_report(organ, 2023, region="洪泽区", seed=1)
        r24 = make_report(organ, 2024, region="洪泽区", seed=2)
        r24.cells["t3.carried_over.total"] = CellValue(r23.value("t3.carried_forward.total") + 1)
        store.add_report(r23)
        store.add_report(r24)
    assert run_corpus_rules(store)["XY_CARRY_MISMATCH"] == 2
    # checking one organ's 2024 report alone still sees its 2023 report, and leaves 乙镇's finding
    assert run_corpus_rules(store, ReportFilter(organ="甲镇", year=2024))["XY_CARRY_MISMATCH"] == 1
    assert len(store.findings(code="XY_CARRY_MISMATCH")) == 2
    (f,) = store.findings(
        code="XY_CARRY_MISMATCH", report_id=store.report_ids(ReportFilter(organ="甲镇", year=2024))[0]
    )
    store.accept_finding(f.id, who="王五", comment="上年报告有误，已更正")
    run_corpus_rules(store)
    kept = [x for x in store.findings(code="XY_CARRY_MISMATCH") if x.accepted]
    assert [(x.accepted_by, x.comment) for x in kept] == [("王五", "上年报告有误，已更正")]
