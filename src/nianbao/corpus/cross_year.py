"""Cross-year rules: one organ's report against its report for the year before.

Registered as corpus-scope rules; `nianbao.corpus.runner.run_corpus_rules` runs them over the store.
Every rule yields (report id, Finding) for the later report of a pair.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..findings import Finding
from ..plugins import rule
from ..store import StoredReport
from ..templates import get_template
from .context import CorpusContext
from .similarity import ratio

REUSE_PART_THRESHOLD = float(os.environ.get("NIANBAO_REUSE_PART", 0.9))
REUSE_TEXT_THRESHOLD = float(os.environ.get("NIANBAO_REUSE_TEXT", 0.95))
REUSE_MIN_CHARS = 40  # shorter parts ("无") are identical by nature, not by copying


def _num(v: float | int | None) -> str:
    if v is None:
        return "空"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _col_label(template_id: str, key: str) -> str:
    table = get_template(template_id).table(key.split(".", 1)[0])
    return table.column(key).label.official


@rule("xy_carry", codes=["XY_CARRY_MISMATCH"], scope="corpus")
def carry(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """This year's 上年结转 = last year's 结转下年度继续办理, column by column."""
    for cur, prev in ctx.pairs(consecutive=True):
        t_cur, t_prev = cur.report.template, prev.report.template
        if not t_cur or not t_prev:
            continue
        cols = [c for c in get_template(t_cur).table("t3").blocks[0].value_columns]
        bad: list[tuple[str, float | int, float | int]] = []
        for col in cols:
            now = cur.report.value(f"t3.carried_over.{col.key}")
            before = prev.report.value(f"t3.carried_forward.{col.key}")
            if now is not None and before is not None and now != before:
                bad.append((col.key, now, before))
        if not bad:
            continue
        detail = "；".join(
            f"{_col_label(t_cur, f't3.carried_over.{k}')}：本年上年结转 {_num(a)}，上年度结转下年度 {_num(b)}"
            for k, a, b in bad
        )
        yield (
            cur.id,
            Finding(
                "XY_CARRY_MISMATCH",
                f"表三“二、上年结转”与{prev.report.year}年度报告“四、结转下年度继续办理”不一致（{detail}）",
                cells=[f"t3.carried_over.{k}" for k, _, _ in bad],
                where="表三",
                data={
                    "other_report_id": prev.id,
                    "previous_year": prev.report.year,
                    "columns": {k: [a, b] for k, a, b in bad},
                },
            ),
        )


@rule("xy_in_force", codes=["XY_IN_FORCE_MISMATCH"], scope="corpus")
def in_force(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """2021 template: last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效."""
    for cur, prev in ctx.pairs(consecutive=True):
        if cur.report.table_templates.get("t2", cur.report.template) != "2021":
            continue
        if prev.report.table_templates.get("t2", prev.report.template) != "2021":
            continue
        table = get_template("2021").table("t2")
        rows = {k.split(".")[1] for k in table.cell_keys if k.endswith(".in_force")}
        for row in sorted(rows):
            before = prev.report.value(f"t2.{row}.in_force")
            issued = cur.report.value(f"t2.{row}.issued")
            repealed = cur.report.value(f"t2.{row}.repealed")
            now = cur.report.value(f"t2.{row}.in_force")
            if None in (before, issued, repealed, now):
                continue
            expected = before + issued - repealed  # type: ignore[operator]
            if abs(expected - now) > 1e-6:  # type: ignore[operator]
                label = table.row(f"t2.{row}.in_force").label.official
                yield (
                    cur.id,
                    Finding(
                        "XY_IN_FORCE_MISMATCH",
                        f"表二“{label}”现行有效件数 {_num(now)} 与推算值不符：{prev.report.year}年现行有效 {_num(before)}"
                        f" + 本年制发 {_num(issued)} − 本年废止 {_num(repealed)} = {_num(expected)}",
                        cells=[f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed"],
                        where="表二",
                        data={
                            "other_report_id": prev.id,
                            "previous_year": prev.report.year,
                            "expected": expected,
                            "actual": now,
                        },
                    ),
                )


@rule("xy_project_count", codes=["XY_PROJECT_COUNT_MISMATCH"], scope="corpus")
def project_count(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """2019 template: last year's 上一年项目数量 + 本年增/减 = this year's 上一年项目数量."""
    table = get_template("2019").table("t2")
    pairs_of_cols = []  # (row, count column, change column) from the template's signed columns
    for block in table.blocks:
        signed = [c for c in block.value_columns if c.signed]
        counts = [c for c in block.value_columns if not c.signed and c.key == "prev_count"]
        for row in block.data_rows:
            for s in signed:
                for c in counts:
                    pairs_of_cols.append((row, c.key, s.key))
    for cur, prev in ctx.pairs(consecutive=True):
        if cur.report.table_templates.get("t2", cur.report.template) != "2019":
            continue
        if prev.report.table_templates.get("t2", prev.report.template) != "2019":
            continue
        for row, count_key, change_key in pairs_of_cols:
            before = prev.report.value(f"t2.{row.key}.{count_key}")
            change = prev.report.value(f"t2.{row.key}.{change_key}")
            now = cur.report.value(f"t2.{row.key}.{count_key}")
            if None in (before, change, now):
                continue
            expected = before + change  # type: ignore[operator]
            if abs(expected - now) > 1e-6:  # type: ignore[operator]
                yield (
                    cur.id,
                    Finding(
                        "XY_PROJECT_COUNT_MISMATCH",
                        f"表二“{row.label.official}”上一年项目数量 {_num(now)} 与{prev.report.year}年度报告不衔接："
                        f"上年度 {_num(before)} + 本年增/减 {_num(change)} = {_num(expected)}",
                        cells=[f"t2.{row.key}.{count_key}"],
                        where="表二",
                        data={
                            "other_report_id": prev.id,
                            "previous_year": prev.report.year,
                            "expected": expected,
                            "actual": now,
                        },
                    ),
                )


@rule("xy_text_reuse", codes=["XY_TEXT_REUSE"], scope="corpus")
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
