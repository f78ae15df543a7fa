"""逐级汇总: generated units with known tables sum exactly; missing and unreliable units are listed."""

from __future__ import annotations

import pytest

from nianbao.corpus.consolidate import consolidate
from nianbao.corpus.runner import run_corpus_rules
from nianbao.corpus.synthetic import make_report
from nianbao.findings import Finding
from nianbao.model import CellValue
from nianbao.store import Store
from nianbao.templates import template_for_year

UNITS = ["洪泽区教育局", "洪泽区财政局", "高良涧街道办事处", "岔河镇人民政府"]


def _region(store: Store, year: int = 2024) -> list:
    store.ensure_region("淮安市", "市")
    store.ensure_region("洪泽区", "县", parent="淮安市")
    for town in ("高良涧街道", "岔河镇", "老子山镇"):
        store.ensure_region(town, "乡镇", parent="洪泽区")
    store.ensure_organ("洪泽区卫生健康委员会", region="淮安市")  # known from an earlier year
    reports = [make_report(name, year, region="淮安市洪泽区", seed=i) for i, name in enumerate(UNITS)]
    for r in reports:
        store.add_report(r)
    return reports


def test_units_sum_exactly_and_missing_units_are_listed(db_url: str) -> None:
    store = Store(db_url)
    reports = _region(store)
    c = consolidate(store, "洪泽区", 2024)
    assert sorted(u.name for u in c.units) == sorted(
        ["洪泽区教育局", "洪泽区财政局", "高良涧街道办事处", "岔河镇人民政府"]
    )
    assert {u.name for u in c.missing} == {"老子山镇人民政府", "洪泽区卫生健康委员会"}
    assert not c.unreliable
    for key in template_for_year(2024).cell_keys:
        expected = sum(r.value(key) for r in reports)
        assert c.report.value(key) == pytest.approx(expected), key
    assert isinstance(c.report.value("t3.new_received.total"), int)
    assert c.report.year == 2024 and c.report.template == "2021"
    assert {f.code for f in c.report.findings} == {"CONSOLIDATION_MISSING_UNIT"}


def test_unit_with_table_errors_is_unreliable_and_agg_rule(db_url: str) -> None:
    store = Store(db_url)
    reports = _region(store)
    bad = make_report("老子山镇", 2024, region="洪泽区", seed=99)
    bad.add(Finding("T3_BALANCE", "表三勾稽关系不成立"))
    store.add_report(bad)
    c = consolidate(store, "洪泽区", 2024)
    assert [u.name for u in c.unreliable] == ["老子山镇人民政府"]
    assert c.unreliable[0].problems == ["T3_BALANCE"]
    # the consolidated report stored as such agrees with its units; a changed cell does not
    rid = store.add_report(c.report, consolidated=True)
    assert run_corpus_rules(store).get("AGG_MISMATCH", 0) == 0
    wrong = c.report
    wrong.cells["t3.granted.total"] = CellValue(wrong.value("t3.granted.total") + 5)
    store.delete_report(rid)
    store.add_report(wrong, consolidated=True)
    assert run_corpus_rules(store)["AGG_MISMATCH"] == 1
    (f,) = store.findings(code="AGG_MISMATCH")
    assert f.cells == ["t3.granted.total"] and "5 个下级单位" in f.message
    assert sum(r.value("t3.granted.total") for r in [*reports, bad]) + 5 == wrong.value("t3.granted.total")


def test_unknown_region_is_a_clear_error(db_url: str) -> None:
    with pytest.raises(LookupError, match="没有地区"):
        consolidate(Store(db_url), "不存在区", 2024)
