"""What the notices require beyond the tables: overview length, the fee report, （六）其他处理, deadlines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..findings import Code, Finding, Severity
from ..model import Report
from ..plugins import report_rule
from ..templates import Role, template_for_year
from ._common import cjk_count, compact, fmt, number, report_year, row_total, template_of

# 国办公开办函〔2021〕30号: 总体情况 "篇幅原则上不超过一千字" (the template's `overview_max_chars`).
# We count CJK ideographs only (no punctuation, digits or Latin letters — the most lenient way to
# count 字) and allow 10 % for "原则上": the seed 004 overview (1,400 ideographs) is flagged,
# 淮安市 2024 (about 1,090) is not.
OVERVIEW_TOLERANCE = 1.10

# （六）其他处理 is "large" when it is more than this share of all results AND at least this many
# cases: a town with 2 of 5 applications in （六） is noise, 60 of 200 is what supervisors look for.
OTHER_SHARE = 0.20
OTHER_MIN_CASES = 5

_FEE = re.compile(r"处理费|收费|(?:收取|收缴|缴纳|征收)[^。；]{0,10}费用?")


@report_rule(
    "overview_length",
    codes=[Code("OVERVIEW_TOO_LONG", Severity.INFO, "总体情况篇幅过长")],
)
def check_overview_length(report: Report) -> Iterator[Finding]:
    year = report_year(report)
    overview = report.section("overview")
    if year is None or overview is None:
        return
    tpl = template_for_year(year)
    limit = tpl.overview_max_chars
    if limit is None:
        return
    chars = cjk_count(overview.text)
    if chars > limit * OVERVIEW_TOLERANCE:
        yield Finding(
            "OVERVIEW_TOO_LONG",
            f"“总体情况”约 {chars} 字（按汉字计），超过{tpl.id}年格式篇幅原则上不超过 {limit} 字的要求",
            where=overview.heading,
            data={"chars": chars, "limit": limit},
        )


@report_rule(
    "fee_reported",
    codes=[Code("FEE_NOT_REPORTED", Severity.WARNING, "未报告信息处理费收取情况")],
)
def check_fee(report: Report) -> Iterator[Finding]:
    """2021 format: 信息处理费 collected is reported in part 六 (saying none was collected counts)."""
    year = report_year(report)
    if year is None or not template_for_year(year).fee_reported:
        return
    other = report.section("other")
    if other is not None:
        if _FEE.search(compact(other.text)):
            return
        said = compact(other.text)[:40] or "（空白）"
        message = f"第六部分“其他需要报告的事项”未报告信息处理费收取情况（该部分内容为：“{said}”）"
    else:
        # no part 六 (SECTION_MISSING says so); the fee may still be reported elsewhere
        if _FEE.search(compact("\n".join(s.text for s in report.sections))):
            return
        message = "报告缺少第六部分，全文也未报告信息处理费收取情况"
    yield Finding("FEE_NOT_REPORTED", message, where="六、其他需要报告的事项")


@report_rule(
    "other_processing",
    codes=[Code("OTHER_PROCESSING_HIGH", Severity.WARNING, "“其他处理”占比过高")],
)
def check_other_processing(report: Report) -> Iterator[Finding]:
    template = template_of(report)
    if template is None or "t3" not in report.tables_present:
        return
    columns = [c.key for c in template.applicants]
    # 2019: the single （六）其他处理 row; 2021: its three sub-rows
    rows = list(template.result_group(Role.OTHER_PROCESSING).rows)
    parts = [row_total(report, "t3", r, columns) for r in rows]
    known = [p for p in parts if p is not None]
    results_row = template.role_row(Role.RESULTS_TOTAL).key
    results = row_total(report, "t3", results_row, columns)
    if not known or not results:
        return
    other = sum(known)
    share = other / results
    if other >= OTHER_MIN_CASES and share > OTHER_SHARE:
        keys = [f"t3.{r}.total" for r in rows] + [template.role_key(Role.RESULTS_TOTAL)]
        yield Finding(
            "OTHER_PROCESSING_HIGH",
            f"表三“（六）其他处理”共 {fmt(other)} 件，占本年度办理结果总计 {fmt(results)} 件的 "
            f"{share:.1%}，比例偏高（国办公开办函〔2019〕60号要求关注“其他处理”数量偏高的情况）",
            cells=keys,
            where="表三“（六）其他处理”",
            data={"other": number(other), "results_total": number(results), "share": round(share, 4)},
        )


# --- deadlines (条例第四十九条 and both notices) -----------------------------------------------------

_TOWN = re.compile(r"(?:乡|镇|街道|街道办事处|苏木)(?:人民政府|党委|办事处)?$")
_GOVERNMENT = re.compile(r"人民政府(?:办公厅|办公室)?$")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|厅|办公室|办|中心|署|处)$")


def deadline_for(organ: str | None, year: int) -> tuple[date, str] | None:
    """The publication deadline for the report on `year`, judged from the organ's name; None if unsure.

    Conservative on purpose: a government (or its 办公厅/办公室, which publishes the government's own
    report) gets the latest deadline, 31 March; towns, sub-districts and departments 31 January.
    Names that say neither (管委会, 实验区 …) get no deadline rather than a guess.
    """
    if not organ:
        return None
    name = re.sub(r"\s+", "", organ)
    nxt = year + 1
    if _TOWN.search(name):  # before _GOVERNMENT: 小曹娥镇人民政府 is a town
        return date(nxt, 1, 31), "乡镇人民政府、街道办事处年度报告应于次年1月31日前公布"
    if _GOVERNMENT.search(name):
        return date(nxt, 3, 31), "县级以上地方人民政府本级年度报告应于次年3月31日前公布"
    if _DEPARTMENT.search(name):
        return date(nxt, 1, 31), "县级以上人民政府部门年度报告应于次年1月31日前公布"
    return None


def publication_date(report: Report) -> tuple[date, str] | None:
    """(the date the report was made public, what it is): the page's or the fetch's publication
    date when known (document metadata), else the date signed at the end of the report."""
    meta = report.document.metadata if report.document is not None else {}
    for key, basis in (("published", "网页发布日期"), ("fetched_published", "采集记录的发布日期")):
        value = (meta.get(key) or "").strip()
        try:
            return date.fromisoformat(value[:10]), basis
        except ValueError:
            continue
    if report.published:
        try:
            return date.fromisoformat(report.published[:10]), "落款日期"
        except ValueError:
            return None
    return None


@report_rule(
    "publication_deadline",
    codes=[Code("LATE_PUBLICATION", Severity.WARNING, "发布日期晚于规定时限")],
)
def check_deadline(report: Report) -> Iterator[Finding]:
    if not report.year:
        return
    known = publication_date(report)
    if known is None:
        return
    published, basis = known
    found = deadline_for(report.organ, report.year)
    if found is None:
        return
    deadline, why = found
    if published > deadline:
        days = (published - deadline).days
        yield Finding(
            "LATE_PUBLICATION",
            f"报告{basis} {published.isoformat()} 晚于规定时限 {deadline.isoformat()}"
            f"（{why}），迟了 {days} 天（按{basis}判断）",
            where=basis,
            data={
                "published": published.isoformat(),
                "basis": basis,
                "deadline": deadline.isoformat(),
                "days_late": days,
            },
        )
