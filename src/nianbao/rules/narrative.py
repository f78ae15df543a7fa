"""The text against the tables (NARRATIVE_MISMATCH) and how it cites the regulation (REGULATION_MISCITED).

NARRATIVE_MISMATCH is deliberately narrow: it reads only the handful of sentence shapes reports use
to restate 表三/表四 (受理…申请N件, 答复N件, 予以公开及部分公开N件, 行政复议N件 …), skips figures
that a sentence attributes to another year or that follow 其中 (a breakdown of a part), and accepts
either of two readings where the wording is loose (受理 = 本年新收, or 本年新收 + 上年结转). A
figure that still disagrees is reported with the sentence it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..findings import Code, Finding, Severity
from ..model import Report
from ..plugins import report_rule
from ..templates import Role, Template
from ._common import compact, fmt, number, row_total, template_of

_NUM = r"(?P<n>\d+|[零〇一二两三四五六七八九十百千万]+)"
_UNIT = r"(?:件|起|宗|个)"
_TOTAL = r"(?:共计|共|合计|总计|累计)?"
_FILL = r"[^，,。；;：:！!？?、]{0,6}?"


def _to_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int(_cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Claim:
    """One kind of figure the text restates, how it is phrased and what in the tables it must equal."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    table: str  # t3 / t4: only checked when that table is present
    describe: str  # what the table figure is, for the message
    rows: tuple[str, ...]  # rows whose totals are added up: a role, a 表三 result group or a row key
    alternatives: tuple[tuple[str, ...], ...] = ()  # other row sets whose total is also accepted
    skip_after_qizhong: bool = False


def _p(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "received",
        _p(
            rf"(?:受理|收到|接收|新收)[^，,。；;：:！!？?]{{0,24}}?(?:政府信息公开|信息公开|依申请公开)?申请{_TOTAL}{_NUM}{_UNIT}",
            rf"(?:受理|收到|接收){_TOTAL}{_NUM}件(?:政府信息公开|信息公开|依申请公开)?申请",
            rf"收到依申请公开(?:申请)?{_TOTAL}{_NUM}件",
        ),
        "t3",
        "表三“一、本年新收政府信息公开申请数量”总计",
        (Role.RECEIVED,),
        alternatives=((Role.RECEIVED, Role.CARRIED_OVER),),
        skip_after_qizhong=True,
    ),
    Claim(
        "answered",
        _p(
            rf"(?:答复|办结)(?:政府信息公开|信息公开|依申请公开)?(?:申请)?{_TOTAL}{_NUM}件",
        ),
        "t3",
        "表三“（七）总计”",
        (Role.RESULTS_TOTAL,),
        skip_after_qizhong=True,
    ),
    Claim(
        "carried_over",
        _p(rf"(?:上年度?|上一年度?)结转(?:的)?(?:政府信息公开)?(?:申请)?{_TOTAL}{_NUM}件"),
        "t3",
        "表三“二、上年结转政府信息公开申请数量”总计",
        (Role.CARRIED_OVER,),
    ),
    Claim(
        "carried_forward",
        _p(
            rf"{_NUM}件(?:申请)?{_FILL}(?:顺延|结转)(?:到|至)?下一?年度",
            rf"结转(?:到|至)?(?:下一?年度?|\d{{4}}年){_FILL}{_NUM}件",
        ),
        "t3",
        "表三“四、结转下年度继续办理”总计",
        (Role.CARRIED_FORWARD,),
    ),
    Claim(
        "granted_or_partial",
        _p(rf"予以公开(?:及|和|与|、)部分公开{_TOTAL}{_NUM}件"),
        "t3",
        "表三“（一）予以公开”与“（二）部分公开”总计之和",
        ("granted", "partially_granted"),
    ),
    Claim(
        "granted",
        _p(rf"(?<![及和与、])予以公开(?!及|和|与|、){_TOTAL}{_NUM}件"),
        "t3",
        "表三“（一）予以公开”总计",
        ("granted",),
        alternatives=(("granted", "partially_granted"),),
    ),
    Claim(
        "denied",
        _p(rf"不予公开{_TOTAL}{_NUM}件"),
        "t3",
        "表三“（三）不予公开”各项之和",
        ("denied",),
    ),
    Claim(
        "unable",
        _p(rf"无法提供{_TOTAL}{_NUM}件"),
        "t3",
        "表三“（四）无法提供”各项之和",
        ("unable",),
    ),
    Claim(
        "not_processed",
        _p(rf"不予处理{_TOTAL}{_NUM}件"),
        "t3",
        "表三“（五）不予处理”各项之和",
        ("not_processed",),
    ),
    Claim(
        "other",
        _p(rf"其他处理{_TOTAL}{_NUM}件"),
        "t3",
        "表三“（六）其他处理”",
        (Role.OTHER_PROCESSING,),
    ),
    Claim(
        "review",
        _p(rf"行政复议(?:案件)?{_TOTAL}{_NUM}{_UNIT}"),
        "t4",
        "表四“行政复议”总计",
        ("review",),
    ),
    Claim(
        "litigation",
        _p(rf"(?<!复议后)(?:行政)?诉讼(?:案件)?{_TOTAL}{_NUM}{_UNIT}"),
        "t4",
        "表四“行政诉讼”两类总计之和",
        ("litigation_direct", "litigation_after_review"),
    ),
)


def _rows(template: Template, table_id: str, spec: tuple[str, ...]) -> list[str]:
    """Data rows named by `spec`: a row role, a 表三 result group (its result rows) or a row key."""
    groups = {g.key: g for g in template.result_groups} if table_id == "t3" else {}
    roles = {g.role: g for g in groups.values() if g.role}
    out: list[str] = []
    for item in spec:
        if item in roles:  # （六）其他处理: one row (2019) or the sum of its sub-rows (2021)
            out.extend(roles[Role(item)].rows)
        elif item in set(Role):
            out.append(template.role_row(item).key)
        elif item in groups:
            out.extend(groups[item].rows)
        else:
            out.extend(r.key for r in template.table(table_id).data_rows if r.key == item)
    return out


