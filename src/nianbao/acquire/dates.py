"""The publication date a government page shows: meta tags first, then the 发布时间 line.

Chinese CMSs (TRS WCM, 大汉, 拓尔思 …) write `<meta name="PubDate" content="2025-01-20 09:30">`;
others only print `发布时间：2025-01-20` or `发布日期：2025年01月20日` under the title. A page's
`成文日期` is when the document was signed, not when it was published: it is not taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# preference order: the first present wins
META_NAMES = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "published_time",
    "article:published_time",
    "dcterms.issued",
    "dc.date.issued",
    "dc.date",
    "releasedate",
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")
_LABELS = ("发布时间", "发布日期", "发布于", "公开日期", "发文时间", "时间", "日期")
# 成文日期 (signed), 印发日期, 生效日期, 有效期, 截止日期, 更新时间 are other dates
_LABEL_RE = re.compile(
    rf"(?<!成文)(?<!印发)(?<!生效)(?<!有效)(?<!截止)(?<!更新)(?<!修改)({'|'.join(_LABELS)})\s*[:：]\s*"
)
_STRONG = {"发布时间", "发布日期", "发布于", "公开日期", "发文时间"}


@dataclass(frozen=True)
class PublishedDate:
    date: str  # ISO YYYY-MM-DD
    source: str  # meta:PubDate, 发布时间, 列表日期 …


def parse_date(text: str) -> str | None:
    """The first plausible date in `text`, as ISO YYYY-MM-DD."""
    for m in _DATE.finditer(text or ""):
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def from_meta(meta: dict[str, str]) -> PublishedDate | None:
    """`meta` maps lower-cased meta name/property to content."""
    for name in META_NAMES:
        value = meta.get(name)
        d = parse_date(value or "")
        if d:
            return PublishedDate(d, f"meta:{name}")
    return None


def from_text(lines: list[str]) -> PublishedDate | None:
    """A `发布时间：…` style line near the top of the page's text (site chrome included)."""
    weak: PublishedDate | None = None
    for line in lines:
        s = re.sub(r"\s+", " ", line).strip()
        for m in _LABEL_RE.finditer(s):
            d = parse_date(s[m.end() : m.end() + 30])
            if not d:
                continue
            if m.group(1) in _STRONG:
                return PublishedDate(d, m.group(1))
            weak = weak or PublishedDate(d, m.group(1))
    return weak
