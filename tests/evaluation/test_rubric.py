"""The rubric as data: the default, a user's file replacing or extending it, and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.evaluation import RubricError, load_rubric, loads_rubric
from nianbao.evaluation.facts import ReportFacts
from nianbao.evaluation.score import score_indicator
from nianbao.model import CellValue, Report

DEFAULT_KEYS = [
    "timeliness",
    "parts_complete",
    "tables_complete",
    "arithmetic_errors",
    "format_errors",
    "narrative_consistency",
    "problems_substance",
    "text_reuse",
    "substantive_disclosure_rate",
    "denial_rate",
    "carry_forward_rate",
    "review_correction_rate",
    "litigation_loss_rate",
    "dispute_rate",
]


def test_default_rubric() -> None:
    r = load_rubric()
    assert [i.key for i in r.indicators] == DEFAULT_KEYS
    assert r.total_weight == 100
    assert r.min_sample == 30
    assert r.deadlines["部门"] == (1, 31) and r.deadlines["政府"] == (3, 31)
    for ind in r.indicators:
        assert ind.caliber and ind.basis and ind.category, ind.key  # every 口径 written out
        assert (ind.sample is not None) == ind.percent or ind.key == "text_reuse", ind.key
    assert r.tables == {"t3", "t4"}


def test_colour_bounds() -> None:
    r = load_rubric()
    review = r.indicator("review_correction_rate")  # lower is better: green ≤ 5 %, yellow ≤ 15 %
    assert [review.colour(v) for v in (0.0, 0.05, 0.0501, 0.15, 0.1501)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "red",
    ]
    rate = r.indicator("substantive_disclosure_rate")  # higher is better: green ≥ 60 %, yellow ≥ 40 %
    assert [rate.colour(v) for v in (1.0, 0.6, 0.5999, 0.4, 0.3999)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "red",
    ]


def _report(received: int) -> Report:
    r = Report(source="x", year=2024, template="2021", table_templates={"t3": "2021"}, tables_present={"t3"})
    r.cells["t3.new_received.total"] = CellValue(received, str(received))
    r.cells["t3.carried_over.total"] = CellValue(0, "0")
    r.cells["t3.carried_forward.total"] = CellValue(3, "3")
    return r


def test_sample_guard_boundary_and_overrides(tmp_path: Path) -> None:
    r = load_rubric()
    carry = r.indicator("carry_forward_rate")
    assert score_indicator(r, carry, ReportFacts(_report(29))).status == "insufficient"
    at = score_indicator(r, carry, ReportFacts(_report(30)))
    assert (at.status, at.colour, at.points) == ("rated", "green", 3)  # 3 ÷ 30 = 10 %, green bound
    f = tmp_path / "my.yaml"
    f.write_text("extends: default\nmin_sample: 10\n", encoding="utf-8")
    assert score_indicator(load_rubric(f), carry, ReportFacts(_report(12))).status == "rated"
    f.write_text(
        "extends: default\nindicators:\n  - key: carry_forward_rate\n    min_sample: 100\n", encoding="utf-8"
    )
    mine = load_rubric(f)
    assert mine.min_sample == 30
    low = score_indicator(mine, mine.indicator("carry_forward_rate"), ReportFacts(_report(60)))
    assert (low.status, low.points) == ("insufficient", None)
    assert "少于 100 件" in low.reason


def test_user_rubric_replaces_the_default() -> None:
    r = loads_rubric(
        """
name: 只看结转
min_sample: 5
indicators:
  - key: carry
    name: 结转率
    value: ratio(t3.carried_forward.total, t3.received.total + t3.carried_over.total)
    sample: t3.received.total
    unit: "%"
    better: lower
    green: 10%
    yellow: "0.3"
    weight: 40
"""
    )
    assert [i.key for i in r.indicators] == ["carry"]
    assert (r.name, r.min_sample, r.total_weight) == ("只看结转", 5, 40)
    ind = r.indicator("carry")
    assert (ind.green, ind.yellow) == (0.1, 0.3)
    res = score_indicator(r, ind, ReportFacts(_report(10)))  # 3 ÷ 10 = 30 %: yellow, 40 × 0.5
    assert (res.colour, res.points) == ("yellow", 20)


def test_extends_overrides_adds_and_removes() -> None:
    r = loads_rubric(
        """
extends: default
yellow_points: 0.25
indicators:
  - key: timeliness
    weight: 20
  - key: fee_reported
    name: 报告信息处理费
    category: 要素齐全
    value: findings("FEE_NOT_REPORTED")
    better: lower
    green: 0
    yellow: 0
    weight: 5