def _table_figure(report: Report, template: Template, claim: Claim, spec: tuple[str, ...]) -> float | None:
    table = template.table(claim.table)
    columns = [c.key for c in table.blocks[0].value_columns if not c.total_of]
    totals = [row_total(report, claim.table, r, columns) for r in _rows(template, claim.table, spec)]
    if not totals or all(t is None for t in totals):
        return None
    return sum(t for t in totals if t is not None)


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence around a match (for the message) and the part of it before the match."""
    left = max(text.rfind(p, 0, start) for p in "。；;！？\n") + 1
    rights = [i for i in (text.find(p, end) for p in "。；;！？\n") if i != -1]
    right = min(rights) if rights else len(text)
    return text[left:right], text[left:start]


_YEAR = re.compile(r"(\d{4})年")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def narrative_text(report: Report) -> str:
    """All section text, one sentence run per line.

    PDF text layers wrap sentences mid-word and put spaces around digits (申请 17 件): a line break
    not after sentence-ending punctuation is a wrap and is removed, as are all spaces.
    """
    text = "\n".join(s.text for s in report.sections).translate(_FULLWIDTH_DIGITS)
    text = re.sub(r"(?<![。；;！？!?：:])[ \t\u3000\xa0]*\n\s*", "", text)
    return re.sub(r"[ \t\u3000\xa0]+", "", text)


@report_rule(
    "narrative",
    codes=[Code("NARRATIVE_MISMATCH", Severity.WARNING, "正文数字与表格不一致")],
)
def check_narrative(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    if template is None or not report.sections:
        return
    text = narrative_text(report)
    seen: set[tuple[str, int]] = set()
    for claim in CLAIMS:
        if claim.table not in report.tables_present:
            continue
        expected = _table_figure(report, template, claim, claim.rows)
        if expected is None:
            continue
        accepted = [expected] + [
            v for alt in claim.alternatives if (v := _table_figure(report, template, claim, alt)) is not None
        ]
        for pattern in claim.patterns:
            for m in pattern.finditer(text):
                stated = _to_int(m["n"])
                if stated is None or (claim.name, m.start("n")) in seen:
                    continue
                seen.add((claim.name, m.start("n")))
                sentence, before = _clause(text, m.start(), m.end())
                if _other_year(before + m.group(0), report.year):
                    continue
                if claim.skip_after_qizhong and "其中" in before:
                    continue
                if any(abs(stated - a) < 1e-6 for a in accepted):
                    continue
                yield _finding(report, template, claim, stated, expected, m.group(0), sentence)


def _other_year(text: str, year: int | None) -> bool:
    years = {int(y) for y in _YEAR.findall(text)}
    return bool(year and years and year not in years)


def _finding(
    report: Report, template: Template, claim: Claim, stated: int, expected: float, quote: str, sentence: str
) -> Finding:
    table = template.table(claim.table)
    rows = _rows(template, claim.table, claim.rows)
    total_col = next(c.key for c in table.blocks[0].value_columns if c.total_of)
    cells = [f"{claim.table}.{r}.{total_col}" for r in rows]
    shown = sentence if len(sentence) <= 60 else quote
    return Finding(
        "NARRATIVE_MISMATCH",
        f"正文称“{shown}”，但{claim.describe}为 {fmt(expected)}，与正文的 {stated} 不一致",
        cells=cells,
        where=quote,
        data={"claim": claim.name, "stated": stated, "table": number(expected), "text": sentence},
    )


# --- the regulation's name ------------------------------------------------------------------------

_TITLE_MARKS = re.compile(r"《([^《》]{2,40})》")
_CORRECT = re.compile(r"^(?:中华人民共和国)?政府信息公开条例(?:[（(][^）)]*[）)])?$")
# a provincial or municipal instrument of its own (《湖南省政务公开条例》) is not a miscitation
_LOCAL = re.compile(r"^[^《》]{2,8}?(?:省|市|自治区|特别行政区)")
_BARE = re.compile(r"中华人民共和国(?!政府信息公开条例)[^，。；、《》\s]{0,8}?公开条例")


@report_rule(
    "regulation_name",
    codes=[Code("REGULATION_MISCITED", Severity.INFO, "条例名称引用错误")],
)
def check_regulation(report: Report) -> Iterator[Finding]:
    text = compact(report.full_text) if report.sections else ""
    if report.title:
        text = compact(report.title) + "\n" + text
    wrong: list[str] = []
    for m in _TITLE_MARKS.finditer(text):
        name = m.group(1)
        if "条例" not in name or not ("公开" in name and ("信息" in name or "政府" in name)):
            continue
        if _CORRECT.match(name) or _LOCAL.match(name):
            continue
        wrong.append(f"《{name}》")
    for m in _BARE.finditer(text):
        start = m.start()
        if start > 0 and text[start - 1] == "《":
            continue  # already judged above
        wrong.append(m.group(0))
    if wrong:
        names = "、".join(dict.fromkeys(wrong))
        yield Finding(
            "REGULATION_MISCITED",
            f"条例名称引用有误：{names}，应为《中华人民共和国政府信息公开条例》",
            where=names,
            data={"cited": list(dict.fromkeys(wrong))},
        )


def _cn2an(text: str, mode: str) -> float:
    # cn2an takes ~0.3 s to import; only pay for it when a Chinese numeral is actually read
    import cn2an

    return float(cn2an.cn2an(text, mode))
