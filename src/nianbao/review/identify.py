"""Is this file a 政府信息公开工作年度报告 at all?

Ingest and upload store only annual reports: a README, a label file, a notice that prints the
blank format or a policy document parse to *something*, and storing that as a report would put
a phantom unit with dozens of errors on every reviewer's queue. The decision is here, once.
"""

from __future__ import annotations

import re

from ..model import Report
from ..readers.image import IMAGE_FORMATS

NOT_A_REPORT = "不是政府信息公开工作年度报告"

# A document whose title is a notice, a letter or a rule is about reports, not one of them: the
# 2019 and 2021 notices print the whole blank format (every table, every part heading).
_OTHER_KIND = re.compile(r"(?:通知|通报|函|意见|办法|规定|决定|批复|方案|要点|细则|格式)[》」”\"]?$")
_CJK = re.compile(r"[\u4e00-\u9fff]{2}")
_PAGE_FORMATS = IMAGE_FORMATS | {"pdf"}
_REPORT_TITLE = re.compile(r"(?:政府)?信息公开.{0,8}年度?报告|年度报告")


def not_a_report(report: Report) -> str | None:
    """None for an annual report; otherwise the Chinese reason shown in the error row."""
    title = re.sub(r"\s+", "", report.title or "")
    if title and _OTHER_KIND.search(title) and not title.endswith("年度报告"):
        return f"{NOT_A_REPORT}（标题“{title[:40]}”是通知或规范性文件，不是某机关的年度报告）"
    parts = sum(1 for s in report.sections if s.key)
    has_values = any(c.value is not None for c in report.cells.values())
    if report.tables_present and has_values:
        return None
    # no number read: a scan that OCR could not read is still a report when it names its organ
    # and reads as one; a text *about* the format (a spec, a manual) names no organ
    names_organ = bool(report.organ and _CJK.search(report.organ))
    if names_organ and parts >= 3:
        return None
    # a title alone is enough only where the rest may be unreadable ink: in a text format, a
    # title with no part, table or number is a title quoted (a label file's notes, a news item)
    if names_organ and title and _REPORT_TITLE.search(title) and report.format in _PAGE_FORMATS:
        return None
    return f"{NOT_A_REPORT}（未识别到报告标题、正文六个部分或统计表）"
