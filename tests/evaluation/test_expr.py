"""The formula language: what it computes, and what it refuses (never `eval`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from nianbao.evaluation.expr import MAX_LENGTH, FormulaError, Function, compile_formula
from nianbao.evaluation.facts import FUNCTIONS, check_cell


class Cells:
    def __init__(self, cells: dict[str, float | None], **vars: float | None) -> None:
        self.cells, self.vars, self.calls = cells, vars, []

    def cell(self, ref: str) -> float | None:
        return self.cells.get(ref)

    def var(self, name: str) -> float | None:
        return self.vars.get(name)

    def call(self, name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> float | None:
        self.calls.append((name, tuple(args), dict(kwargs)))
        return 7.0


def run(text: str, cells: dict[str, float | None] | None = None, **vars: float | None):
    f = compile_formula(text, FUNCTIONS, names=tuple(vars), cell_check=check_cell)
    return f(Cells(cells or {}, **vars))


def test_arithmetic_and_cells() -> None:
    cells = {"t3.granted.total": 50.0, "t3.results_total.total": 100.0, "t4.review.pending": 0.0}
    assert run("t3.granted.total / t3.results_total.total", cells) == 0.5
    assert run("ratio(t3.granted.total, t3.results_total.total) * 100", cells) == 50
    assert run("-(1 + 2) * 3 - 4 / 2") == -11
    assert run("sum(1, 2, 3) + min(4, 5) + max(4, 5) + abs(-2) + round(2.567, 1)") == pytest.approx(19.6)
    assert run("clamp(1 - value / 60, 0, 1)", value=15) == 0.75
    assert run("1 if value <= 0 else 0.5", value=-3) == 1
    assert run("1 <= value < 3", value=2) is True
    assert run("value > 1 and value < 3 or value == 10", value=10) is True


def test_undefined_propagates() -> None:
    # a blank cell or a zero denominator makes the formula undefined, never 0
    assert run("t3.granted.total + 1", {"t3.granted.total": None}) is None
    assert run("1 / 0") is None
    assert run("ratio(1, 0)") is None
    assert run("ratio(1, -3)") is None
    assert run("sum(1, t3.granted.total)") is None
    assert run("coalesce(t3.granted.total, 0) + 1") == 1
    assert run("defined(t3.granted.total)") is False
    assert run("1 if t3.granted.total > 0 else 2") is None
    assert run("not t3.granted.total") is None


def test_context_functions_get_their_literals() -> None:
    env = Cells({})
    f = compile_formula('findings("T3_*", "T4_GROUP_TOTAL", severity="error") + results("denied")', FUNCTIONS)
    assert f(env) == 14
    assert env.calls == [
        ("findings", ("T3_*", "T4_GROUP_TOTAL"), {"severity": "error"}),
        ("results", ("denied",), {}),
    ]
    assert f.calls == {"findings", "results"}


def test_role_names_resolve_in_every_template() -> None:
    # t3.received is the role of 一、本年新收 (t3.new_received) in both templates
    assert check_cell("t3.received.total") is None
    assert check_cell("t3.new_received.natural_person") is None
    assert check_cell("t3.other.total") is None  # 2019 only: allowed, undefined for 2021 reports


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "只能调用评估细则提供的函数"),
        ("__import__('os')", "未知函数"),
        ("open('x')", "未知函数"),
        ("t3.granted.total.__class__", "未知单元格"),
        ("(1).real", "只能引用单元格"),
        ("[1, 2][0]", "下标"),
        ("lambda: 1", "lambda"),
        ("[x for x in (1,)]", "列表推导"),
        ("2 ** 10", "乘方"),
        ("7 // 2", "//"),
        ("f'{1}'", "f-字符串"),
        ("(x := 1)", ":="),
        ("foo", "未知名称"),
        ("value", "未知名称"),  # `value` only where the field allows it (score)
        ("t3.granted.totl", "未知单元格"),
        ("t9.granted.total", "未知单元格"),
        ("t3.denied.total", "分组行"),
        ("ratio(1)", "需要 2 个参数"),
        ("results(denied)", "带引号的文字"),
        ('results("refused")', "未知办理结果类别"),
        ('results("denied", column="nobody")', "没有“nobody”列"),
        ('results("denied", colour="total")', "没有参数“colour”"),
        ('findings("T3_ROW_TOTL")', "未知问题代码"),
        ('findings("T3_*", severity="fatal")', "未知严重程度"),
        ('part_chars("preface")', "未知报告部分"),
        ('sum("a")', "应为数值"),
        ("ratio", "是函数"),
        ("t3.granted.total（", "全角符号"),
        ("1 +", "语法错误"),
        ("(1 + 2", "语法错误"),
        ("'text'", "只能是数字"),
        ("True", "只能是数字"),
        ("1e999", "超出范围"),
        ("", "公式为空"),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        compile_formula(text, FUNCTIONS, cell_check=check_cell)


def test_positions_and_limits() -> None:
    with pytest.raises(FormulaError) as exc:
        compile_formula("1 +\n  t3.nothing.total", FUNCTIONS, cell_check=check_cell)
    assert (exc.value.line, exc.value.column) == (2, 3)
    with pytest.raises(FormulaError) as exc:
        compile_formula("ratio(t3.granted.total, t3.nothing.total)", FUNCTIONS, cell_check=check_cell)
    assert (exc.value.line, exc.value.column) == (1, 25)
    with pytest.raises(FormulaError) as exc:
        compile_formula("1 + * 2", FUNCTIONS)
    assert (exc.value.line, exc.value.column) == (1, 5)
    with pytest.raises(FormulaError, match="过长"):
        compile_formula("1+" * MAX_LENGTH + "1", FUNCTIONS)
    with pytest.raises(FormulaError, match="复杂|过长|嵌套"):
        compile_formula("+".join(["1"] * 900), FUNCTIONS)
    with pytest.raises(FormulaError):
        compile_formula("(" * 300 + "1" + ")" * 300, FUNCTIONS)


def test_a_function_table_is_the_only_way_out() -> None:
    calls = []
    spy = Function("spy", 0, 0, impl=lambda: calls.append(1) or 1.0)
    assert compile_formula("spy() + 1", {"spy": spy})(Cells({})) == 2
    assert calls == [1]
    with pytest.raises(FormulaError, match="未知函数"):
        compile_formula("spy()", {})
