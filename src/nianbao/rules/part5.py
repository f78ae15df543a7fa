"""Part 五 (存在的主要问题及改进情况) written for real, as the 2021 notice requires: "重在实事求是、
明确具体，避免笼统模糊、泛泛而谈……不得出现敷衍了事甚至年年雷同现象".

PART5_EMPTY: the heading with nothing under it; PART5_NONE: only "无" or the like; PART5_TOKEN:
too short to name a problem and what was done about it; PART5_COPIED (a corpus rule, it needs the
year before): the same text as last year where the general reuse check does not already say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Code, Finding, Severity
from ..model import Report
from ..plugins import corpus_rule, report_rule
from ._common import cjk_count, compact

if TYPE_CHECKING:
    from ..corpus.context import CorpusContext

# about two sentences: the shortest real part 五 in the shared corpus has 209 ideographs
MIN_CHARS = 80
COPIED_RATIO = 0.9
_NONE = re.compile(r"^(?:无|暂无|没有|无问题|本年度无|不存在|/|—+|-+)[。.；;]?$")
WHERE = "五、存在的主要问题及改进情况"
NOTICE = "2021年格式要求该部分“明确具体，避免笼统模糊、泛泛而谈”，“不得出现敷衍了事甚至年年雷同现象”"


@report_rule(
    "part5_substance",
    codes=[
        Code("PART5_EMPTY", Severity.WARNING, "第五部分内容空白"),
        Code("PART5_NONE", Severity.WARNING, "第五部分只写“无”"),
        Code("PART5_TOKEN", Severity.WARNING, "第五部分内容过于简略"),
    ],
)
def check_part5(report: Report) -> Iterator[Finding]:
    part = report.section("problems")
    if part is None:
        return  # SECTION_MISSING says so
    text = compact(part.text)
    if not text:
        yield Finding(
            "PART5_EMPTY", f"第五部分“存在的主要问题及改进情况”只有标题，没有内容（{NOTICE}）", where=WHERE
        )
        return
    if _NONE.match(text):
        yield Finding(
            "PART5_NONE",
            f"第五部分“存在的主要问题及改进情况”只写了“{text[:10]}”，未报告存在的问题和改进措施（{NOTICE}）",
            where=WHERE,
        )
        return
    chars = cjk_count(part.text)
    if chars < MIN_CHARS:
        yield Finding(
            "PART5_TOKEN",
            f"第五部分“存在的主要问题及改进情况”仅 {chars} 字（“{text[:30]}”），"
            f"未具体写明存在的问题和改进措施（{NOTICE}）",
            where=WHERE,
            data={"chars": chars, "min": MIN_CHARS},
        )


@corpus_rule("part5_copied", codes=[Code("PART5_COPIED", Severity.WARNING, "第五部分照抄上年")])
def part5_copied(ctx: CorpusContext) -> Iterator[tuple[int, Finding]]:
    """Part 五 as last year's, when XY_TEXT_REUSE (which needs 40 characters on both sides) is silent."""
    from ..corpus.cross_year import REUSE_MIN_CHARS, REUSE_PART_THRESHOLD
    from ..corpus.similarity import ratio

    for cur, prev in ctx.pairs(consecutive=False):
        a, b = cur.report.section("problems"), prev.report.section("problems")
        if a is None or b is None:
            continue
        ta, tb = compact(a.text), compact(b.text)
        if cjk_count(ta) < 8 or _NONE.match(ta):
            continue  # empty and "无" have their own findings
        sim = ratio(ta, tb)
        reuse_says_so = min(len(a.text), len(b.text)) >= REUSE_MIN_CHARS and sim >= REUSE_PART_THRESHOLD
        if sim >= COPIED_RATIO and not reuse_says_so:
            yield (
                cur.id,
                Finding(
                    "PART5_COPIED",
                    f"第五部分“存在的主要问题及改进情况”与{prev.report.year}年度报告基本相同（相似度 {sim:.0%}），"
                    f"未反映本年度的问题和改进情况（{NOTICE}）",
                    where=WHERE,
                    data={
                        "other_report_id": prev.id,
                        "previous_year": prev.report.year,
                        "similarity": round(sim, 4),
                    },
                ),
            )
