"""The tables' 勾稽关系 (T3_ROW_TOTAL, T3_RESULTS_TOTAL, T3_BALANCE, T4_GROUP_TOTAL) and 表二 plausibility.

The relations come from `nianbao.arithmetic.relations()`, which derives them from the template;
a relation is judged when every cell in it has a value — a blank 总计 gives no verdict — or when
the cells read already prove it broken: the cells are counts, so a side read in full below the
known part of the other breaks it whatever the unread cells hold.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import arithmetic
from ..findings import Code, Finding, Severity
from ..model import Report
from ..plugins import report_rule
from ..templates import Template
from ._common import fmt, number, template_of


def _sum_text(values: list[float | int], labels: list[str] | None = None) -> str:
    total = sum(values)
    if labels is None:
        return f"{'+'.join(fmt(v) for v in values)} = {fmt(total)}" if len(values) > 1 else fmt(total)
    return " + ".join(f"{lab} {fmt(v)}" for lab, v in zip(labels, values, strict=True)) + f" = {fmt(total)}"


def _message(template: Template, rel: arithmetic.Relation, values: dict[str, float | int | None]) -> str:
    lhs = [values[k] for k in rel.lhs]
    rhs = [values[k] for k in rel.rhs]
    table = template.table(rel.lhs[0].split(".")[0])
    if rel.code == "T3_ROW_TOTAL":
        return f"{rel.where}：总计 {fmt(lhs[0])} ≠ 各类申请人之和 {_sum_text(rhs)}"  # type: ignore[arg-type]
    if rel.code == "T4_GROUP_TOTAL":
        labels = [table.column(k).label.official for k in rel.rhs]
        return f"{rel.where}：总计 {fmt(lhs[0])} ≠ {_sum_text(rhs, labels)}"  # type: ignore[arg-type]
    if rel.code == "T3_RESULTS_TOTAL":
        nonzero = [(table.row_name(k), v) for k, v in zip(rel.rhs, rhs, strict=True) if v]
        detail = "、".join(f"{lab} {fmt(v)}" for lab, v in nonzero) or "各项均为 0"
        return (
            f"{rel.where}：（七）总计 {fmt(lhs[0])} ≠ 各项办理结果之和 {fmt(sum(rhs))}"  # type: ignore[arg-type]
            f"（{detail}）"
        )
    # T3_BALANCE: 一 + 二 = （七）总计 + 四
    left = _sum_text(lhs, ["本年新收", "上年结转"])  # type: ignore[arg-type]
    right = _sum_text(rhs, ["（七）总计", "结转下年度继续办理"])  # type: ignore[arg-type]
    return f"{rel.where}：不符合“第一项加第二项之和，等于第三项加第四项之和”：{left} ≠ {right}"


@report_rule(
    "table_arithmetic",
    codes=[
        Code("T3_ROW_TOTAL", Severity.ERROR, "表三行总计不等于各类申请人之和"),
        Code("T3_RESULTS_TOTAL", Severity.ERROR, "表三（七）总计不等于各办理结果之和"),
        Code("T3_BALANCE", Severity.ERROR, "表三勾稽关系不成立"),
        Code("T4_GROUP_TOTAL", Severity.ERROR, "表四总计不等于各结果之和"),
    ],
)
def check_relations(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    if template is None:
        return
    values = report.values()
    for tid in ("t3", "t4"):
        if tid not in report.tables_present:
            continue
        for rel in arithmetic.relations(template.id, tid):
            verdict = rel.holds(values)
            excess = rel.exceeded(values) if verdict is None else None
            if excess is not None:
                yield _exceeded(template, rel, values, excess)
                continue
            if verdict is not False:
                continue
            lhs = sum(values[k] for k in rel.lhs)  # type: ignore[misc]
            rhs = sum(values[k] for k in rel.rhs)  # type: ignore[misc]
            yield Finding(
                rel.code,
                _message(template, rel, values),
                cells=list(rel.keys),
                where=rel.where,
                data={
                    "lhs": number(lhs),
                    "rhs": number(rhs),
                    "values": {k: number(values[k]) for k in rel.keys},  # type: ignore[arg-type]
                },
            )


# how a total and its parts are named, for a relation broken before all its cells are read
_WHOLE_AND_PARTS = {
    "T3_ROW_TOTAL": ("总计", "各类申请人"),
    "T3_RESULTS_TOTAL": ("（七）总计", "各项办理结果"),
    "T4_GROUP_TOTAL": ("总计", "各结果"),
}


def _exceeded(
    template: Template,
    rel: arithmetic.Relation,
    values: dict[str, float | int | None],
    excess: tuple[bool, float, float],
) -> Finding:
    left, whole, part = excess
    missing = [k for k in rel.keys if values.get(k) is None]
    names = "、".join(template.cell_place(k) for k in missing[:4]) + (
        f" 等 {len(missing)} 处" if len(missing) > 4 else ""
    )
    total, parts = _WHOLE_AND_PARTS.get(
        rel.code, ("本年新收与上年结转" if left else "（七）总计与结转下年度", "另一方")
    )
    return Finding(
        rel.code,
        f"{rel.where}：{total} {fmt(whole)} 小于已读出的{parts}之和 {fmt(part)}，"
        f"不论未读出的单元格（{names}）是多少都不可能相符",
        cells=list(rel.keys),
        where=rel.where,
        data={"lhs" if left else "rhs": number(whole), "known_other_side": number(part)},
    )


@report_rule(
    "t2_plausibility",
    codes=[Code("T2_IMPLAUSIBLE", Severity.WARNING, "表二数据相互矛盾")],
)
def check_t2(report: Report) -> Iterator[Finding]:
    """Values of 表二 that cannot both hold: the template's lower bounds (`at_least`).

    2021: 现行有效 = last year's 现行有效 + 本年制发 − 本年废止 ≥ 本年制发 − 本年废止.
    2019: 对外公开总数量 includes this year's 本年新公开数量.
    """
    template = template_of(report)
    if template is None or "t2" not in report.tables_present:
        return
    table = template.table("t2")
    values = report.values()
    for bound in table.lower_bounds:
        least, value = bound.minimum(values), values.get(bound.cell)
        if least is None or value is None or value >= least:
            continue
        label = f"{table.title}“{table.row(bound.cell).label.official}”"
        terms = "".join(
            f"{'' if i == 0 and sign > 0 else (' + ' if sign > 0 else ' − ')}{table.column(k).label.short} {fmt(values[k])}"
            for i, (k, sign) in enumerate(bound.terms)
        )
        if len(bound.terms) > 1:
            terms += f" = {fmt(least)}"
        yield Finding(
            "T2_IMPLAUSIBLE",
            f"{label}：{table.column(bound.cell).label.official} {fmt(value)} 小于{terms}，两者不可能同时成立",
            cells=list(bound.keys),
            where=label,
            data={table.column(k).key: values[k] for k in bound.keys},
        )
