"""The hook specs: report and corpus rules apart, stages instead of import order, declared codes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from nianbao import plugins
from nianbao.findings import CATALOGUE, Code, Finding, Severity, declare
from nianbao.model import Report
from nianbao.rules import validate


@pytest.fixture
def scratch_rules() -> Iterator[None]:
    """Rules registered by a test are removed afterwards."""
    plugins.load()
    before = dict(plugins.REPORT_RULES), dict(plugins.CORPUS_RULES)
    codes = dict(dict.items(CATALOGUE))
    yield
    for registry, saved in zip((plugins.REPORT_RULES, plugins.CORPUS_RULES), before, strict=True):
        registry.clear()
        registry.update(saved)  # type: ignore[arg-type]
    dict.clear(CATALOGUE)
    dict.update(CATALOGUE, codes)


def test_repairs_run_before_checks_whatever_the_registration_order(scratch_rules: None) -> None:
    seen: list[str] = []

    @plugins.report_rule(
        "zz_late_repair", codes=[Code("ZZ_REPAIRED", Severity.INFO, "测试修复")], stage=plugins.Stage.REPAIR
    )
    def late_repair(report: Report) -> Iterator[Finding]:
        seen.append("repair")
        report.title = "修复后的标题"
        yield Finding("ZZ_REPAIRED", "已修复")

    @plugins.report_rule("zz_check", codes=[Code("ZZ_CHECKED", Severity.WARNING, "测试检查")])
    def check(report: Report) -> Iterator[Finding]:
        seen.append(f"check:{report.title}")
        return iter(())

    order = [spec.name for spec in plugins.report_rules()]
    assert order.index("zz_late_repair") < order.index("sections") < order.index("zz_check")
    assert order[0] == "ocr_review" and plugins.REPORT_RULES["ocr_review"].stage == plugins.Stage.REPAIR
    found = validate(Report(source="x"))
    assert seen == ["repair", "check:修复后的标题"]
    assert found[0].code == "ZZ_REPAIRED" and found[0].severity == Severity.INFO


def test_a_plugin_declares_its_codes_and_never_edits_the_catalogue(scratch_rules: None) -> None:
    @plugins.report_rule("zz_plugin", codes=[Code("ZZ_PLUGIN", Severity.ERROR, "插件发现的问题")])
    def check(report: Report) -> Iterator[Finding]:
        yield Finding("ZZ_PLUGIN", "出错了")

    assert CATALOGUE["ZZ_PLUGIN"] == (Severity.ERROR, "插件发现的问题")
    assert (
        Finding("ZZ_PLUGIN", "x").severity == Severity.ERROR
        and Finding("ZZ_PLUGIN", "x").title == "插件发现的问题"
    )
    declare(Code("ZZ_PLUGIN", Severity.ERROR, "插件发现的问题"))  # the same declaration again is fine
    with pytest.raises(ValueError, match="ZZ_PLUGIN"):
        declare(Code("ZZ_PLUGIN", Severity.INFO, "另一种说法"))


def test_report_and_corpus_rules_have_their_own_specs() -> None:
    report = plugins.report_rules()
    corpus = plugins.corpus_rules()
    assert all(isinstance(s, plugins.ReportRuleSpec) for s in report)
    assert {s.name for s in corpus} >= {
        "xy_carry",
        "xy_in_force",
        "xy_project_count",
        "xy_text_reuse",
        "agg_mismatch",
    }
    assert not {s.name for s in report} & {s.name for s in corpus}
    assert set(plugins.RULES) == {s.name for s in report} | {s.name for s in corpus}
    every = {c for s in [*report, *corpus] for c in s.codes}
    assert every <= set(CATALOGUE)


def test_catalogue_lookups_work_before_any_rule_is_imported() -> None:
    # a fresh interpreter: findings imported alone, a rule-declared code looked up first
    code = (
        "from nianbao.findings import CATALOGUE, Finding;"
        "assert Finding('T3_BALANCE', 'x').severity == 'error';"
        "assert CATALOGUE['XY_CARRY_MISMATCH'][1] == '上年结转与上年度报告不衔接';"
        "assert 'CELL_OCR_UNCERTAIN' in CATALOGUE and 'NOT_A_CODE' not in CATALOGUE"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
