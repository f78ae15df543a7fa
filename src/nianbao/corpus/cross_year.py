"""Cross-year rules: one organ's report against its report for the year before.

Registered as corpus-scope rules; `nianbao.corpus.runner.run_corpus_rules` runs them over the store.
Every rule yields (report id, Finding) for the later report of a pair.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..findings import Code, Finding, Severity
from ..plugins import corpus_rule
from ..store import StoredReport
from ..templates import TABLE_IDS, CrossYearRelation, Template, templates
from .context import CorpusContext
from .similarity import ratio

REUSE_PART_THRESHOLD = float(os.environ.get("NIANBAO_REUSE_PART", 0.9))
REUSE_TEXT_THRESHOLD = float(os.environ.get("NIANBAO_REUSE_TEXT", 0.95))
REUSE_MIN_CHARS = 40  # shorter parts ("无") are identical by nature, not by copying


def _num(v: float | int | None) -> str:
    if v is None:
        return "空"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _template_of(sr: StoredReport, table_id: str) -> Template | None:
    tid = sr.report.table_templates.get(table_id) or sr.report.template
    return templates().get(tid) if tid else None


def _applicable(
    cur: StoredReport, prev: StoredReport, code: str
) -> Iterator[tuple[Template, CrossYearRelation]]:
    """The relations of `code` in the later report's template whose cells both reports have."""
    for table_id in TABLE_IDS:
        t_cur, t_prev = _template_of(cur, table_id), _template_of(prev, table_id)
        if t_cur is None or t_prev is None:
            continue
        prev_keys = set(t_prev.cell_keys)
        for rel in t_cur.cross_year_for(code):
            if rel.table == table_id and all(k in prev_keys for k, _ in rel.last):
                yield t_cur, rel


@corpus_rule(
    "xy_carry",
    codes=[Code("XY_CARRY_MISMATCH", Severity.ERROR, "上年结转与上年度报告不衔接")],
)
def carry(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """This year's 上年结转 = last year's 结转下年度继续办理, column by column."""
    for cur, prev in ctx.pairs(consecutive=True):
        bad: list[tuple[str, str, float | int | None, float | None]] = []
        table = None
        for tpl, rel in _applicable(cur, prev, "XY_CARRY_MISMATCH"):
            table = tpl.table(rel.table)
            now = cur.report.value(rel.checked)
            expected = rel.expected(cur.report.values(), prev.report.values())
            if now is not None and expected is not None and abs(now - expected) > 1e-6:
                bad.append((rel.checked, table.column(rel.checked).label.official, now, expected))
        if not bad or table is None:
            continue
        detail = "；".join(
            f"{label}：本年上年结转 {_num(a)}，上年度结转下年度 {_num(b)}" for _, label, a, b in bad
        )
        yield (
            cur.id,
            Finding(
                "XY_CARRY_MISMATCH",
                f"{table.title}“二、上年结转”与{prev.report.year}年度报告“四、结转下年度继续办理”不一致（{detail}）",
                cells=[k for k, _, _, _ in bad],
                where=table.title,
                data={
                    "other_report_id": prev.id,
                    "previous_year": prev.report.year,
                    "columns": {k.rsplit(".", 1)[1]: [a, b] for k, _, a, b in bad},
                },
            ),
        )


def _row_relations(ctx: CorpusContext, code: str) -> Iterator[tuple[int, Finding]]:
    """One finding per row whose cross-year relation fails: the cell and what the pair implies."""
    for cur, prev in ctx.pairs(consecutive=True):
        this, last = cur.report.values(), prev.report.values()
        for tpl, rel in _applicable(cur, prev, code):
            now = this.get(rel.checked)
            expected = rel.expected(this, last)
            if now is None or expected is None or abs(expected - now) <= 1e-6:
                continue
            table = tpl.table(rel.table)
            terms = [
                f"{prev.report.year}年{table.column(k).label.short} {_num(last[k])}" for k, _ in rel.last
            ]
            sign = {1: "−", -1: "+"}  # a term of this year's side moves to the other side
            text = terms[0] + "".join(
                f" {sign[s]} {table.column(k).label.short} {_num(this[k])}" for k, s in rel.this[1:]
            )
            text += "".join(
                f" {'+' if s > 0 else '−'} {t}" for t, (_, s) in zip(terms[1:], rel.last[1:], strict=True)
            )
            column = table.column(rel.checked)
            yield (
                cur.id,
                Finding(
                    code,
                    f"{table.title}“{table.row(rel.checked).label.official}”{column.label.official} {_num(now)}"
                    f" 与{prev.report.year}年度报告不衔接：{text} = {_num(expected)}",
                    cells=[k for k, _ in rel.this],
                    where=table.title,
                    data={
                        "other_report_id": prev.id,
                        "previous_year": prev.report.year,
                        "expected": expected,
                        "actual": now,
                    },
                ),
            )


@corpus_rule(
    "xy_in_force",
    codes=[Code("XY_IN_FORCE_MISMATCH", Severity.WARNING, "现行有效件数与上年度不衔接")],
)
def in_force(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """2021 template: last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效."""
    yield from _row_relations(ctx, "XY_IN_FORCE_MISMATCH")


@corpus_rule(
    "xy_project_count",
    codes=[Code("XY_PROJECT_COUNT_MISMATCH", Severity.WARNING, "上一年项目数量与上年度不衔接")],
)
def project_count(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """2019 template: last year's 上一年项目数量 + 本年增/减 = this year's 上一年项目数量."""
    yield from _row_relations(ctx, "XY_PROJECT_COUNT_MISMATCH")


@corpus_rule(
    "xy_text_reuse",
    codes=[Code("XY_TEXT_REUSE", Severity.WARNING, "与上年度报告内容雷同")],
)
def text_reuse(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """Part 五 (or the whole text) nearly identical to the organ's previous report (年年雷同)."""
    for cur, prev in ctx.pairs(consecutive=False):
        a, b = cur.report.section("problems"), prev.report.section("problems")
        if a is not None and b is not None and min(len(a.text), len(b.text)) >= REUSE_MIN_CHARS:
            sim = ratio(a.text, b.text)
            if sim >= REUSE_PART_THRESHOLD:
                yield cur.id, _reuse(prev, sim, "第五部分“存在的主要问题及改进情况”", "problems")
                continue
        ta, tb = cur.report.full_text, prev.report.full_text
        if min(len(ta), len(tb)) >= REUSE_MIN_CHARS * 5:
            sim = ratio(ta, tb)
            if sim >= REUSE_TEXT_THRESHOLD:
                yield cur.id, _reuse(prev, sim, "全文", "all")


def _reuse(prev: StoredReport, sim: float, what: str, part: str) -> Finding:
    return Finding(
        "XY_TEXT_REUSE",
        f"{what}与{prev.report.year}年度报告高度相似（相似度 {sim:.0%}），疑似照搬上年内容",
        where=what,
        data={
            "other_report_id": prev.id,
            "previous_year": prev.report.year,
            "similarity": round(sim, 4),
            "part": part,
        },
    )