remove: [dispute_rate, text_reuse]
"""
    )
    keys = [i.key for i in r.indicators]
    assert keys == [k for k in DEFAULT_KEYS if k not in ("dispute_rate", "text_reuse")] + ["fee_reported"]
    t = r.indicator("timeliness")
    assert t.weight == 20 and t.value.source == "days_late()" and t.caliber  # the rest kept
    assert r.total_weight == 100 - 8 + 8 - 3 + 5
    assert r.yellow_points == 0.25
    assert t.origin.file == "<评估细则>"  # restated in the user's file: errors point there


def _refusal(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(RubricError) as exc:
        loads_rubric(text, "bad.yaml")
    return exc.value.problems


BASE = """\
name: 测试
indicators:
  - key: rate
    name: 比率
    value: ratio(t3.granted.total, t3.results_total.total)
    better: higher
    green: 0.6
    yellow: 0.4
    weight: 10
"""


def test_unknown_cell_is_refused_with_its_line() -> None:
    (problem,) = _refusal(BASE.replace("t3.granted.total", "t3.grantd.total"))
    file, line, message = problem
    assert (file, line) == ("bad.yaml", 5)
    assert "未知单元格“t3.grantd.total”" in message and "t3.granted.total" in message  # with a hint
    assert "rate" in message


def test_bad_formula_is_refused_with_its_line() -> None:
    (problem,) = _refusal(
        BASE.replace("ratio(t3.granted.total, t3.results_total.total)", "ratio(t3.granted.total,")
    )
    assert problem[1] == 5 and "语法错误" in problem[2]
    text = BASE.replace(
        "    value: ratio(t3.granted.total, t3.results_total.total)\n",
        "    value: |\n      ratio(t3.granted.total,\n            t3.missing.total)\n",
    )
    (problem,) = _refusal(text)
    assert problem[1] == 7 and "t3.missing.total" in problem[2]  # the line inside the block
    (problem,) = _refusal(BASE.replace("ratio(", "eval("))
    assert problem[1] == 5 and "未知函数“eval”" in problem[2]


def test_other_refusals_name_their_lines() -> None:
    cases = [
        (
            BASE.replace("    weight: 10", "    wieght: 10"),
            [(9, "未知的指标字段“wieght”"), (3, "缺少字段 weight")],
        ),
        (BASE.replace("higher", "upward"), [(6, "better 应为 higher")]),
        (BASE.replace("green: 0.6", "green: 0.3"), [(7, "green 应不低于")]),
        (BASE.replace("green: 0.6", "green: sixty"), [(7, "green 应为数字")]),
        (BASE.replace("weight: 10", "weight: -1"), [(9, "weight 应在")]),
        (BASE + "colour: red\n", [(10, "未知字段“colour”")]),
        (BASE.replace("  - key: rate", "  - key: Rate!"), [(3, "key 不是小写英文字母")]),
        (BASE + BASE.split("indicators:\n")[1].replace("  - key", "  - key", 1), None),
        ("name: x\nindicators:\n  - key: a\n    name: 甲\n    name: 乙\n", [(5, "重复")]),
        ("name: [unclosed\n", [(None, "YAML 格式错误")]),
        ("extends: other\n", [(1, "extends 只能是 default")]),
        ("remove: [timeliness]\nindicators: []\n", [(1, "remove 只能与 extends")]),
        (
            BASE.replace("ratio(t3.granted.total, t3.results_total.total)", 'findings("NO_SUCH")'),
            [(5, "未知问题代码")],
        ),
        ("- just\n- a list\n", [(1, "应为一个映射")]),
    ]
    for text, expected in cases:
        problems = _refusal(text)
        if expected is None:  # the same key twice
            assert any("重复" in m for _, _, m in problems), problems
            continue
        for line, fragment in expected:
            assert any(fragment in m and (line is None or ln == line) for _, ln, m in problems), (
                fragment,
                problems,
            )


def test_all_problems_are_reported_together() -> None:
    text = BASE.replace("t3.granted.total", "t3.nope.total").replace("higher", "sideways")
    problems = _refusal(text)
    assert {ln for _, ln, _ in problems} == {5, 6}
    assert str(RubricError(problems)).startswith("评估细则 bad.yaml 第 5 行：")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="文件不存在"):
        load_rubric(tmp_path / "none.yaml")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("name: 测试\n".encode("gb18030"))
    with pytest.raises(RubricError, match="UTF-8"):
        load_rubric(bad)
